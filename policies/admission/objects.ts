import { ENVIRONMENT_TIERS, TIER_LABEL } from "../lib/namespaces";
import { platformDeployerScopeRule } from "./platformDeployerScope";
import type { AdmissionRule, ValidationAction } from "./rule";
import {
    containerResourcesRule, imagePinnedRule, imageRegistryRule, noBarePodsRule, podSecurityRule, routeAttachmentRule, saTokenAutomountRule,
    serviceExposureRule,
} from "./rules";

/** Every admission rule, in the order the cluster creates them. */
export const ADMISSION_RULES: AdmissionRule[] = [
    imagePinnedRule, imageRegistryRule, serviceExposureRule, noBarePodsRule, saTokenAutomountRule, containerResourcesRule, podSecurityRule,
    routeAttachmentRule,
];

export type EnvironmentTier = (typeof ENVIRONMENT_TIERS)[number];

/** What each tier's bindings do: for the rules every tier gets, and for the production ones. Empty: no binding. */
export type TierAdmission = Record<EnvironmentTier, { everyTier: ValidationAction[]; production: ValidationAction[] }>;

const API_VERSION = "admissionregistration.k8s.io/v1";
const CROSSGUARD_ANNOTATION = "fintrax.io/crossguard-policy";

/** A rule as admission alone sees it: the pack counterpart and the tier scope are what the pack's rules add. */
type PolicyDefinition = Omit<AdmissionRule, "crossGuardPolicy" | "scope"> & { crossGuardPolicy?: string };

/** The ValidatingAdmissionPolicy of a rule, as the API server receives it. */
export function validatingAdmissionPolicy(rule: PolicyDefinition) {
    return {
        apiVersion: API_VERSION,
        kind: "ValidatingAdmissionPolicy",
        metadata: { name: rule.name, ...(rule.crossGuardPolicy ? { annotations: { [CROSSGUARD_ANNOTATION]: rule.crossGuardPolicy } } : {}) },
        spec: {
            // An expression that cannot be evaluated refuses the object rather than letting it through.
            failurePolicy: "Fail",
            matchConstraints: { resourceRules: rule.resourceRules },
            ...(rule.matchConditions ? { matchConditions: rule.matchConditions } : {}),
            ...(rule.variables ? { variables: rule.variables } : {}),
            validations: rule.validations.map(({ expression, message }) => ({ expression, message, reason: "Forbidden" })),
        },
    };
}

/** One binding per tier that enforces the rule, selecting that tier's namespaces by their tier label. */
export function validatingAdmissionPolicyBindings(rule: AdmissionRule, tiers: TierAdmission) {
    return ENVIRONMENT_TIERS.flatMap((tier) => {
        const actions = rule.scope === "production" ? tiers[tier].production : tiers[tier].everyTier;
        return actions.length ? [{
            apiVersion: API_VERSION,
            kind: "ValidatingAdmissionPolicyBinding",
            metadata: { name: `${rule.name}-${tier}` },
            spec: {
                policyName: rule.name,
                validationActions: actions,
                matchResources: { namespaceSelector: { matchLabels: { [TIER_LABEL]: tier } } },
            },
        }] : [];
    });
}

/** The platform deployer's scope: bound to every namespace and to cluster-scoped objects, always denying. */
export function platformDeployerScopeBinding() {
    return {
        apiVersion: API_VERSION,
        kind: "ValidatingAdmissionPolicyBinding",
        metadata: { name: platformDeployerScopeRule.name },
        spec: { policyName: platformDeployerScopeRule.name, validationActions: ["Deny"] as ValidationAction[] },
    };
}
