/** The three tiers every environment belongs to (seed 000); config/tiers.ts holds what each tier gets. */
export const TIERS = ["development", "staging", "production"] as const;
export type Tier = (typeof TIERS)[number];
