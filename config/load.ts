import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * A stack-configuration mistake. It extends RunError so that `pulumi up` prints the message alone,
 * without a stack trace: the person reading it edits a YAML file, not our code.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(problems.length === 1 ? problems[0] : `invalid stack configuration:\n  ${problems.join("\n  ")}`);
        this.name = "ConfigError";
    }
}

let stackFileOverride: string | undefined;

/**
 * Names the file the configuration came from in error messages. The offline plan sets it for
 * `--config FILE`; a real `pulumi up` reads `Pulumi.<stack>.yaml` next to the project file.
 */
export function setStackFileName(file: string | undefined): void {
    stackFileOverride = file;
}

export function stackFileName(projectDir = ""): string {
    return stackFileOverride ?? `${projectDir}Pulumi.${pulumi.getStack()}.yaml`;
}

/**
 * Pulumi hands structured config (maps and lists in the stack file) to the program as JSON text and
 * scalars as plain text; decoding only the structured ones keeps a version such as "1.30" a string.
 */
function decode(raw: string): unknown {
    const text = raw.trim();
    if (text.startsWith("{") || text.startsWith("[")) {
        try {
            return JSON.parse(text);
        } catch {
            return raw;
        }
    }
    return raw;
}

/** Every key of one config namespace (`fintrax:quota` → `quota`), decoded. */
export function readNamespace(namespace: string, all: Record<string, string> = pulumi.runtime.allConfig()) {
    const prefix = `${namespace}:`;
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(all)) {
        if (key.startsWith(prefix)) values[key.slice(prefix.length)] = decode(raw);
    }
    return values;
}

/** `["services", 2, "replicas", "min"]` → `fintrax:services[2].replicas.min`. */
function keyPath(namespace: string, path: ReadonlyArray<PropertyKey>): string {
    let text = namespace;
    path.forEach((part, index) => {
        if (typeof part === "number") text += `[${part}]`;
        else text += index === 0 ? `:${String(part)}` : `.${String(part)}`;
    });
    return text;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
    let current: unknown = input;
    for (const part of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<PropertyKey, unknown>)[part];
    }
    return current;
}

function show(value: unknown): string {
    const text = JSON.stringify(value);
    return text === undefined ? "nothing" : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The definition under a schema's wrappers (optional, default, pipe…). */
function unwrap(node: unknown): Record<string, unknown> | undefined {
    for (;;) {
        const def = (node as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
        if (!def) return undefined;
        if (["optional", "default", "nullable", "prefault", "readonly"].includes(def.type as string)) node = def.innerType;
        else if (def.type === "pipe") node = def.in;
        else return def;
    }
}

/** The keys an object schema accepts at `path`, to say what an unknown key could have been; a union's options all count. */
function allowedKeys(schema: unknown, path: ReadonlyArray<PropertyKey>): string[] {
    const def = unwrap(schema);
    if (def?.type === "union") return [...new Set((def.options as unknown[]).flatMap((option) => allowedKeys(option, path)))];
    if (!path.length) return def?.type === "object" ? Object.keys(def.shape as object) : [];
    const [part, ...rest] = path;
    if (def?.type === "object") return allowedKeys((def.shape as Record<PropertyKey, unknown>)[part], rest);
    if (def?.type === "array") return typeof part === "number" ? allowedKeys(def.element, rest) : [];
    if (def?.type === "record") return allowedKeys(def.valueType, rest);
    return [];
}

/** Zod's type names in the words of a YAML stack file. */
const EXPECTED: Record<string, string> = {
    object: "a map of keys to values", array: "a list", string: "a string", number: "a number",
    int: "a whole number", boolean: "true or false",
};

function describe(issue: z.core.$ZodIssue, schema: z.ZodType, input: unknown, namespace: string, file: string): string[] {
    if (issue.code === "invalid_union") {
        // The options whose shape (a map, a list…) the value has are the ones it was meant as: report their problems.
        const isWrongShape = (problem: z.core.$ZodIssue) => problem.code === "invalid_type" && problem.path.length === 0;
        const meant = issue.errors.filter((problems) => !problems.some(isWrongShape));
        if (meant.length === 1) {
            return meant[0].flatMap((problem) => describe({ ...problem, path: [...issue.path, ...problem.path] } as z.core.$ZodIssue, schema, input, namespace, file));
        }
        const shapes = issue.errors.flatMap((problems) => problems.filter(isWrongShape).map((problem) => (problem as { expected?: string }).expected ?? ""));
        const value = valueAt(input, issue.path);
        return [`${file}: ${keyPath(namespace, issue.path)}: must be ${shapes.map((shape) => EXPECTED[shape] ?? shape).join(" or ")} (got ${show(value)})`];
    }
    if (issue.code === "unrecognized_keys") {
        const allowed = allowedKeys(schema, issue.path);
        return issue.keys.map((key) =>
            `${file}: ${keyPath(namespace, [...issue.path, key])}: unknown key` +
            (allowed.length ? ` (allowed here: ${allowed.join(", ")})` : ""));
    }
    const value = valueAt(input, issue.path);
    let message = issue.message;
    if (issue.code === "invalid_type") {
        // Zod's own wording starts "Invalid input"; ours (the schemas' messages) start "must be".
        const what = issue.message.startsWith("Invalid input") ? EXPECTED[issue.expected] ?? issue.expected : issue.message.replace(/^must be /, "");
        message = `${value === undefined ? "required: " : "must be "}${what}`;
    }
    const got = value === undefined ? "" : ` (got ${show(value)})`;
    return [`${file}: ${keyPath(namespace, issue.path)}: ${message}${got}`];
}

/**
 * Validates one config namespace against its schema and returns the typed, defaulted settings, or throws
 * one ConfigError listing every problem with the stack file, the key path and what is allowed.
 */
export function parseConfig<S extends z.ZodType>(
    schema: S,
    namespace: string,
    values: Record<string, unknown>,
    file: string,
): z.output<S> {
    const result = schema.safeParse(values);
    if (result.success) return result.data;
    const problems = result.error.issues.flatMap((issue) => describe(issue, schema, values, namespace, file));
    throw new ConfigError([...new Set(problems)]);
}
