import { z } from "zod";
import { isNetworkBlock } from "../model/addressing";
import { isQuantity, parseQuantity } from "../model/quantity";

/** Schema fragments shared by the environment and cluster configs, each with the message users see. */

export const dnsLabel = (maxLength = 63) =>
    z.string().regex(
        new RegExp(`^(?=.{1,${maxLength}}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$`),
        `must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`,
    );

export const dnsName = z.string().regex(
    /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS name such as fintrax.example.com (lowercase letters, digits, '-' and '.')",
);

/** A quantity the API server accepts for requests, limits and quota: well formed and not negative. */
const nonNegativeQuantity = (value: string) => isQuantity(value) && parseQuantity(value) >= 0;

const cpuQuantity = z.string().refine(nonNegativeQuantity, "must be a non-negative Kubernetes CPU quantity such as 250m or 2");
const memoryQuantity = z.string().refine(nonNegativeQuantity, "must be a non-negative Kubernetes memory quantity such as 256Mi or 4Gi");

/**
 * An image pinned by a tag (not `latest`), a digest, or both (`repo:1.4.2@sha256:…`, where the digest is what
 * the runtime pulls and the tag says which release it is).
 */
export const pinnedImage = z.string().regex(
    /^[a-z0-9]+([._/-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$/,
    "must be an image reference pinned by tag or digest, such as ghcr.io/fintrax/auth:1.4.2",
).refine((image) => !/:latest$/.test(image), "must not use the mutable tag 'latest': pin a version or a digest");

export const cpuAndMemory = z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity });
type CpuAndMemory = z.output<typeof cpuAndMemory>;

/** Adds an issue for every limit below its request (the API server rejects those); skips malformed ones. */
export function checkLimitsCoverRequests(value: CpuAndMemoryPair, ctx: z.RefinementCtx): void {
    for (const resource of ["cpu", "memory"] as const) {
        const [request, limit] = [value.requests[resource], value.limits[resource]];
        if (isQuantity(request) && isQuantity(limit) && parseQuantity(limit) < parseQuantity(request)) {
            ctx.addIssue({ code: "custom", path: ["limits", resource], message: `must be at least requests.${resource} (${request})` });
        }
    }
}

interface CpuAndMemoryPair { requests: CpuAndMemory; limits: CpuAndMemory }

/** Every item whose key repeats an earlier item's, with the index of the first; items without a key are skipped. */
function repeats<T>(list: readonly T[], keyOf: (item: T) => unknown): Array<{ index: number; first: number; key: unknown }> {
    const seen = new Map<unknown, number>();
    const found: Array<{ index: number; first: number; key: unknown }> = [];
    list.forEach((item, index) => {
        const key = keyOf(item);
        if (key === undefined) return;
        if (seen.has(key)) found.push({ index, first: seen.get(key)!, key });
        else seen.set(key, index);
    });
    return found;
}

/**
 * Adds an issue at `[index, field]` for every item whose `field` repeats an earlier item's; items without
 * the field are skipped. `what` finishes the message: `must be unique: <list>[0] <what> "x"`.
 */
export function checkUnique<T>(list: readonly T[], field: keyof T & string, ctx: z.RefinementCtx, listName: string, what: string): void {
    for (const { index, first, key } of repeats(list, (item) => item?.[field])) {
        ctx.addIssue({ code: "custom", path: [index, field], message: `must be unique: ${listName}[${first}] ${what} ${JSON.stringify(key)}` });
    }
}

/** A refinement of a list of plain values: an issue at every repeat, `must not repeat <what> "x" (also at [0])`. */
export const uniqueItems = <T>(what: string) => (list: readonly T[], ctx: z.RefinementCtx) => {
    for (const { index, first, key } of repeats(list, (item) => item)) {
        ctx.addIssue({ code: "custom", path: [index], message: `must not repeat ${what} ${JSON.stringify(key)} (also at [${first}])` });
    }
};

export const requestsAndLimits = z
    .strictObject({ requests: cpuAndMemory, limits: cpuAndMemory })
    .superRefine(checkLimitsCoverRequests);

export const iamPrincipalArn = z.string().regex(
    /^arn:aws[a-z-]*:(iam|sts)::\d{12}:(root|(user|role|assumed-role)\/[\w+=,.@/-]+)$/,
    "must be an IAM principal ARN such as arn:aws:iam::123456789012:role/deployer",
);

/** `1` or `"1"`: stack files hold scalars as text, so numbers are accepted in either form. */
export const integer = (min: number, max: number) =>
    z.coerce
        .number({ error: `must be a whole number from ${min} to ${max}` })
        .int(`must be a whole number from ${min} to ${max}`)
        .min(min, `must be a whole number from ${min} to ${max}`)
        .max(max, `must be a whole number from ${min} to ${max}`);

export const boolean = z.preprocess(
    (value) => (value === "true" ? true : value === "false" ? false : value),
    z.boolean({ error: "must be true or false" }),
);

export const ipv4Cidr = z.string().refine(isNetworkBlock,
    "must be an IPv4 CIDR block on its network boundary, such as 10.0.1.0/24");
