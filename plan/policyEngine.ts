import { readFileSync } from "fs";
import policyPackage from "../policies/package.json";
import { PACK_NAME } from "../policies/all";
import type {
    EnforcementLevel, Policies, Policy, PolicyConfigJSONSchema, PolicyProviderResource, PolicyResource, PolicyResourceOptions,
    ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from "../policies/lib/types";
import type { PlannedResource, UNKNOWN as UnknownSentinel } from "./runtime";

/**
 * Evaluates the policy pack on planned resources the way the Pulumi engine and @pulumi/policy's analyzer
 * do, without the CLI:
 *
 * - configuration: schema defaults first, then `all`, then each policy's own entry (a level, or an object
 *   with `enforcementLevel` and properties that replace the defaults key by key), then a check of every
 *   policy's properties against its `configSchema` (the CLI refuses to run on a mismatch);
 * - enforcement level: the config's, else the policy's, else the pack's (`mandatory`); `disabled` skips the
 *   policy and `remediate` reports as mandatory;
 * - resource policies run on every resource, providers and components included, each validation with fresh
 *   props; `args.notApplicable()` ends a validation quietly; reading a value that is unknown during preview
 *   ends it with an advisory "can't run" diagnostic; any other error fails the evaluation;
 * - stack policies then run once over all resources (parents, providers and dependencies resolved);
 * - a violation's message is the policy's description, a new line and what the policy reported.
 */

export interface PolicyViolation {
    policy: string;
    enforcementLevel: "advisory" | "mandatory";
    message: string;
    urn: string;
}

/** A planned resource, plus what the engine also knows when the recorder captured it. */
export type EvaluatedResource = Pick<PlannedResource, "urn" | "type" | "name" | "parent" | "provider" | "protect" | "inputs"> & {
    id?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
};

export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";
const ENFORCEMENT_LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
/** How plan/runtime.ts writes a value that is unknown during preview (the type keeps the two in step). */
const UNKNOWN: typeof UnknownSentinel = "[unknown]";
const PACK = `'${PACK_NAME}@v${policyPackage.version}'`;

// --- Configuration -----------------------------------------------------------------------------------------

/** A policy pack config the engine would refuse: bad JSON, an unknown level, a value against the schema. */
export class PolicyConfigError extends Error {}

export interface ResolvedPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

function enforcementLevel(value: unknown, where: string): EnforcementLevel {
    if (typeof value !== "string" || !ENFORCEMENT_LEVELS.includes(value as EnforcementLevel)) {
        throw new PolicyConfigError(`${where}: ${JSON.stringify(value)} is not an enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`);
    }
    return value as EnforcementLevel;
}

/** One entry of a policy pack config file: a level, or `{ enforcementLevel?, ...properties }`. */
function parseEntry(key: string, value: unknown, source: string): Partial<ResolvedPolicyConfig> {
    if (typeof value === "string") return { enforcementLevel: enforcementLevel(value, `${source}: "${key}"`) };
    if (!value || typeof value !== "object" || Array.isArray(value)) {
        throw new PolicyConfigError(`${source}: "${key}" must be an enforcement level or an object, not ${JSON.stringify(value)}`);
    }
    const { enforcementLevel: level, ...properties } = value as Record<string, unknown>;
    return { ...(level === undefined ? {} : { enforcementLevel: enforcementLevel(level, `${source}: "${key}".enforcementLevel`) }), properties };
}

/**
 * Every policy's level and properties under `config` (the parsed `--policy-pack-config` file). Throws one
 * error naming every policy whose properties do not match its schema. As in the engine, an entry for a
 * name that is not a policy is ignored.
 */
export function resolvePolicyConfig(policies: Policies, config: unknown, source = "policy pack config"): Map<string, ResolvedPolicyConfig> {
    const file = config ?? {};
    if (typeof file !== "object" || Array.isArray(file)) throw new PolicyConfigError(`${source}: must be a JSON object of policy names`);
    const entries = Object.fromEntries(Object.entries(file).map(([key, value]) => [key, parseEntry(key, value, source)]));
    const resolved = new Map<string, ResolvedPolicyConfig>();
    const errors: string[] = [];
    for (const policy of policies) {
        const defaults = Object.entries(policy.configSchema?.properties ?? {}).filter(([, schema]) => schema.default !== undefined);
        const own = entries[policy.name] ?? {};
        const result: ResolvedPolicyConfig = {
            enforcementLevel: own.enforcementLevel ?? entries.all?.enforcementLevel ?? policy.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL,
            properties: structuredClone({ ...Object.fromEntries(defaults.map(([key, schema]) => [key, schema.default])), ...own.properties }),
        };
        if (policy.configSchema) {
            const { properties, required } = policy.configSchema;
            const schema: PolicyConfigJSONSchema = { type: "object", properties, ...(required ? { required } : {}) };
            errors.push(...schemaErrors(result.properties, schema, "").map((error) => `${policy.name}: ${error}`));
        }
        resolved.set(policy.name, result);
    }
    if (errors.length) throw new PolicyConfigError(`${source}: invalid policy configuration\n  ${errors.join("\n  ")}`);
    return resolved;
}

/** Reads a `--policy-pack-config` file; a malformed one fails with the file's name. */
export function loadPolicyPackConfig(file: string): Record<string, unknown> {
    try {
        return JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new PolicyConfigError(`${file}: not a readable JSON policy pack config (${(error as Error).message})`);
    }
}

// --- A small JSON-schema check (the keywords the pack's schemas use) ---------------------------------------

const TYPE_CHECKS: Record<string, (value: unknown) => boolean> = {
    string: (value) => typeof value === "string",
    number: (value) => typeof value === "number" && Number.isFinite(value),
    integer: (value) => Number.isInteger(value),
    boolean: (value) => typeof value === "boolean",
    object: (value) => !!value && typeof value === "object" && !Array.isArray(value),
    array: (value) => Array.isArray(value),
    null: (value) => value === null,
};
const ANNOTATIONS = ["description", "default", "format"];

/** What is wrong with `value` under `schema`, each as `path: problem`. Unsupported keywords fail loudly. */
export function schemaErrors(value: unknown, schema: PolicyConfigJSONSchema | boolean, path: string): string[] {
    if (schema === true) return [];
    if (schema === false) return [`${path || "(root)"}: is not allowed`];
    const at = path || "(root)";
    const errors: string[] = [];
    const fail = (problem: string) => errors.push(`${at}: ${problem}`);
    for (const [keyword, expected] of Object.entries(schema) as Array<[string, any]>) {
        switch (keyword) {
            case "type": {
                const types: string[] = Array.isArray(expected) ? expected : [expected];
                if (!types.some((type) => TYPE_CHECKS[type]?.(value))) return [`${at}: must be ${types.join(" or ")}, not ${JSON.stringify(value)}`];
                break;
            }
            case "enum": if (!expected.some((option: unknown) => JSON.stringify(option) === JSON.stringify(value))) fail(`must be one of ${expected.map((option: unknown) => JSON.stringify(option)).join(", ")}`); break;
            case "const": if (JSON.stringify(expected) !== JSON.stringify(value)) fail(`must be ${JSON.stringify(expected)}`); break;
            case "pattern": if (typeof value === "string" && !new RegExp(expected, "u").test(value)) fail(`${JSON.stringify(value)} does not match ${expected}`); break;
            case "minLength": if (typeof value === "string" && value.length < expected) fail(`must be at least ${expected} characters`); break;
            case "maxLength": if (typeof value === "string" && value.length > expected) fail(`must be at most ${expected} characters`); break;
            case "minimum": if (typeof value === "number" && value < expected) fail(`must be at least ${expected}`); break;
            case "maximum": if (typeof value === "number" && value > expected) fail(`must be at most ${expected}`); break;
            case "minItems": if (Array.isArray(value) && value.length < expected) fail(`must have at least ${expected} items`); break;
            case "maxItems": if (Array.isArray(value) && value.length > expected) fail(`must have at most ${expected} items`); break;
            case "uniqueItems": if (expected && Array.isArray(value) && new Set(value.map((item) => JSON.stringify(item))).size !== value.length) fail("must not repeat items"); break;
            case "items": if (Array.isArray(value)) value.forEach((item, index) => errors.push(...schemaErrors(item, expected, `${path}[${index}]`))); break;
            case "required": for (const key of expected) if (TYPE_CHECKS.object(value) && !(key in (value as object))) fail(`must set "${key}"`); break;
            case "properties":
            case "additionalProperties":
                break; // both handled below, together
            default:
                if (!ANNOTATIONS.includes(keyword)) throw new Error(`the policy config check does not support the JSON-schema keyword "${keyword}"`);
        }
    }
    if (TYPE_CHECKS.object(value) && (schema.properties || schema.additionalProperties !== undefined)) {
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
            const itemSchema = schema.properties?.[key] ?? schema.additionalProperties ?? true;
            errors.push(...schemaErrors(item, itemSchema, path ? `${path}.${key}` : key));
        }
    }
    return errors;
}

