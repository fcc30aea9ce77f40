import { expect } from "chai";
import { committedPlan, planEnvironment } from "../support/environment";
import { ofKind, ofType } from "../support/resources";

describe("environment access (RBAC and EKS access entry)", () => {
    for (const [stack, writes] of [["dev", true], ["staging", true], ["prod", false]] as const) {
        it(`${stack}: deployers ${writes ? "may change" : "may only read"} workloads, and never the guardrails`, async () => {
            const run = await committedPlan(stack);
            const [role] = ofKind(run, "Role");
            expect(role.inputs.metadata).to.deep.include({ name: "deployer", namespace: `fintrax-${stack}` });
            const verbsFor = (resource: string) => role.inputs.rules
                .filter((rule: { resources: string[] }) => rule.resources.includes(resource))
                .flatMap((rule: { verbs: string[] }) => rule.verbs);
            expect(verbsFor("deployments").includes("patch")).to.equal(writes);
            expect(verbsFor("deployments")).to.include.members(["get", "list", "watch"]);
            for (const guardrail of ["resourcequotas", "limitranges", "networkpolicies"]) {
                expect(verbsFor(guardrail)).to.deep.equal(["get", "list", "watch"]);
            }
            // Where deployers edit workloads a pod they write could mount any Secret, so they may read them; production never.
            expect(verbsFor("secrets")).to.deep.equal(writes ? ["get", "list", "watch"] : []);
            expect(verbsFor("pods")).not.to.include("create");

            const binding = ofKind(run, "RoleBinding").find((b) => b.inputs.metadata.name === "deployer")!;
            expect(binding.inputs.roleRef).to.deep.equal({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "deployer" });
            expect(binding.inputs.subjects).to.deep.equal([{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: `fintrax-${stack}-deployers` }]);
        });

        it(`${stack}: the deployer IAM role may get a cluster token and no more, and reaches the cluster through an access entry`, async () => {
            const run = await committedPlan(stack);
            const [iamRole] = ofType(run, "aws:iam/role:Role");
            expect(iamRole.inputs.name).to.equal(`fintrax-${stack}-deployer`);
            const trust = JSON.parse(iamRole.inputs.assumeRolePolicy);
            expect(trust.Statement[0].Principal.AWS).to.deep.equal(["arn:aws:iam::123456789012:root"]);
            const [entry] = ofType(run, "aws:eks/accessEntry:AccessEntry");
            expect(entry.inputs).to.deep.include({ clusterName: "fintrax-eks-shared", type: "STANDARD", principalArn: `arn:aws:iam::123456789012:role/fintrax-${stack}-deployer` });
            expect(entry.inputs.kubernetesGroups).to.deep.equal([`fintrax-${stack}-deployers`]);
            expect(ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")).to.deep.equal([]);
            expect(iamRole.inputs.permissionsBoundary).to.equal("arn:aws:iam::123456789012:policy/fintrax-app-deployer-boundary");
            const [policy] = ofType(run, "aws:iam/rolePolicy:RolePolicy");
            expect(JSON.parse(policy.inputs.policy).Statement).to.deep.equal([
                { Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: "arn:aws:eks:*:123456789012:cluster/fintrax-eks-shared" },
            ]);
            expect(run.outputs.deployerRoleArn).to.equal(`arn:aws:iam::123456789012:role/fintrax-${stack}-deployer`);
        });
    }

    it("trusts exactly the configured deployers when fintrax:deployers is set", async () => {
        const deployers = ["arn:aws:iam::210987654321:role/github-actions-dev"];
        const run = await planEnvironment("dev", { "fintrax:deployers": deployers });
        const trust = JSON.parse(ofType(run, "aws:iam/role:Role")[0].inputs.assumeRolePolicy);
        expect(trust.Statement[0].Principal.AWS).to.deep.equal(deployers);
    });

    it("tags AWS resources with environment, team and cost-center through the provider's default tags", async () => {
        const run = await committedPlan("staging");
        const [provider] = ofType(run, "pulumi:providers:aws");
        const tags = JSON.parse(provider.inputs.defaultTags).tags;
        expect(tags).to.deep.equal({ environment: "staging", team: "fintrax", "cost-center": "fintrax-staging" });
        for (const resource of run.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
            expect(resource.provider, resource.urn).to.equal(provider.urn);
        }
    });
});
