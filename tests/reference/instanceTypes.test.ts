import { expect } from "chai";
import { INSTANCE_TYPES } from "../../model/instanceTypes";
import { EKS_MAX_PODS } from "./referenceData";

describe("reference: instance types (reference/eks-max-pods.json)", () => {
    for (const [type, facts] of Object.entries(INSTANCE_TYPES)) {
        it(`${type}: vCPUs, memory, ENIs and IPv4 per ENI as the sources give them, and the same max pods without prefix delegation`, () => {
            const reference = EKS_MAX_PODS[type];
            expect(reference, `${type} is not in reference/eks-max-pods.json`).to.not.equal(undefined);
            expect(facts).to.deep.equal({
                vcpus: reference.vcpus, memoryMib: reference.memoryMib, maxEnis: reference.maxEnis, ipv4PerEni: reference.ipv4PerEni,
            });
            expect(facts.maxEnis * (facts.ipv4PerEni - 1) + 2).to.equal(reference.maxPods);
        });
    }
});
