import { expect } from "chai";
import * as path from "path";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { AnalyzedResource } from "../../plan/analyzer";
import { policyAnalyzer } from "../../plan/analyzer";
import { analyzed } from "../../plan/plan";
import type { PlannedResource } from "../../plan/runtime";
import { loadStackConfig, ROOT, runStackFile, stackSpec } from "../../plan/stacks";
import { clusterReferences } from "../support/clusterFixture";
import { configFileOf } from "./fixtures";

/**
 * A first `pulumi preview`: nothing of the stack exists yet, so every input that comes from another of its
 * resources (an id, an ARN, an endpoint) is unknown. An environment's StackReference is known: the cluster
 * exists before any environment is previewed. The real analyzer turns a policy's read of an unknown into an
 * advisory "can't run"; no policy may crash or report a mandatory violation on such a plan.
 */
function firstPreview(resources: PlannedResource[]): AnalyzedResource[] {
    const created = new Set(resources.filter((r) => r.type !== "pulumi:pulumi:StackReference").map((r) => r.urn));
    return resources.map((resource) => {
        const inputs = { ...resource.serializedInputs };
        for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            if (urns.some((urn) => created.has(urn)) && key in inputs) inputs[key] = unknownValue;
        }
        return analyzed({ ...resource, serializedInputs: inputs, serializedOutputs: undefined });
    });
}

describe("policies in a first preview (computed values unknown)", function () {
    this.timeout(60_000);
    for (const stack of ["shared", "prod"]) {
        it(`judge ${stack} without a crash or a mandatory violation, and say which they cannot judge yet`, async () => {
            const spec = stackSpec(stack);
            const run = await runStackFile(spec, loadStackConfig(spec), stack === "shared" ? {} : clusterReferences());
            const resources = firstPreview(run.resources);
            const unknowns = resources.filter((r) => Object.values(r.inputs).includes(unknownValue)).length;
            expect(unknowns, "resources with unknown inputs").to.be.greaterThan(5);
            const analyzer = await policyAnalyzer(path.join(ROOT, "policies"));
            const violations = await analyzer.judge(configFileOf(stack), resources, `urn:pulumi:${stack}::${spec.project}::pulumi:pulumi:Stack::${spec.project}-${stack}`);
            expect(violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
            for (const violation of violations) expect(violation.message).to.match(/^can't run policy '[\w-]+' from policy pack .* during preview/);
            if (stack === "shared") {
                // The KMS key does not exist yet: its ARN is unknown, so secrets encryption is judged at `up`.
                expect(violations.map((v) => v.policy)).to.include("aws-eks-secrets-encryption");
            }
        });
    }
});
