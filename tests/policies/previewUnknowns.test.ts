import { expect } from "chai";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { AnalyzedResource, PolicyViolation } from "../../plan/analyzer";
import { analyzedRun } from "../../plan/plan";
import type { StackRun } from "../../plan/runtime";
import { loadStackConfig, runStackFile, stackSpec } from "../../plan/stacks";
import { clusterReferences } from "../support/clusterFixture";
import { evaluate } from "./fixtures";

/**
 * A first `pulumi preview`: nothing of the stack exists yet, so the mock providers leave what they compute
 * (ids, ARNs, endpoints, generated passwords) unknown, as the plan itself runs every stack. An environment's
 * StackReference is known: the cluster exists before any environment is previewed. The real analyzer turns a
 * policy's read of an unknown into an advisory "can't run"; no policy may crash, report a false mandatory
 * violation, or pass what it cannot see.
 */

const previews = new Map<string, Promise<StackRun>>();

function firstPreview(stack: string): Promise<StackRun> {
    if (!previews.has(stack)) {
        const spec = stackSpec(stack);
        previews.set(stack, runStackFile(spec, loadStackConfig(spec), stack === "shared" ? {} : clusterReferences(), spec.file, "firstPreview"));
    }
    return previews.get(stack)!;
}

/** The stack's resources as the analyzer gets them, with `change` applied to one of them (by URN) first. */
function withChange(run: StackRun, urn: string, change: (inputs: Record<string, any>, resource: AnalyzedResource) => void): AnalyzedResource[] {
    const resources = analyzedRun(run);
    const target = resources.find((r) => r.urn === urn);
    if (!target) throw new Error(`no resource ${urn} in the ${run.stack} plan`);
    change(target.inputs, target);
    return resources;
}

const mandatory = (violations: PolicyViolation[]) => violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy);
const cannotRun = (violations: PolicyViolation[]) => violations
    .filter((v) => /^can't run policy '[\w-]+' from policy pack .* during preview/.test(v.message)).map((v) => v.policy);

describe("policies in a first preview (computed values unknown)", function () {
    this.timeout(60_000);

    for (const stack of ["shared", "dev", "prod"]) {
        it(`judge ${stack} as its first preview shows it: no crash, no violation, nothing they cannot judge`, async () => {
            const run = await firstPreview(stack);
            const unknowns = run.resources.filter((r) => JSON.stringify(r.serializedInputs).includes(unknownValue));
            expect(unknowns.length, "resources with unknown inputs").to.be.greaterThan(2);
            expect(await evaluate(stack, analyzedRun(run))).to.deep.equal([]);
        });
    }

    it("know that an unknown KMS key ARN is a key, and still fire when there is none", async () => {
        const run = await firstPreview("shared");
        const cluster = run.resources.find((r) => r.type === "eks:index:Cluster")!;
        expect(cluster.serializedInputs!.encryptionConfigKeyArn).to.equal(unknownValue);
        const without = await evaluate("shared", withChange(run, cluster.urn, (inputs) => delete inputs.encryptionConfigKeyArn));
        expect(mandatory(without)).to.deep.equal(["aws-eks-secrets-encryption"]);
    });

    it("find the subnets of a node group by its input's dependencies, whose ids are not known yet", async () => {
        const run = await firstPreview("shared");
        const nodeGroup = run.resources.find((r) => r.type === "eks:index:ManagedNodeGroup")!;
        expect(nodeGroup.serializedInputs!.subnetIds).to.satisfy((ids: unknown[]) => ids.every((id) => id === unknownValue));
        const publicSubnet = run.resources.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.inputs.tags?.["kubernetes.io/role/elb"] !== undefined)!;
        const violations = await evaluate("shared", withChange(run, nodeGroup.urn, (_inputs, resource) => {
            resource.propertyDependencies = { ...resource.propertyDependencies, subnetIds: [publicSubnet.urn] };
        }));
        expect(mandatory(violations)).to.deep.equal(["aws-nodes-private"]);
    });

    it("say they cannot judge a route whose Gateway is not known yet, rather than pass it", async () => {
        const run = await firstPreview("dev");
        const route = run.resources.find((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")!;
        const violations = await evaluate("dev", withChange(run, route.urn, (inputs) => {
            inputs.spec = { ...inputs.spec, parentRefs: [{ ...inputs.spec.parentRefs[0], name: unknownValue }] };
        }));
        expect(violations.map((v) => v.enforcementLevel)).to.deep.equal(["advisory"]);
        expect(cannotRun(violations)).to.deep.equal(["k8s-route-attachment"]);
    });
});
