import { QUANTITY_PATTERN } from "./quantity";
import type { PolicyConfigJSONSchema } from "./types";

/** JSON-schema pieces the policies' `configSchema`s share. */

export function stringList(defaults: string[], description: string): PolicyConfigJSONSchema {
    return { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, default: defaults, description };
}

export const quantity: PolicyConfigJSONSchema = {
    type: ["string", "number"],
    pattern: QUANTITY_PATTERN,
    description: "a Kubernetes quantity (500m, 2, 4Gi, 512Mi)",
};

/** `{ cpu, memory }`, both required, nothing else (a misspelt key would silently leave a limit unchecked). */
export const cpuAndMemory: PolicyConfigJSONSchema = {
    type: "object",
    properties: { cpu: quantity, memory: quantity },
    required: ["cpu", "memory"],
    additionalProperties: false,
};

export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

export const podSecurityLevel: PolicyConfigJSONSchema = { type: "string", enum: [...POD_SECURITY_LEVELS] };
