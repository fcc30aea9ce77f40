import { ENVIRONMENT_TIERS, TIER_LABEL } from "../lib/namespaces";
import type { AdmissionRule, ValidationAction } from "./rule";
import {
    containerResourcesRule, imagePinnedRule, imageRegistryRule, noBarePodsRule, podSecurityRule, saTokenAutomountRule, serviceExposureRule,
} from "./rules";

/** Every admission rule, in the order the cluster creates them. */
export const ADMISSION_RULES: AdmissionRule[] = [
    imagePinnedRule, imageRegistryRule, serviceExposureRule, noBarePodsRule, saTokenAutomountRule, containerResourcesRule, podSecurityRule,
];

export type EnvironmentTier = (typeof ENVIRONMENT_TIERS)[number];

/** What each tier's bindings do: for the rules every tier gets, and for the production ones. Empty: no binding. */
export type TierAdmission = Record<EnvironmentTier, { everyTier: ValidationAction[]; production: ValidationAction[] }>;

const API_VERSION = "admissionregistration.k8s.io/v1";
const CROSSGUARD_ANNOTATION = "fintrax.io/crossguard-policy";

/** The ValidatingAdmissionPolicy of a rule, as the API server receives it. */
export function validatingAdmissionPolicy(rule: AdmissionRule) {
    return {
        apiVersion: API_VERSION,
        kind: "ValidatingAdmissionPolicy",
        metadata: { name: rule.name, annotations: { [CROSSGUARD_ANNOTATION]: rule.crossGuardPolicy } },
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
