import * as fs from "node:fs";
import * as path from "node:path";
import { allPolicies } from "../../../policies/all";
import { withSchemaDefaults } from "../../../plan/policyPackConfig";
import type { ResourceValidationPolicy } from "../../../policies/lib/types";

/**
 * A pack policy's own logic run on one Kubernetes object, as the analyzer hands it a resource (type token,
 * props), with the stack's policy config: the violations it reports, or undefined when it does not apply.
 */

const STACK_OF_TIER: Record<string, string> = { development: "dev", staging: "staging", production: "prod" };
const NOT_APPLICABLE = Symbol("not applicable");

function configOf(policy: string, tier: string): Record<string, unknown> {
    const file = path.resolve(__dirname, "../../../policies/config", `${STACK_OF_TIER[tier]}.json`);
    const entry = JSON.parse(fs.readFileSync(file, "utf8"))[policy];
    if (typeof entry !== "object" || entry === null) return {};
    return Object.fromEntries(Object.entries(entry).filter(([key]) => key !== "enforcementLevel"));
}

/** `apps/v1` + `Deployment` → `kubernetes:apps/v1:Deployment`; core objects are `kubernetes:core/v1:…`. */
function typeToken(object: any): string {
    const apiVersion = String(object.apiVersion);
    return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${object.kind}`;
}

export function crossGuardViolations(policyName: string, tier: string, object: any): string[] | undefined {
    const policy = allPolicies.find((candidate) => candidate.name === policyName) as ResourceValidationPolicy | undefined;
    if (!policy || typeof policy.validateResource !== "function") throw new Error(`no resource policy ${policyName} in the pack`);
    const violations: string[] = [];
    const args: any = {
        type: typeToken(object), props: object, urn: `urn:pulumi:probe::fintrax::${typeToken(object)}::${object.metadata.name}`,
        name: object.metadata.name, opts: {}, isType: () => false, asType: () => undefined,
        // As the engine hands it over: the stack's entry with the schema's defaults under it.
        getConfig: () => withSchemaDefaults(policy.configSchema, configOf(policyName, tier)),
        notApplicable: () => { throw NOT_APPLICABLE; },
    };
    try {
        policy.validateResource(args, (message: string) => violations.push(message));
    } catch (error) {
        if (error === NOT_APPLICABLE) return undefined;
        throw error;
    }
    return violations;
}
