import { awsPolicies } from "./aws";
import { gatewayPolicies } from "./gatewayApi";
import { namespaceGuardrails } from "./namespaceGuardrails";
import { productionPolicies } from "./production";
import type { Policies } from "./lib/types";
import { workloadPolicies } from "./workloads";

/** The pack's name, as `pulumi preview` reports it. */
export const PACK_NAME = "fintrax-guardrails";

/**
 * Every policy of the pack, group by group. `index.ts` serves this list; the tests and the offline plan
 * evaluate it without starting the pack.
 */
export const allPolicies: Policies = [...namespaceGuardrails, ...gatewayPolicies, ...workloadPolicies, ...productionPolicies, ...awsPolicies];
