import { ENVIRONMENT_TIERS, TIER_LABEL } from "../lib/namespaces";
import type { AdmissionRule } from "./rule";
import { celStrings } from "./rule";

/**
 * RBAC cannot say "only in namespaces with this label", and a platform deployer must create namespaces
 * (cluster-scoped) and the first RoleBindings in them: this admission policy keeps those writes to the
 * namespaces of the deployer's own tier (its group says which). It judges who makes the request, which the pack cannot see, so it has no pack
 * counterpart; it is bound everywhere and always denies.
 */

/** One group per tier, so that development's pipeline (unreviewed branches) can never touch production. */
export const platformDeployersGroup = (tier: string) => `fintrax:platform-deployers:${tier}`;

/** The namespace is of a tier whose platform-deployers group the requester is in. */
const isRequestersTier = (namespace: string) =>
    `(has(${namespace}.metadata.labels) && '${TIER_LABEL}' in ${namespace}.metadata.labels && ${namespace}.metadata.labels['${TIER_LABEL}'] in variables.requesterTiers)`;

export const platformDeployerScopeRule: Omit<AdmissionRule, "crossGuardPolicy" | "scope"> = {
    name: "fintrax-platform-deployer-scope",
    description: "The platform deployer writes namespaces and RoleBindings only where an environment tier label says it may.",
    resourceRules: [
        { apiGroups: [""], apiVersions: ["v1"], resources: ["namespaces"], operations: ["CREATE", "UPDATE", "DELETE"] },
        { apiGroups: ["rbac.authorization.k8s.io"], apiVersions: ["v1"], resources: ["rolebindings"], operations: ["CREATE", "UPDATE", "DELETE"] },
    ],
    matchConditions: [{
        name: "platform-deployers-only",
        expression: `has(request.userInfo.groups) && ${celStrings(ENVIRONMENT_TIERS.map(platformDeployersGroup))}.exists(g, g in request.userInfo.groups)`,
    }],
    variables: [{
        name: "requesterTiers",
        expression: `${celStrings(ENVIRONMENT_TIERS)}.filter(t, ('fintrax:platform-deployers:' + t) in request.userInfo.groups)`,
    }],
    validations: [
        {
            // Before and after: relabelling kube-system as an environment, or an environment as anything else, is refused.
            expression: `request.resource.resource != 'namespaces' || ((oldObject == null || ${isRequestersTier("oldObject")}) && (object == null || ${isRequestersTier("object")}))`,
            message: `a platform deployer may only create, change and delete namespaces whose ${TIER_LABEL} label is its own tier`,
        },
        {
            expression: `request.resource.resource != 'rolebindings' || (namespaceObject != null && ${isRequestersTier("namespaceObject")})`,
            message: "a platform deployer may only write RoleBindings in the namespaces of its own tier",
        },
    ],
};
