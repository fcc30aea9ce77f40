import { EKS_ACCESS_POLICY_RULES, PolicyRule } from "../../components/accessModel";
import type { PlannedResource } from "../../plan/runtime";

/**
 * Kubernetes RBAC's authorizer over planned objects (reference: "Using RBAC Authorization", kubernetes.io):
 * an identity's Kubernetes groups come from its EKS access entry; ClusterRoleBindings grant a ClusterRole's
 * rules everywhere, RoleBindings a Role's or ClusterRole's rules in their namespace; a ClusterRole with an
 * aggregationRule holds the rules of the ClusterRoles its selectors match; EKS access policy associations
 * grant their documented equivalents (components/accessModel.ts), cluster-wide or in the listed namespaces.
 */

export interface AccessRequest {
    verb: string;
    group: string;
    /** `plural` or `plural/subresource`. */
    resource: string;
    namespace?: string;
    name?: string;
}

interface Grant {
    rules: PolicyRule[];
    /** Undefined: every namespace and the cluster-scoped resources. */
    namespaces?: string[];
}

const isRbac = (resource: PlannedResource, name: string) => resource.type === `kubernetes:rbac.authorization.k8s.io/v1:${name}`;

function clusterRoleRules(objects: PlannedResource[], name: string): PolicyRule[] {
    const role = objects.find((o) => isRbac(o, "ClusterRole") && o.inputs.metadata.name === name);
    if (!role) return [];
    const selectors: Array<{ matchLabels: Record<string, string> }> = role.inputs.aggregationRule?.clusterRoleSelectors ?? [];
    const aggregated = objects.filter((o) => isRbac(o, "ClusterRole") && selectors.some((selector) =>
        Object.entries(selector.matchLabels ?? {}).every(([key, value]) => o.inputs.metadata.labels?.[key] === value)));
    return [...(role.inputs.rules ?? []), ...aggregated.flatMap((o) => o.inputs.rules ?? [])];
}

/** Everything granted to a principal by the planned access entries, policy associations and bindings. */
export function grantsOf(principalArn: string, objects: PlannedResource[]): Grant[] {
    const entries = objects.filter((o) => o.type === "aws:eks/accessEntry:AccessEntry" && o.inputs.principalArn === principalArn);
    const groups = new Set(entries.flatMap((entry) => entry.inputs.kubernetesGroups ?? []));
    const boundTo = (binding: PlannedResource) => (binding.inputs.subjects ?? []).some((s: any) => s.kind === "Group" && groups.has(s.name));
    const grants: Grant[] = [];
    for (const association of objects.filter((o) => o.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation" && o.inputs.principalArn === principalArn)) {
        const rules = EKS_ACCESS_POLICY_RULES[association.inputs.policyArn];
        if (!rules) throw new Error(`no Kubernetes equivalent recorded for ${association.inputs.policyArn}`);
        const scope = association.inputs.accessScope;
        grants.push({ rules, namespaces: scope.type === "namespace" ? scope.namespaces : undefined });
    }
    for (const binding of objects.filter((o) => isRbac(o, "ClusterRoleBinding") && boundTo(o))) {
        grants.push({ rules: clusterRoleRules(objects, binding.inputs.roleRef.name) });
    }
    for (const binding of objects.filter((o) => isRbac(o, "RoleBinding") && boundTo(o))) {
        const namespace = binding.inputs.metadata.namespace;
        const rules = binding.inputs.roleRef.kind === "ClusterRole"
            ? clusterRoleRules(objects, binding.inputs.roleRef.name)
            : objects.find((o) => isRbac(o, "Role") && o.inputs.metadata.name === binding.inputs.roleRef.name && o.inputs.metadata.namespace === namespace)?.inputs.rules ?? [];
        grants.push({ rules, namespaces: [namespace] });
    }
    return grants;
}

const matches = (values: string[] | undefined, value: string) => (values ?? []).includes("*") || (values ?? []).includes(value);

function ruleAllows(rule: PolicyRule, request: AccessRequest): boolean {
    const named = !rule.resourceNames?.length || (request.name !== undefined && rule.resourceNames.includes(request.name));
    return matches(rule.verbs, request.verb) && matches(rule.apiGroups, request.group) && matches(rule.resources, request.resource) && named;
}

export function allows(grants: Grant[], request: AccessRequest): boolean {
    return grants.some((grant) => (grant.namespaces === undefined || (request.namespace !== undefined && grant.namespaces.includes(request.namespace)))
        && grant.rules.some((rule) => ruleAllows(rule, request)));
}

/** RBAC's escalation check: may `grants` create a Role (or bind a role) holding `rules` in `namespace`? */
export function holdsAll(grants: Grant[], rules: PolicyRule[], namespace: string): string[] {
    const missing: string[] = [];
    for (const rule of rules) {
        for (const verb of rule.verbs) for (const group of rule.apiGroups) for (const resource of rule.resources) {
            if (!allows(grants, { verb, group, resource, namespace })) missing.push(`${verb} ${group}/${resource}`);
        }
    }
    return missing;
}

/** `kubernetes:apps/v1:Deployment` → the request a write of it is: group `apps`, resource `deployments`. */
export function resourceOfType(type: string): { group: string; resource: string } {
    const [, groupVersion, kind] = /^kubernetes:([^:]+):(\w+)$/.exec(type)!;
    const group = groupVersion.split("/")[0];
    const lower = kind.toLowerCase();
    const plural = lower.endsWith("y") ? `${lower.slice(0, -1)}ies` : lower.endsWith("s") ? `${lower}es` : `${lower}s`;
    return { group: group === "core" ? "" : group, resource: plural };
}
