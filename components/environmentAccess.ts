import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";

export interface EnvironmentAccessArgs {
    environment: string;
    namespace: pulumi.Input<string>;
    /** The environment's extra namespaces (seed 004's layers): the deployers get the same Role there. */
    extraNamespaces?: string[];
    clusterName: pulumi.Input<string>;
    /** `edit` lets the deployers change workloads; `view` (production) lets them only look. */
    access: "edit" | "view";
    /** IAM principals allowed to assume the deployer role; empty means the AWS account itself. */
    trustedPrincipals: string[];
    labels: Record<string, string>;
}

/** Workload kinds a deployer works with. Guardrails (quota, limits, network policies, RBAC) are not among them. */
const WORKLOAD_RESOURCES = [
    { apiGroups: [""], resources: ["pods", "pods/log", "services", "endpoints", "configmaps", "persistentvolumeclaims", "serviceaccounts", "events"] },
    { apiGroups: ["apps"], resources: ["deployments", "deployments/scale", "replicasets", "statefulsets"] },
    { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"] },
    { apiGroups: ["batch"], resources: ["jobs", "cronjobs"] },
    { apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"] },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"] },
];
const GUARDRAIL_RESOURCES = [
    { apiGroups: [""], resources: ["resourcequotas", "limitranges"] },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"] },
];
const READ = ["get", "list", "watch"];
const WRITE = [...READ, "create", "update", "patch", "delete"];

/**
 * Who may deploy to one environment: an IAM role for its pipeline, mapped by an EKS access entry to a
 * Kubernetes group, and a namespaced Role for that group in each of the environment's namespaces. Nothing here
 * reaches beyond them.
 */
export class EnvironmentAccess extends pulumi.ComponentResource {
    readonly deployerRoleArn: pulumi.Output<string>;
    readonly group: string;

    constructor(name: string, args: EnvironmentAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:environment:EnvironmentAccess", name, {}, opts);
        const parent = { parent: this };
        this.group = `fintrax-${args.environment}-deployers`;

        const principals = args.trustedPrincipals.length
            ? pulumi.output(args.trustedPrincipals)
            : aws.getCallerIdentityOutput({}, parent).apply((identity) => [`arn:aws:iam::${identity.accountId}:root`]);
        const role = new aws.iam.Role(`${name}-deployer`, {
            name: `fintrax-${args.environment}-deployer`,
            description: `Deploys the ${args.environment} environment (namespace-scoped on the shared cluster)`,
            assumeRolePolicy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { AWS: principals }, Action: "sts:AssumeRole" }],
            }),
            maxSessionDuration: 3600,
        }, parent);
        this.deployerRoleArn = role.arn;

        const entry = new aws.eks.AccessEntry(`${name}-access-entry`, {
            clusterName: args.clusterName,
            principalArn: role.arn,
            kubernetesGroups: [this.group],
            type: "STANDARD",
        }, parent);
        // AWS's view policy, scoped to the namespace, lets `kubectl get` work; what the deployers may change
        // comes from the Role below, so it is reviewed in code rather than in an AWS-managed policy.
        new aws.eks.AccessPolicyAssociation(`${name}-access-view`, {
            clusterName: args.clusterName,
            principalArn: entry.principalArn,
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
            accessScope: { type: "namespace", namespaces: [args.namespace, ...args.extraNamespaces ?? []] },
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
                rules: [
                    ...WORKLOAD_RESOURCES.map((rule) => ({ ...rule, verbs: args.access === "edit" ? WRITE : READ })),
                    ...GUARDRAIL_RESOURCES.map((rule) => ({ ...rule, verbs: READ })),
                ],
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
