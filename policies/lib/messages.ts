import { describeObject, kubernetesType } from "./kubernetes";
import type { ResourceView } from "./types";

/**
 * One shape for every violation message: what is wrong, on which object, and how to fix it. The engine
 * prints the policy's description above it, so the message starts with the object, not the rule.
 */
export function violation(subject: string, problem: string, fix: string): string {
    return `${subject}: ${problem}. Fix: ${fix}.`;
}

/** `["a", "b", "c"]` → `"a", "b" and "c"`, for lists in messages. */
export function quoteList(items: readonly unknown[]): string {
    const quoted = items.map((item) => JSON.stringify(item));
    return quoted.length <= 1 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** `Deployment fintrax-prod/frontend` for a Kubernetes object, `aws:rds/instance:Instance "orders-db"` otherwise. */
export function describeResource(resource: Pick<ResourceView, "type" | "name" | "props">): string {
    return kubernetesType(resource.type) ? describeObject(resource) : `${resource.type} ${JSON.stringify(resource.name)}`;
}
