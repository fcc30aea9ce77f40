import { ENVIRONMENT_TIERS, TIER_LABEL } from "../lib/namespaces";
import type { AdmissionRule } from "./rule";
import { celStrings } from "./rule";

/**
 * RBAC cannot say "only in namespaces with this label", and the platform deployer must create namespaces
 * (cluster-scoped) and the first RoleBindings in them: this admission policy keeps those writes to the
 * environment namespaces. It judges who makes the request, which the pack cannot see, so it has no pack
 * counterpart; it is bound everywhere and always denies.
 */

const PLATFORM_DEPLOYERS_GROUP = "fintrax:platform-deployers";

const isEnvironment = (namespace: string) =>
    `(has(${namespace}.metadata.labels) && '${TIER_LABEL}' in ${namespace}.metadata.labels && ${namespace}.metadata.labels['${TIER_LABEL}'] in ${celStrings(ENVIRONMENT_TIERS)})`;

export const platformDeployerScopeRule: Omit<AdmissionRule, "crossGuardPolicy" | "scope"> = {
    name: "fintrax-platform-deployer-scope",
    description: "The platform deployer writes namespaces and RoleBindings only where an environment tier label says it may.",
    resourceRules: [
        { apiGroups: [""], apiVersions: ["v1"], resources: ["namespaces"], operations: ["CREATE", "UPDATE", "DELETE"] },
        { apiGroups: ["rbac.authorization.k8s.io"], apiVersions: ["v1"], resources: ["rolebindings"], operations: ["CREATE", "UPDATE", "DELETE"] },
    ],
    matchConditions: [{
        name: "platform-deployers-only",
        expression: `has(request.userInfo.groups) && '${PLATFORM_DEPLOYERS_GROUP}' in request.userInfo.groups`,
    }],
    validations: [
        {
            // Before and after: relabelling kube-system as an environment, or an environment as anything else, is refused.
            expression: `request.resource.resource != 'namespaces' || ((oldObject == null || ${isEnvironment("oldObject")}) && (object == null || ${isEnvironment("object")}))`,
            message: `the platform deployer may only create, change and delete namespaces labelled ${TIER_LABEL}: ${ENVIRONMENT_TIERS.join(", ")}`,
        },
        {
            expression: `request.resource.resource != 'rolebindings' || (namespaceObject != null && ${isEnvironment("namespaceObject")})`,
            message: "the platform deployer may only write RoleBindings in environment namespaces",
        },
    ],
};

export { PLATFORM_DEPLOYERS_GROUP };
