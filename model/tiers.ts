/**
 * The three tiers every environment belongs to (seed 000); config/tiers.ts holds what each tier gets. The pack
 * reads tiers off namespace labels, so the list lives there (policies/lib/namespaces.ts); this is the one file
 * outside the pack that knows where.
 */
import { ENVIRONMENT_TIERS } from "../policies/lib/namespaces";

export const TIERS = ENVIRONMENT_TIERS;
export type Tier = (typeof TIERS)[number];
