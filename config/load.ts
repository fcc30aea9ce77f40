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
export function keyPath(namespace: string, path: ReadonlyArray<PropertyKey>): string {
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

/** The keys an object schema accepts at `path`, to say what an unknown key could have been. */
function allowedKeys(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
    let node: unknown = schema;
    const unwrap = () => {
        for (;;) {
            const def = (node as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
            if (!def) return undefined;
            if (["optional", "default", "nullable", "prefault", "readonly"].includes(def.type as string)) node = def.innerType;
            else if (def.type === "pipe") node = def.in;
            else return def;
        }
    };
    for (const part of path) {
        const def = unwrap();
        if (def?.type === "object") node = (def.shape as Record<PropertyKey, unknown>)[part];
        else if (def?.type === "array") node = def.element;
        else if (def?.type === "record") node = def.valueType;
        else return [];
    }
    const def = unwrap();
    return def?.type === "object" ? Object.keys(def.shape as object) : [];
}

/** Zod's type names in the words of a YAML stack file. */
const EXPECTED: Record<string, string> = {
    object: "a map of keys to values", array: "a list", string: "a string", number: "a number",
    int: "a whole number", boolean: "true or false",
};

function describe(issue: z.core.$ZodIssue, schema: z.ZodType, input: unknown, namespace: string, file: string): string[] {
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
