import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import {
    ADMISSION_RULES, platformDeployerScopeBinding, TierAdmission, validatingAdmissionPolicy, validatingAdmissionPolicyBindings,
} from "../../policies/admission/objects";
import { platformDeployerScopeRule } from "../../policies/admission/platformDeployerScope";
import { platformLabels } from "../labels";

export interface AdmissionPoliciesArgs {
    /** What each tier's bindings do (the tier presets' `admission`). */
    tiers: TierAdmission;
}

/**
 * The guardrails the API server itself enforces, whoever applies an object: one ValidatingAdmissionPolicy
 * per rule of policies/admission (the same rules the pack judges on Pulumi's resources) and a binding per
 * tier that selects the environment namespaces by their `fintrax.io/tier` label; and the platform
 * deployer's scope (policies/admission/platformDeployerScope.ts), bound everywhere. Both kinds are
 * cluster-scoped, so the cluster stack owns them; the environments only carry the label.
 */
export class AdmissionPolicies extends pulumi.ComponentResource {
    constructor(name: string, args: AdmissionPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:AdmissionPolicies", name, {}, opts);
        const labels = platformLabels();
        for (const rule of ADMISSION_RULES) {
            const { metadata, spec } = validatingAdmissionPolicy(rule);
            const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-${rule.name}`, {
                metadata: { ...metadata, labels }, spec,
            }, { parent: this });
            for (const binding of validatingAdmissionPolicyBindings(rule, args.tiers)) {
                // A binding to a policy that does not exist yet is ignored by the API server; order them anyway.
                new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-${binding.metadata.name}`, {
                    metadata: { ...binding.metadata, labels }, spec: binding.spec,
                }, { parent: this, dependsOn: [policy] });
            }
        }
        const scope = validatingAdmissionPolicy(platformDeployerScopeRule);
        const scopePolicy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-${scope.metadata.name}`, {
            metadata: { ...scope.metadata, labels }, spec: scope.spec,
        }, { parent: this });
        const scopeBinding = platformDeployerScopeBinding();
        new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-${scopeBinding.metadata.name}`, {
            metadata: { ...scopeBinding.metadata, labels }, spec: scopeBinding.spec,
        }, { parent: this, dependsOn: [scopePolicy] });
        this.registerOutputs({ policyNames: [...ADMISSION_RULES, platformDeployerScopeRule].map((rule) => rule.name) });
    }
}
