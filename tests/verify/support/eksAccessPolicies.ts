import type { Identity } from "../../../verify/identities";
import type { KubeObject } from "../../../verify/planObjects";

/**
 * THE EMULATION OF EKS ACCESS POLICIES. On EKS, access policies (AmazonEKSViewPolicy, ...) are enforced by
 * EKS's own authorizer, which no API server built from upstream has. AWS documents their permissions as
 * "similar to the permissions in the Kubernetes user-facing cluster roles" ("Review access policy permissions",
 * docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html, read 2026-12-01): this maps each to
 * that ClusterRole and binds it to the entry's user, cluster-wide or in the associated namespaces, so RBAC
 * answers for both halves of an identity's rights. It is an approximation (the policies' exact rules differ in
 * details); nothing else in the suite stands in for EKS.
 */
const ACCESS_POLICY_CLUSTER_ROLES: Record<string, string> = {
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy": "cluster-admin",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy": "admin",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy": "edit",
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy": "view",
};

function bindingName(identity: Identity, clusterRole: string): string {
    return `eks-access-policy-${clusterRole}-${identity.user.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`.slice(0, 253);
}

/** The bindings that stand for every identity's access policy associations. */
export function accessPolicyBindings(identities: Identity[]): KubeObject[] {
    return identities.flatMap((identity) => identity.accessPolicies.flatMap((policy) => {
        const clusterRole = ACCESS_POLICY_CLUSTER_ROLES[policy.policyArn];
        if (!clusterRole) throw new Error(`no ClusterRole stands for the access policy ${policy.policyArn}: add it above`);
        const binding = {
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
            subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: identity.user }],
        };
        const name = bindingName(identity, clusterRole);
        if (!policy.namespaces) {
            return [{ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name }, ...binding }];
        }
        return policy.namespaces.map((namespace) => ({
            apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name, namespace }, ...binding,
        }));
    }));
}
