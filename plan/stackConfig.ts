import { readFileSync } from "node:fs";
import { parse } from "yaml";

/**
 * A `Pulumi.<stack>.yaml` as the Pulumi CLI hands it to a program: a flat map of `namespace:key` to text,
 * structured values as JSON. Encrypted (`secure:`) values cannot be decrypted offline; they become a
 * placeholder and are marked secret, which is all a plan needs of them.
 */
export interface StackConfig {
    config: Record<string, string>;
    secretKeys: string[];
}

export class StackFileError extends Error {}

/** A config value as Pulumi passes it to a program: text as is, anything structured as JSON. */
function encodeConfigValue(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** `overrides` (key → value; `undefined` removes the key) layered on a stack's config. */
export function withOverrides(stackConfig: StackConfig, overrides: Record<string, unknown>): StackConfig {
    const config = { ...stackConfig.config };
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete config[key];
        else config[key] = encodeConfigValue(value);
    }
    return { config, secretKeys: stackConfig.secretKeys };
}

function flattenStackConfig(document: unknown, file: string): StackConfig {
    if (document === null || document === undefined) return { config: {}, secretKeys: [] };
    if (typeof document !== "object" || Array.isArray(document)) throw new StackFileError(`${file}: must be a YAML map with a "config:" section`);
    const section = (document as Record<string, unknown>).config ?? {};
    if (typeof section !== "object" || section === null || Array.isArray(section)) {
        throw new StackFileError(`${file}: config: must be a map of namespace:key to value`);
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(section as Record<string, unknown>)) {
        if (!/^[^:\s]+:[^:\s]+$/.test(key)) throw new StackFileError(`${file}: config: "${key}" must be namespace:key, such as fintrax:environment`);
        if (value !== null && typeof value === "object" && "secure" in value) {
            config[key] = "[secret]";
            secretKeys.push(key);
        } else {
            config[key] = encodeConfigValue(value);
        }
    }
    return { config, secretKeys };
}

/** `name` is how messages call the file (the path relative to the repository); it defaults to `file`. */
export function readStackConfig(file: string, name = file): StackConfig {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch {
        throw new StackFileError(`${name}: cannot be read`);
    }
    let document: unknown;
    try {
        document = parse(text);
    } catch (error) {
        throw new StackFileError(`${name}: is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    return flattenStackConfig(document, name);
}
