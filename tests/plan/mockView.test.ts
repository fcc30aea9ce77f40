import { expect } from "chai";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { MockResourceArgs } from "@pulumi/pulumi/runtime";
import { mockResource } from "../../plan/mockOutputs";

const args = (type: string, name: string, inputs: Record<string, unknown>) => ({ type, name, inputs, custom: true }) as MockResourceArgs;

describe("plan mocks: what a provider knows in a first preview", () => {
    it("echo the inputs and leave what the provider computes unknown", () => {
        const key = mockResource("shared", args("aws:kms/key:Key", "cluster-secrets", { description: "EKS secrets" }), {}, "firstPreview");
        expect(key.id).to.equal("");
        expect(key.state).to.deep.equal({ description: "EKS secrets", keyId: unknownValue, arn: unknownValue, name: "cluster-secrets" });
        const database = mockResource("dev", args("aws:rds/instance:Instance", "db", { identifier: "fintrax-dev", port: 5432 }), {}, "firstPreview");
        expect(database.state).to.include({ identifier: "fintrax-dev", port: 5432, address: unknownValue, endpoint: unknownValue });
        const password = mockResource("dev", args("random:index/randomPassword:RandomPassword", "pw", { length: 32 }), {}, "firstPreview");
        expect(password.state).to.deep.equal({ length: 32, result: unknownValue });
    });

    it("know an autoname in a preview, but not a name the provider makes from a namePrefix at create", () => {
        const prefixed = args("aws:rds/parameterGroup:ParameterGroup", "parameters", { namePrefix: "fintrax-dev-postgres16-", family: "postgres16" });
        expect(mockResource("dev", prefixed, {}, "firstPreview").state.name).to.equal(unknownValue);
        expect(mockResource("dev", prefixed, {}, "created").state.name).to.match(/^fintrax-dev-postgres16-[0-9a-f]{26}$/);
        const autonamed = args("aws:ec2/securityGroup:SecurityGroup", "runners", { description: "CI runners" });
        expect(mockResource("shared", autonamed, {}, "firstPreview").state.name).to.equal("runners");
    });

    it("know everything once the resource is created", () => {
        const key = mockResource("shared", args("aws:kms/key:Key", "cluster-secrets", { description: "EKS secrets" }), {}, "created");
        expect(key.id).to.match(/^[0-9a-f]{8}-/);
        expect(key.state.arn).to.equal(`arn:aws:kms:us-east-1:123456789012:key/${key.id}`);
        expect(JSON.stringify(key.state)).not.to.include(unknownValue);
    });

    it("read another stack's outputs as they are: that stack exists", () => {
        const reference = mockResource("dev", args("pulumi:pulumi:StackReference", "cluster", { name: "organization/fintrax-cluster/shared" }),
            { "organization/fintrax-cluster/shared": { outputs: { clusterName: "fintrax-eks-shared" }, secretOutputNames: [] } }, "firstPreview");
        expect(reference.state.outputs).to.deep.equal({ clusterName: "fintrax-eks-shared" });
    });
});
