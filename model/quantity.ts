/**
 * Kubernetes quantities for the programs, the config check and the plan. The code lives in the policy pack
 * (policies/lib/quantity.ts) because the pack must be self-contained when published; this is the one file
 * outside the pack that knows where.
 */
export * from "../policies/lib/quantity";