// --- What policies are handed ------------------------------------------------------------------------------

class NotApplicableError extends Error {}

class UnknownValueError extends Error {
    constructor(path: string[]) {
        super(`value at .${path.join(".")} can't be known during preview`);
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason ?? "Policy does not apply");
}

/** Props that throw when a policy reads a value unknown during preview, like @pulumi/policy's proxy. */
function unknownChecking<T>(value: T, path: string[] = []): T {
    if (!(value instanceof Object)) return value;
    return new Proxy(value as T & object, {
        get: (target, property) => {
            const field = Reflect.get(target, property);
            const fieldPath = [...path, String(property)];
            if (field === UNKNOWN) throw new UnknownValueError(fieldPath);
            const descriptor = Object.getOwnPropertyDescriptor(target, property);
            // A non-configurable, non-writable own property must be returned as is (a Proxy invariant).
            if (descriptor && "value" in descriptor && !descriptor.configurable && !descriptor.writable) return field;
            return unknownChecking(field, fieldPath);
        },
    });
}

function freshProps(resource: EvaluatedResource): Record<string, any> {
    return unknownChecking(structuredClone(resource.inputs ?? {}));
}

/**
 * A stack policy sees outputs: the inputs here, plus the `id` a bridged AWS resource reports among its
 * outputs (how a policy links a node group's subnetIds to the Subnet resources).
 */
