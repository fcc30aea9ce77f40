import { platformDeployersGroup, platformDeployerScopeRule } from "../policies/admission/platformDeployerScope";

/**
 * Who may do what on the shared cluster, in one place: the Kubernetes groups and RBAC rules both programs
 * create, what the EKS access policies they use amount to, and the access table (docs/access.md) that the
 * tests derive from the planned objects and that `npm run verify:cluster` can check with SubjectAccessReview.
 */

export interface PolicyRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    resourceNames?: string[];
}

const READ = ["get", "list", "watch"];
const WRITE = [...READ, "create", "update", "patch", "delete"];

/** The permissions boundary every app deployer role carries: the cluster stack creates it, the environments set it. */
export const APP_DEPLOYER_BOUNDARY_NAME = "fintrax-app-deployer-boundary";

/** Kubernetes groups the access entries map IAM roles to. */
export const GROUPS = {
    /** Per tier: `fintrax:platform-deployers:development`… */
    platformDeployers: platformDeployersGroup,
    platformPreviewers: "fintrax:platform-previewers",
    appDeployers: (environment: string) => `fintrax-${environment}-deployers`,
} as const;

/** ClusterRoles the cluster stack creates; the environment namespaces bind the namespaced two. */
export const CLUSTER_ROLES = {
    /** Bound cluster-wide: what the platform deployer needs outside any one environment namespace. */
    platformDeployer: "fintrax:platform-deployer",
    /** Bound in each environment namespace by that environment's stack: everything it manages there. */
    environmentManager: "fintrax:environment-manager",
    /** Bound cluster-wide for previewers: namespaces only; in each environment namespace `environmentReader`. */
    platformPreviewer: "fintrax:platform-previewer",
    environmentReader: "fintrax:environment-reader",
} as const;

/** The RoleBindings each environment namespace carries for the platform identities, created first in it. */
export function platformRoleBindings(tier: string) {
    return {
        manager: { name: PLATFORM_BINDING_NAMES.manager, clusterRole: CLUSTER_ROLES.environmentManager, group: GROUPS.platformDeployers(tier) },
        reader: { name: PLATFORM_BINDING_NAMES.reader, clusterRole: CLUSTER_ROLES.environmentReader, group: GROUPS.platformPreviewers },
    };
}

const PLATFORM_BINDING_NAMES = { manager: "fintrax-platform-deployer", reader: "fintrax-platform-previewer" };

/**
 * Outside the environment namespaces the platform deployer creates and deletes the namespaces themselves,
 * and creates the two platform RoleBindings in a new one: `bind` on exactly the ClusterRoles they refer to
 * (RBAC lets a binding be created for a role its creator holds or may bind). The admission policy
 * `fintrax-platform-deployer-scope` keeps these writes to the namespaces of the deployer's own tier.
 */
export const PLATFORM_DEPLOYER_CLUSTER_RULES: PolicyRule[] = [
    { apiGroups: [""], resources: ["namespaces"], verbs: WRITE },
    // Create cannot be limited by name in RBAC; the rest is limited to the two platform bindings.
    { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["create"] },
    {
        apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["get", "update", "patch", "delete"],
        resourceNames: [PLATFORM_BINDING_NAMES.manager, PLATFORM_BINDING_NAMES.reader],
    },
    {
        apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"],
        resourceNames: [CLUSTER_ROLES.environmentManager, CLUSTER_ROLES.environmentReader],
    },
];

