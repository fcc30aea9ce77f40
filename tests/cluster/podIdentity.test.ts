import { expect } from "chai";
import type { StackRun } from "../../plan/runtime";
import { committedClusterPlan, TYPES } from "./support";
import { json, ofType, one, release } from "../support/resources";

const ACCOUNT = "123456789012";
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

describe("cluster stack: EKS Pod Identity for the add-ons that support it", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });

    it("installs the Pod Identity agent before the add-ons that need it", () => {
        const agent = ofType(run, TYPES.addon).find((a) => a.inputs.addonName === "eks-pod-identity-agent")!;
        expect(agent, "eks-pod-identity-agent add-on").to.not.equal(undefined);
        const ebs = ofType(run, TYPES.addon).find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
        expect(ebs.dependencies, "the EBS CSI add-on waits for the agent").to.include(agent.urn);
    });

    it("gives each role to the EKS Pod Identity service for this account only", () => {
        for (const name of ["addons-ebs-csi-role", "addons-cluster-autoscaler-role"]) {
            expect(json(one(run, TYPES.role, name).inputs.assumeRolePolicy).Statement, name).to.deep.equal([{
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
            }]);
        }
    });

    it("associates the EBS CSI controller's service account through the add-on, with the driver's managed policy", () => {
        const ebs = ofType(run, TYPES.addon).find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!.inputs;
        expect(ebs.podIdentityAssociations).to.deep.equal([{ roleArn: roleArn("addons-ebs-csi-role"), serviceAccount: "ebs-csi-controller-sa" }]);
        expect(ebs.serviceAccountRoleArn).to.equal(undefined);
        const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [a.inputs.role, a.inputs.policyArn]);
        expect(attachments).to.deep.include(["addons-ebs-csi-role", "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
    });

    it("associates Cluster Autoscaler's service account, which carries no IRSA annotation", () => {
        const [association] = ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation");
        expect(association.inputs).to.deep.include({
            clusterName: "fintrax-eks-shared", namespace: "kube-system", serviceAccount: "cluster-autoscaler", roleArn: roleArn("addons-cluster-autoscaler-role"),
        });
        const values = release(run, "cluster-autoscaler").inputs.values;
        expect(values.rbac.serviceAccount).to.deep.equal({ create: true, name: "cluster-autoscaler" });
    });
});
