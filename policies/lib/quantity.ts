/**
 * Kubernetes resource quantities ("500m", "4Gi", "1e3") as plain numbers, so that budgets, quotas and
 * capacity can be compared across notations ("4Gi" equals "4096Mi", "500m" is less than "1").
 *
 * It lives in the policy pack because the pack must be self-contained when it is published; the programs
 * and the offline plan import it from here rather than keep a second copy.
 */

const SUFFIX_FACTORS: Record<string, number> = {
    n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;

/** The quantity grammar as a JSON-schema `pattern`, so that a policy config is checked before it is used. */
export const QUANTITY_PATTERN = QUANTITY.source;

/** True when `value` is written the way the Kubernetes API accepts a quantity. */
export function isQuantity(value: unknown): value is string | number {
    if (typeof value === "number") return Number.isFinite(value);
    return typeof value === "string" && QUANTITY.test(value.trim());
}

/** The quantity in base units (cores for CPU, bytes for memory); throws on a malformed quantity. */
export function parseQuantity(value: string | number): number {
    if (typeof value === "number") return value;
    const match = QUANTITY.exec(value.trim());
    if (!match) throw new Error(`"${value}" is not a Kubernetes quantity (examples: 500m, 2, 4Gi, 512Mi)`);
    const [, mantissa, exponent, suffix = ""] = match;
    // Rounding to 1e-9 keeps "0.1" + "0.2"-style float noise out of equality checks.
    const raw = Number(mantissa) * 10 ** Number(exponent ?? 0) * SUFFIX_FACTORS[suffix];
    return Math.round(raw * 1e9) / 1e9;
}

/** CPU cores as a compact Kubernetes quantity: 0.25 → "250m", 4 → "4". */
export function formatCpu(cores: number): string {
    const milli = Math.round(cores * 1000);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Bytes as a compact Kubernetes quantity in binary units: 4294967296 → "4Gi". */
export function formatMemory(bytes: number): string {
    for (const [suffix, factor] of [["Ti", 2 ** 40], ["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) {
        if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${suffix}`;
    }
    if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)}Mi`;
    return String(Math.round(bytes));
}
