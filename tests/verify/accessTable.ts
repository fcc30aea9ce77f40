/**
 * THE ACCESS TABLE: for every identity the project defines (its EKS access entries), what it may and may not do
 * on the cluster. tests/verify/rbac.test.ts asks the real API server's authorizer (SubjectAccessReview, with the
 * access-policy emulation of support/eksAccessPolicies.ts) and compares. This module is only data, so that the
 * access model can be replaced by replacing it.
 */

export interface Access {
    verb: string;
    /** The API group ("" core). */
    group: string;
    resource: string;
    subresource?: string;
    /** undefined: a cluster-scoped request. */
    namespace?: string;
    allowed: boolean;
}

export interface IdentityAccess {
    /** Matches an access entry's principal ARN by its ending (the account id differs per stack config). */
    principal: string;
    description: string;
    access: Access[];
}

const ENVIRONMENTS = ["dev", "staging", "prod"];
const otherThan = (env: string) => ENVIRONMENTS.find((e) => e !== env)!;
const ns = (env: string) => `fintrax-${env}`;

/** What every environment's deployer may never do, whatever its tier. */
function deployerLimits(env: string): Access[] {
    const own = ns(env);
    const other = ns(otherThan(env));
    return [
        { verb: "get", group: "", resource: "secrets", namespace: own, allowed: false },
        { verb: "list", group: "", resource: "secrets", namespace: own, allowed: false },
        { verb: "get", group: "", resource: "resourcequotas", namespace: own, allowed: true },
        { verb: "update", group: "", resource: "resourcequotas", namespace: own, allowed: false },
        { verb: "delete", group: "", resource: "limitranges", namespace: own, allowed: false },
        { verb: "list", group: "networking.k8s.io", resource: "networkpolicies", namespace: own, allowed: true },
        { verb: "delete", group: "networking.k8s.io", resource: "networkpolicies", namespace: own, allowed: false },
        { verb: "create", group: "rbac.authorization.k8s.io", resource: "rolebindings", namespace: own, allowed: false },
        { verb: "patch", group: "rbac.authorization.k8s.io", resource: "roles", namespace: own, allowed: false },
        { verb: "patch", group: "", resource: "namespaces", allowed: false },
        { verb: "delete", group: "", resource: "namespaces", allowed: false },
        { verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterrolebindings", allowed: false },
        { verb: "create", group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies", allowed: false },
        { verb: "list", group: "", resource: "pods", namespace: other, allowed: false },
        { verb: "create", group: "apps", resource: "deployments", namespace: other, allowed: false },
        { verb: "list", group: "", resource: "pods", namespace: "kube-system", allowed: false },
    ];
}

/** development and staging: the deployers change workloads in their namespace. */
function editingDeployer(env: string): IdentityAccess {
    const own = ns(env);
    return {
        principal: `:role/fintrax-${env}-deployer`,
        description: `${env}'s deployer (edit in ${own})`,
        access: [
            { verb: "create", group: "apps", resource: "deployments", namespace: own, allowed: true },
            { verb: "patch", group: "apps", resource: "deployments", subresource: "scale", namespace: own, allowed: true },
            { verb: "delete", group: "", resource: "pods", namespace: own, allowed: true },
            { verb: "update", group: "", resource: "services", namespace: own, allowed: true },
            { verb: "create", group: "autoscaling", resource: "horizontalpodautoscalers", namespace: own, allowed: true },
            { verb: "get", group: "", resource: "pods", subresource: "log", namespace: own, allowed: true },
            ...deployerLimits(env),
        ],
    };
}

/** production: the deployers only look; changes go through the pipeline's stack. */
function viewingDeployer(env: string): IdentityAccess {
    const own = ns(env);
    return {
        principal: `:role/fintrax-${env}-deployer`,
        description: `${env}'s deployer (read-only in ${own})`,
        access: [
            { verb: "list", group: "apps", resource: "deployments", namespace: own, allowed: true },
            { verb: "get", group: "", resource: "pods", namespace: own, allowed: true },
            { verb: "create", group: "apps", resource: "deployments", namespace: own, allowed: false },
            { verb: "patch", group: "apps", resource: "deployments", subresource: "scale", namespace: own, allowed: false },
            { verb: "delete", group: "", resource: "pods", namespace: own, allowed: false },
            { verb: "create", group: "", resource: "pods", subresource: "exec", namespace: own, allowed: false },
            ...deployerLimits(env),
        ],
    };
}

export const ACCESS_TABLE: IdentityAccess[] = [
    editingDeployer("dev"),
    editingDeployer("staging"),
    viewingDeployer("prod"),
    {
        principal: ":role/platform-admin",
        description: "a cluster admin (AmazonEKSClusterAdminPolicy, cluster scope)",
        access: [
            { verb: "delete", group: "", resource: "namespaces", allowed: true },
            { verb: "create", group: "rbac.authorization.k8s.io", resource: "clusterrolebindings", allowed: true },
            { verb: "get", group: "", resource: "secrets", namespace: "fintrax-prod", allowed: true },
            { verb: "update", group: "", resource: "resourcequotas", namespace: "fintrax-prod", allowed: true },
            { verb: "create", group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies", allowed: true },
        ],
    },
];
