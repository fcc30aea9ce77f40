import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/*
 * IAM documents for the cluster stack, written as JSON (not `aws.iam.getPolicyDocument` invokes) so that
 * the offline plan, the tests and the policy pack read the exact text IAM will get.
 */

/**
 * A trust policy letting one AWS service (`eks.amazonaws.com`, `ec2.amazonaws.com`…) assume the role; with
 * `condition`, only on behalf of this account or resource (`aws:SourceAccount`, `aws:SourceArn`: the guard
 * against the confused deputy). Pod Identity also needs `sts:TagSession` among the `actions`.
 */
export function serviceTrustPolicy(service: string, condition?: Record<string, string>, actions: string | string[] = "sts:AssumeRole"): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow", Principal: { Service: service }, Action: actions,
            ...(condition ? { Condition: { StringEquals: condition } } : {}),
        }],
    });
}

/**
 * An AWS managed policy's ARN from its path and name: most sit at the root (`AmazonEKSClusterPolicy`),
 * some under a path (`service-role/AmazonEBSCSIDriverPolicy`). tests/reference checks every ARN the
 * programs name against reference/aws-managed-policies.json.
 */
export const awsManagedPolicyArn = (pathAndName: string): string => `arn:aws:iam::aws:policy/${pathAndName}`;

/** The resource-name part of a managed policy: its name without the path. */
const policyName = (pathAndName: string) => pathAndName.split("/").pop()!;

export interface RolePolicies {
    /** AWS managed policies to attach, by path and name (`AmazonEKS_CNI_Policy`, `service-role/AmazonEBSCSIDriverPolicy`). @default none */
    managedPolicies?: string[];
    /** An inline policy document of our own (JSON text). @default none */
    inlinePolicy?: pulumi.Input<string>;
}

/** A workload role's permissions: its managed policy attachments and its inline policy. */
export function attachPolicies(name: string, role: aws.iam.Role, policies: RolePolicies, parent: pulumi.Resource): void {
    for (const policy of policies.managedPolicies ?? []) {
        new aws.iam.RolePolicyAttachment(`${name}-${policyName(policy)}`, { role: role.name, policyArn: awsManagedPolicyArn(policy) }, { parent });
    }
    if (policies.inlinePolicy) new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: policies.inlinePolicy }, { parent });
}

export interface IrsaRoleArgs extends RolePolicies {
    /** The cluster's IAM OIDC provider and its issuer without `https://` (`oidc.eks.<region>.amazonaws.com/id/…`). */
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    namespace: string;
    serviceAccount: string;
}

/**
 * An IAM role for one Kubernetes service account (IRSA): only a token the cluster issued for exactly
 * `system:serviceaccount:<namespace>:<name>`, with the STS audience, can assume it. A `StringLike` or a
 * missing `:sub` condition would let every pod of the cluster take the role; this never does.
 */
export class IrsaRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:IrsaRole", name, {}, opts);
        const subject = `system:serviceaccount:${args.namespace}:${args.serviceAccount}`;

        this.role = new aws.iam.Role(`${name}-role`, {
            description: `IRSA role of the ${args.namespace}/${args.serviceAccount} service account`,
            // The condition keys contain the issuer, so the document is written once both are known.
            assumeRolePolicy: pulumi.all([args.oidcProviderArn, args.oidcIssuer]).apply(([providerArn, issuer]) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Principal: { Federated: providerArn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${issuer}:sub`]: subject,
                            [`${issuer}:aud`]: "sts.amazonaws.com",
                        },
                    },
                }],
            })),
        }, { parent: this });

        attachPolicies(name, this.role, args, this);
        this.arn = this.role.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