/** The workload kinds an environment runs; the app deployers edit them where their tier lets them. */
const WORKLOAD_RULES: PolicyRule[] = [
    { apiGroups: [""], resources: ["services", "configmaps", "serviceaccounts", "persistentvolumeclaims"], verbs: WRITE },
    { apiGroups: ["apps"], resources: ["deployments", "deployments/scale"], verbs: WRITE },
    { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
    { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: WRITE },
    { apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"], verbs: WRITE },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
    { apiGroups: ["monitoring.coreos.com"], resources: ["servicemonitors", "prometheusrules"], verbs: WRITE },
];

/** What a rollout is watched through (Pulumi's await logic, `kubectl rollout status`), read-only for everyone. */
const ROLLOUT_READS: PolicyRule[] = [
    { apiGroups: [""], resources: ["pods", "pods/log", "events", "endpoints"], verbs: READ },
    { apiGroups: ["apps"], resources: ["replicasets"], verbs: READ },
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
];

/** The guardrail kinds: the environment stack writes them, nobody else in the namespace may. */
const GUARDRAIL_RULES: PolicyRule[] = [
    { apiGroups: [""], resources: ["resourcequotas", "limitranges"], verbs: WRITE },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: WRITE },
    { apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: WRITE },
];

/** Everything an environment stack manages in its namespaces: workloads, their Secrets, and the guardrails. */
export const ENVIRONMENT_MANAGER_RULES: PolicyRule[] = [
    ...WORKLOAD_RULES,
    { apiGroups: [""], resources: ["secrets"], verbs: WRITE },
    // Held so that the app deployers' Role, which may restart pods, is no escalation for whoever creates it.
    { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
    ...GUARDRAIL_RULES,
    ...ROLLOUT_READS,
];

const readOnly = (rules: PolicyRule[]) => rules.map((rule) => ({ ...rule, verbs: READ }));

/** What previews read in an environment namespace: everything the stack manages but Secrets. */
export const ENVIRONMENT_READER_RULES: PolicyRule[] = [...readOnly(WORKLOAD_RULES), ...readOnly(GUARDRAIL_RULES), ...ROLLOUT_READS];

export const PLATFORM_PREVIEWER_CLUSTER_RULES: PolicyRule[] = [{ apiGroups: [""], resources: ["namespaces"], verbs: READ }];

/**
 * The app deployers' Role in their environment's namespaces. `edit` (development, staging) changes
 * workloads and, since a pod can mount any Secret of its namespace, may read the Secrets too; `view`
 * (production) reads the workloads and never a Secret. Neither writes a guardrail kind.
 */
export function appDeployerRules(access: "edit" | "view"): PolicyRule[] {
    const workloads = access === "edit"
        ? [...WORKLOAD_RULES, { apiGroups: [""], resources: ["secrets"], verbs: READ }, { apiGroups: [""], resources: ["pods"], verbs: ["delete"] }]
        : readOnly(WORKLOAD_RULES);
    return [...workloads, ...readOnly(GUARDRAIL_RULES), ...ROLLOUT_READS];
}

/**
 * EKS access policies are enforced by EKS's own authorizer, not by RBAC objects; AWS documents each as
 * equivalent to a Kubernetes user-facing role ("Review access policy permissions", EKS User Guide, read
 * 2026-12-01: AmazonEKSClusterAdminPolicy ≈ cluster-admin). The project associates only this one.
 */
export const EKS_ACCESS_POLICY_RULES: Record<string, PolicyRule[]> = {
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy": [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
};

/** The identities of the access table: who they are is in docs/access.md. */
export const IDENTITIES = ["cluster-admin", "platform-deployer:development", "platform-deployer:production", "platform-previewer", "app-deployer:dev", "app-deployer:staging", "app-deployer:prod"] as const;
export type Identity = (typeof IDENTITIES)[number];

export interface AccessRow {
    identity: Identity;
    verb: string;
    /** API group ("" for the core group) and resource, as a SubjectAccessReview names them. */
    group: string;
    resource: string;
    /** Absent for cluster-scoped resources. */
    namespace?: string;
    name?: string;
    /** What RBAC (with the EKS access policies) allows. */
    allowed: boolean;
    /** An admission policy that refuses the write all the same. */
    refusedBy?: string;
}

/** `resource` is `plural` (or `plural/subresource`) for the core group, `plural.group` otherwise. */
function row(identity: Identity, verb: string, resource: string, namespace: string | undefined, allowed: boolean, extra: Partial<AccessRow> = {}): AccessRow {
    const dot = resource.indexOf(".");
    const [plural, group] = dot < 0 ? [resource, ""] : [resource.slice(0, dot), resource.slice(dot + 1)];
    return { identity, verb, group, resource: plural, ...(namespace ? { namespace } : {}), allowed, ...extra };
}

const SCOPE = platformDeployerScopeRule.name;

export const ACCESS_TABLE: AccessRow[] = [
    row("cluster-admin", "delete", "validatingadmissionpolicies.admissionregistration.k8s.io", undefined, true),
    row("cluster-admin", "get", "secrets", "kube-system", true),

    row("platform-deployer:development", "create", "namespaces", undefined, true),
    row("platform-deployer:development", "delete", "namespaces", undefined, true, { name: "kube-system", refusedBy: SCOPE }),
    row("platform-deployer:production", "create", "resourcequotas", "fintrax-prod", true),
    row("platform-deployer:development", "create", "networkpolicies.networking.k8s.io", "fintrax-dev", true),
    row("platform-deployer:development", "create", "roles.rbac.authorization.k8s.io", "fintrax-dev", true),
    row("platform-deployer:production", "get", "secrets", "fintrax-prod", true),
    row("platform-deployer:development", "get", "secrets", "fintrax-prod", false),
    row("platform-deployer:development", "patch", "deployments.apps", "fintrax-staging", false),
    row("platform-deployer:development", "create", "rolebindings.rbac.authorization.k8s.io", "fintrax-prod", true, { refusedBy: SCOPE }),
    row("platform-deployer:development", "delete", "namespaces", undefined, true, { name: "fintrax-prod", refusedBy: SCOPE }),
    row("platform-deployer:production", "create", "servicemonitors.monitoring.coreos.com", "fintrax-prod", true),
    row("platform-deployer:development", "bind", "clusterroles.rbac.authorization.k8s.io", undefined, true, { name: CLUSTER_ROLES.environmentManager }),
    row("platform-deployer:development", "bind", "clusterroles.rbac.authorization.k8s.io", undefined, false, { name: "cluster-admin" }),
    row("platform-deployer:development", "create", "rolebindings.rbac.authorization.k8s.io", "kube-system", true, { refusedBy: SCOPE }),
    row("platform-deployer:development", "get", "secrets", "kube-system", false),
    row("platform-deployer:development", "get", "secrets", "monitoring", false),
    row("platform-deployer:development", "create", "deployments.apps", "kube-system", false),
    row("platform-deployer:development", "create", "clusterroles.rbac.authorization.k8s.io", undefined, false),
    row("platform-deployer:development", "create", "clusterrolebindings.rbac.authorization.k8s.io", undefined, false),
    row("platform-deployer:development", "delete", "validatingadmissionpolicybindings.admissionregistration.k8s.io", undefined, false),

    row("platform-previewer", "list", "namespaces", undefined, true),
    row("platform-previewer", "get", "deployments.apps", "fintrax-prod", true),
    row("platform-previewer", "get", "resourcequotas", "fintrax-staging", true),
    row("platform-previewer", "get", "secrets", "fintrax-prod", false),
    row("platform-previewer", "create", "deployments.apps", "fintrax-dev", false),
    row("platform-previewer", "get", "secrets", "kube-system", false),

    row("app-deployer:dev", "patch", "deployments.apps", "fintrax-dev", true),
    row("app-deployer:dev", "create", "services", "fintrax-dev", true),
    row("app-deployer:dev", "get", "secrets", "fintrax-dev", true),
    row("app-deployer:dev", "delete", "pods", "fintrax-dev", true),
    row("app-deployer:dev", "create", "pods", "fintrax-dev", false),
    row("app-deployer:dev", "get", "resourcequotas", "fintrax-dev", true),
    row("app-deployer:dev", "patch", "resourcequotas", "fintrax-dev", false),
    row("app-deployer:dev", "create", "networkpolicies.networking.k8s.io", "fintrax-dev", false),
    row("app-deployer:dev", "create", "rolebindings.rbac.authorization.k8s.io", "fintrax-dev", false),
    row("app-deployer:dev", "patch", "deployments.apps", "fintrax-staging", false),
    row("app-deployer:dev", "create", "namespaces", undefined, false),

    row("app-deployer:staging", "patch", "deployments.apps", "fintrax-staging", true),
    row("app-deployer:staging", "delete", "limitranges", "fintrax-staging", false),
    row("app-deployer:staging", "get", "deployments.apps", "fintrax-dev", false),

    row("app-deployer:prod", "get", "deployments.apps", "fintrax-prod", true),
    row("app-deployer:prod", "get", "pods/log", "fintrax-prod", true),
    row("app-deployer:prod", "patch", "deployments.apps", "fintrax-prod", false),
    row("app-deployer:prod", "create", "jobs.batch", "fintrax-prod", false),
    row("app-deployer:prod", "create", "pods", "fintrax-prod", false),
    row("app-deployer:prod", "get", "secrets", "fintrax-prod", false),
    row("app-deployer:prod", "list", "secrets", "fintrax-prod", false),
];
