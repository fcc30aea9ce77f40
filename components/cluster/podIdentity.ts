import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { attachPolicies, RolePolicies, serviceTrustPolicy } from "./iam";

export interface PodIdentityRoleArgs extends RolePolicies {
    namespace: string;
    serviceAccount: string;
    /** The account the cluster runs in: the EKS Pod Identity service may assume the role for it only. */
    accountId: pulumi.Input<string>;
}

/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity: trusted by the
 * `pods.eks.amazonaws.com` service (AssumeRole plus TagSession, which it needs to pass the pod's cluster,
 * namespace and service account as session tags), for this account only. Which service account gets it is
 * the association's business (an add-on's `podIdentityAssociations`, or `aws.eks.PodIdentityAssociation`);
 * unlike IRSA, the trust does not depend on the cluster's OIDC issuer, so it survives a replaced provider.
 */
export class PodIdentityRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: PodIdentityRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:PodIdentityRole", name, {}, opts);
        this.role = new aws.iam.Role(`${name}-role`, {
            description: `EKS Pod Identity role of the ${args.namespace}/${args.serviceAccount} service account`,
            assumeRolePolicy: pulumi.output(args.accountId).apply((account) =>
                serviceTrustPolicy("pods.eks.amazonaws.com", { "aws:SourceAccount": account }, ["sts:AssumeRole", "sts:TagSession"])),
        }, { parent: this });
        attachPolicies(name, this.role, args, this);
        this.arn = this.role.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
