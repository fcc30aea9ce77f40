import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { APP_DEPLOYER_BOUNDARY_NAME, appDeployerRules, GROUPS } from "./accessModel";

export interface EnvironmentAccessArgs {
    environment: string;
    namespace: pulumi.Input<string>;
    /** The environment's extra namespaces (seed 004's layers): the deployers get the same Role there. @default none */
    extraNamespaces?: string[];
    clusterName: pulumi.Input<string>;
    /** `edit` lets the deployers change workloads; `view` (production) lets them only look. */
    access: "edit" | "view";
    /** IAM principals allowed to assume the deployer role; empty means the AWS account itself. */
    trustedPrincipals: string[];
    labels: Record<string, string>;
}

/**
 * Who may deploy to one environment by hand (docs/access.md): an IAM role that may get a token for the
 * cluster and nothing else (its permissions boundary, created by the cluster stack, says so for good), mapped
 * by an EKS access entry to a Kubernetes group, and a namespaced Role for that group in each of the
 * environment's namespaces. No EKS access policy: what the group may do is reviewed here, in RBAC.
 */
export class EnvironmentAccess extends pulumi.ComponentResource {
    readonly deployerRoleArn: pulumi.Output<string>;
    readonly group: string;

    constructor(name: string, args: EnvironmentAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:environment:EnvironmentAccess", name, {}, opts);
        const parent = { parent: this };
        this.group = GROUPS.appDeployers(args.environment);

        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;
        const principals = args.trustedPrincipals.length
            ? pulumi.output(args.trustedPrincipals)
            : accountId.apply((account) => [`arn:aws:iam::${account}:root`]);
        const role = new aws.iam.Role(`${name}-deployer`, {
            name: `fintrax-${args.environment}-deployer`,
            description: `Deploys the ${args.environment} environment (namespace-scoped on the shared cluster)`,
            assumeRolePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { AWS: principals }, Action: "sts:AssumeRole" }],
            }),
            maxSessionDuration: 3600,
            permissionsBoundary: pulumi.interpolate`arn:aws:iam::${accountId}:policy/${APP_DEPLOYER_BOUNDARY_NAME}`,
        }, parent);
        this.deployerRoleArn = role.arn;
        // `aws eks update-kubeconfig` and `aws eks get-token` need only this; the token is a presigned STS call.
        new aws.iam.RolePolicy(`${name}-deployer-token`, {
            role: role.name,
            name: "eks-token",
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: pulumi.interpolate`arn:aws:eks:*:${accountId}:cluster/${args.clusterName}` }],
            }),
        }, parent);

        new aws.eks.AccessEntry(`${name}-access-entry`, {
            clusterName: args.clusterName,
            principalArn: role.arn,
            kubernetesGroups: [this.group],
            type: "STANDARD",
        }, parent);

        // The environment's own namespace keeps the resource names it always had; an extra one's carry its name.
        const namespaces = [
            { prefix: name, namespace: args.namespace },
            ...(args.extraNamespaces ?? []).map((namespace) => ({ prefix: `${name}-${namespace}`, namespace })),
        ];
        for (const { prefix, namespace } of namespaces) {
            const metadata = { name: "deployer", namespace, labels: args.labels };
            const roleObject = new k8s.rbac.v1.Role(`${prefix}-role`, {
                metadata,
                rules: appDeployerRules(args.access),
            }, parent);
            new k8s.rbac.v1.RoleBinding(`${prefix}-role-binding`, {
                metadata,
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleObject.metadata.name },
                subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: this.group }],
            }, parent);
        }

        this.registerOutputs({ deployerRoleArn: this.deployerRoleArn, group: this.group });
    }
}