function outputProps(resource: EvaluatedResource): Record<string, any> {
    const withId = resource.type.startsWith("aws:") && resource.id ? { id: resource.id, ...resource.inputs } : resource.inputs;
    return unknownChecking(structuredClone(withId ?? {}));
}

function isTypeOf(type: string, resourceClass: any): boolean {
    const pulumiType = resourceClass?.__pulumiType;
    if (typeof pulumiType === "string" && pulumiType) return type === pulumiType;
    return typeof resourceClass?.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

function resourceOptions(resource: EvaluatedResource): PolicyResourceOptions {
    return {
        protect: resource.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        ...(resource.parent ? { parent: resource.parent } : {}),
    };
}

function providerOf(resource: EvaluatedResource, byUrn: Map<string, EvaluatedResource>): PolicyProviderResource | undefined {
    const provider = resource.provider ? byUrn.get(resource.provider) : undefined;
    return provider && { type: provider.type, props: freshProps(provider), urn: provider.urn, name: provider.name };
}

function typeChecks(type: string, props: Record<string, any>) {
    return {
        isType: (resourceClass: any) => isTypeOf(type, resourceClass),
        asType: (resourceClass: any) => (isTypeOf(type, resourceClass) ? props : undefined) as any,
    };
}

function resourceArgs(resource: EvaluatedResource, byUrn: Map<string, EvaluatedResource>, config: ResolvedPolicyConfig): ResourceValidationArgs {
    const props = freshProps(resource);
    const provider = providerOf(resource, byUrn);
    return {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: resourceOptions(resource),
        stackTags: new Map(),
        ...typeChecks(resource.type, props),
        getConfig: <T extends object>() => structuredClone(config.properties) as T,
        notApplicable: throwNotApplicable,
        ...(provider ? { provider } : {}),
    };
}

/** The stack's resources as a stack policy sees them, with parents and dependencies as objects. */
function stackResources(resources: EvaluatedResource[], byUrn: Map<string, EvaluatedResource>): PolicyResource[] {
    const views = new Map<string, PolicyResource>();
    for (const resource of resources) {
        const props = outputProps(resource);
        const provider = providerOf(resource, byUrn);
        views.set(resource.urn, {
            type: resource.type,
            props,
            urn: resource.urn,
            name: resource.name,
            opts: resourceOptions(resource),
            dependencies: [],
            propertyDependencies: {},
            ...typeChecks(resource.type, props),
            ...(provider ? { provider } : {}),
        });
    }
    const lookup = (urns: string[] = []) => urns.map((urn) => views.get(urn)).filter((view): view is PolicyResource => !!view);
    for (const resource of resources) {
        const view = views.get(resource.urn)!;
        const parent = resource.parent ? views.get(resource.parent) : undefined;
        if (parent) view.parent = parent;
        view.dependencies = lookup(resource.dependencies);
        view.propertyDependencies = Object.fromEntries(Object.entries(resource.propertyDependencies ?? {}).map(([key, urns]) => [key, lookup(urns)]));
    }
    return [...views.values()];
}

// --- Evaluation --------------------------------------------------------------------------------------------

function isResourcePolicy(policy: Policy): policy is ResourceValidationPolicy {
    const validation = (policy as ResourceValidationPolicy).validateResource;
    return typeof validation === "function" || (Array.isArray(validation) && validation.every((fn) => typeof fn === "function"));
}

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
    return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** `urn:pulumi:dev::fintrax::…` → the stack resource's URN, where stack-wide violations are reported. */
function stackUrn(resources: EvaluatedResource[], stack: string): string {
    const project = resources[0]?.urn.split("::")[1] ?? "project";
    return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

/**
 * The violations `policies` report on one stack's `resources` under `config` (the parsed
 * `--policy-pack-config`), disabled policies left out. Synchronous, like every policy of this pack: a
 * policy that returns a promise is refused rather than half-evaluated.
 */
export function evaluatePolicies(policies: Policies, resources: EvaluatedResource[], config: unknown, stack: string): PolicyViolation[] {
    const configs = resolvePolicyConfig(policies, config, `policy pack config of stack "${stack}"`);
    const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
    const violations: PolicyViolation[] = [];
    const enabled = policies.filter((policy) => configs.get(policy.name)!.enforcementLevel !== "disabled");

    /** Runs one validation and records what it reports, as the analyzer does. */
    function run(policy: Policy, defaultUrn: string, validate: (report: (message: string, urn?: string) => void) => unknown): void {
        const level = configs.get(policy.name)!.enforcementLevel === "advisory" ? "advisory" : "mandatory";
        const report = (message: string, urn?: string) => violations.push({
            policy: policy.name,
            enforcementLevel: level,
            message: message ? `${policy.description}\n${message}` : policy.description,
            urn: urn ?? defaultUrn,
        });
        try {
            if (validate(report) instanceof Promise) throw new Error("returned a promise; the offline evaluator runs synchronous policies only");
        } catch (error) {
            if (error instanceof NotApplicableError) return;
            const from = `policy '${policy.name}' from policy pack ${PACK}`;
            if (error instanceof UnknownValueError) {
                violations.push({ policy: policy.name, enforcementLevel: "advisory", message: `can't run ${from} during preview: ${error.message}`, urn: defaultUrn });
                return;
            }
            throw new Error(`Error validating ${defaultUrn} with ${from}: ${(error as Error).message}`, { cause: error });
        }
    }

    for (const resource of resources) {
        for (const policy of enabled.filter(isResourcePolicy)) {
            const validations = [policy.validateResource ?? []].flat();
            for (const validation of validations) {
                run(policy, resource.urn, (report) => validation(resourceArgs(resource, byUrn, configs.get(policy.name)!), report));
            }
        }
    }
    const stackWide = stackUrn(resources, stack);
    for (const policy of enabled.filter(isStackPolicy)) {
        const args: StackValidationArgs = {
            resources: stackResources(resources, byUrn),
            stackTags: new Map(),
            getConfig: <T extends object>() => structuredClone(configs.get(policy.name)!.properties) as T,
            notApplicable: throwNotApplicable,
        };
        run(policy, stackWide, (report) => policy.validateStack(args, report));
    }
    return violations;
}
