import { expect } from "chai";
import type { StackRun } from "../../plan/runtime";
import { committedClusterPlan } from "../cluster/support";
import { committedPlan, ENVIRONMENT_STACKS } from "../support/environment";
import { AWS_MANAGED_POLICY_ARNS } from "./referenceData";

const MANAGED_POLICY_ARN = /arn:aws:iam::aws:policy\/[A-Za-z0-9_+=,.@/-]+/g;

/** Every AWS managed policy ARN in a value: attachment arguments, `managedPolicyArns`, and inside IAM documents. */
function managedPolicyArns(value: unknown): string[] {
    if (typeof value === "string") return value.match(MANAGED_POLICY_ARN) ?? [];
    if (Array.isArray(value)) return value.flatMap(managedPolicyArns);
    if (value !== null && typeof value === "object") return Object.values(value).flatMap(managedPolicyArns);
    return [];
}

function namedBy(run: StackRun): Map<string, string[]> {
    const found = new Map<string, string[]>();
    for (const resource of run.resources) {
        for (const arn of managedPolicyArns(resource.inputs)) found.set(arn, [...(found.get(arn) ?? []), resource.name]);
    }
    return found;
}

describe("reference: AWS managed policy ARNs", () => {
    const stacks: Array<[string, () => Promise<StackRun>]> = [
        ["shared", committedClusterPlan],
        ...ENVIRONMENT_STACKS.map((stack): [string, () => Promise<StackRun>] => [stack, () => committedPlan(stack)]),
    ];
    for (const [stack, plan] of stacks) {
        it(`every managed policy ARN the ${stack} stack names exists (reference/aws-managed-policies.json)`, async () => {
            const missing = [...namedBy(await plan()).entries()].filter(([arn]) => !AWS_MANAGED_POLICY_ARNS.has(arn));
            expect(Object.fromEntries(missing)).to.deep.equal({});
        });
    }

    it("the cluster stack names the policies its roles rely on", async () => {
        expect([...namedBy(await committedClusterPlan()).keys()]).to.include.members([
            "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
        ]);
    });

    it("finds ARNs inside documents and would flag one without its path", () => {
        const document = JSON.stringify({ Condition: { ArnEquals: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicy" } } });
        const [arn] = managedPolicyArns({ policy: document });
        expect(arn).to.equal("arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicy");
        expect(AWS_MANAGED_POLICY_ARNS.has(arn)).to.equal(false);
    });
});
