import Ajv, { ValidateFunction } from "ajv";
import { readFileSync } from "node:fs";

/** A `--policy-pack-config` file read as the engine reads it (pkg/resource/analyzer/config.go). */

/** The pack does not load, or rejects the policy config: the plan stops with the analyzer's (or engine's) message. */
export class PolicyPackError extends Error {}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface ConfigEntry { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> }

export function readConfigText(file: string): string {
    try {
        return readFileSync(file, "utf8");
    } catch (error) {
        throw new PolicyPackError(`${file}: cannot be read (${(error as Error).message})`);
    }
}

/** A policy's properties with its config schema's defaults under them, as the engine fills them before the policy runs. */
export function withSchemaDefaults(schema: { properties?: Record<string, { default?: unknown } | undefined> } | undefined, properties: Record<string, unknown>): Record<string, unknown> {
    const defaults = Object.entries(schema?.properties ?? {}).filter(([, property]) => property?.default !== undefined);
    return { ...structuredClone(Object.fromEntries(defaults.map(([key, property]) => [key, property!.default]))), ...properties };
}

/** A `--policy-pack-config` file: policy name → a level, or `{ enforcementLevel?, ...properties }`. */
export function readPolicyPackConfig(file: string): Record<string, ConfigEntry> {
    let document: unknown;
    const text = readConfigText(file);
    try {
        document = JSON.parse(text);
    } catch (error) {
        throw new PolicyPackError(`${file}: not a readable JSON policy pack config (${(error as Error).message})`);
    }
    if (!document || typeof document !== "object" || Array.isArray(document)) throw new PolicyPackError(`${file}: must be a JSON object of policy names`);
    const level = (value: unknown, where: string): EnforcementLevel => {
        if (LEVELS.includes(value as EnforcementLevel)) return value as EnforcementLevel;
        throw new PolicyPackError(`${file}: ${where}: ${JSON.stringify(value)} is not an enforcement level (${LEVELS.join(", ")})`);
    };
    return Object.fromEntries(Object.entries(document).map(([name, value]): [string, ConfigEntry] => {
        if (typeof value === "string") return [name, { enforcementLevel: level(value, `"${name}"`), properties: {} }];
        if (!value || typeof value !== "object" || Array.isArray(value)) throw new PolicyPackError(`${file}: "${name}" must be an enforcement level or an object`);
        const { enforcementLevel, ...properties } = value as Record<string, unknown>;
        return [name, { ...(enforcementLevel === undefined ? {} : { enforcementLevel: level(enforcementLevel, `"${name}".enforcementLevel`) }), properties }];
    }));
}

/** What the pack says of a policy (GetAnalyzerInfo), with its config schema compiled. */
export interface PolicyInfo {
    name: string;
    enforcementLevel: EnforcementLevel;
    schema?: { properties: Record<string, any>; required: string[] };
    validate?: ValidateFunction;
}

export interface ResolvedPolicyConfig { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }

let ajv: Ajv | undefined; // made when the pack first answers, not while the plan is starting the analyzer

/** The engine checks a policy's config against `{type: object, properties, required}` of its schema. */
export function policyInfo(name: string, enforcementLevel: EnforcementLevel, schema?: PolicyInfo["schema"]): PolicyInfo {
    ajv ??= new Ajv({ allErrors: true, strict: false });
    return { name, enforcementLevel, ...(schema ? { schema, validate: ajv.compile({ type: "object", ...schema }) } : {}) };
}

/**
 * Every policy's configuration from `file`, as the engine makes it: a policy's own entry, else `all`, else the level
 * the pack gives it; its schema's defaults under the entry's properties; then each policy's properties checked
 * against its schema (`pack` names the pack in the error). Entries naming no policy are ignored.
 */
export function resolvePolicyConfig(file: string, policies: PolicyInfo[], pack: string): Map<string, ResolvedPolicyConfig> {
    const entries = readPolicyPackConfig(file);
    const problems: string[] = [];
    const resolved = new Map<string, ResolvedPolicyConfig>();
    for (const policy of policies) {
        const own = entries[policy.name] ?? { properties: {} };
        const enforcementLevel = own.enforcementLevel ?? entries.all?.enforcementLevel ?? policy.enforcementLevel;
        const properties = withSchemaDefaults(policy.schema, own.properties);
        if (policy.validate && !policy.validate(properties)) {
            for (const error of policy.validate.errors ?? []) problems.push(`${policy.name}: ${error.instancePath.slice(1).replace(/\//g, ".") || "(root)"}: ${error.message}`);
        }
        resolved.set(policy.name, { enforcementLevel, properties });
    }
    if (problems.length) throw new PolicyPackError(`${file}: validating policy config: ${pack}\n  ${problems.join("\n  ")}`);
    return resolved;
}
