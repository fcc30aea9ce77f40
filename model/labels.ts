/**
 * The labels the programs put on objects and the policy pack reads back. The pack must be self-contained when
 * published, so the names live there (policies/lib/namespaces.ts); this is the one file outside the pack that
 * knows where.
 */
export { TIER_LABEL } from "../policies/lib/namespaces";
