import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { formatCpu, formatMemory, parseQuantity } from "../model/quantity";
import type { PlanReport, StackReport, Violation } from "./plan";

/**
 * `npm run plan -- --compare BASE.json [--max-cost-increase USD]` (CONTRACT.md, "Comparing plans"): what a
 * pull request changes against its base's plan, per stack (created, updated and deleted URNs; the monthly cost
 * delta) and in total (cost and the capacity the namespace quotas request), and the budget gate.
 */

export interface StackChanges { create: string[]; update: string[]; delete: string[] }

export interface ComparedStack extends StackReport {
    changes: StackChanges;
    costDeltaUsd: number;
}

export interface ComparedReport extends PlanReport {
    stacks: ComparedStack[];
    costDeltaUsd: number;
    capacityDelta: { cpu: string; memory: string; pods: number };
}

/** The parts of an earlier `--json` report the comparison reads; anything else in it is ignored. */
interface BaseStack {
    project: string;
    stack: string;
    resources: Array<{ urn: string; inputs?: unknown }>;
    cost?: { monthlyUsd?: number };
}
export interface BaseReport {
    stacks: BaseStack[];
    capacity?: { requested?: { cpu?: string; memory?: string; pods?: number } } | null;
}

/** The base report is unreadable or not a plan report: bad usage, exit 2. */
export class BaseReportError extends Error {}

export const COST_BUDGET_POLICY = "plan-cost-budget";

const round = (usd: number) => Math.round(usd * 100) / 100;

function isBaseStack(value: unknown): value is BaseStack {
    const s = value as BaseStack;
    return typeof s?.project === "string" && typeof s.stack === "string" && Array.isArray(s.resources)
        && s.resources.every((r) => typeof r?.urn === "string");
}

export function readBaseReport(file: string): BaseReport {
    let parsed: unknown;
    try {
        parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new BaseReportError(`--compare ${file}: cannot read it as JSON (${(error as Error).message})`);
    }
    const stacks = (parsed as BaseReport)?.stacks;
    if (!Array.isArray(stacks) || !stacks.every(isBaseStack)) {
        throw new BaseReportError(`--compare ${file}: not a plan report (expected the output of \`npm run plan -- --json\`: {"stacks": [{project, stack, resources: [{urn, inputs}]}]})`);
    }
    return parsed as BaseReport;
}

const key = (s: { project: string; stack: string }) => `${s.project}/${s.stack}`;

function stackChanges(head: StackReport, base: BaseStack | undefined): StackChanges {
    const before = new Map((base?.resources ?? []).map((r) => [r.urn, r.inputs]));
    const after = new Set(head.resources.map((r) => r.urn));
    return {
        create: head.resources.filter((r) => !before.has(r.urn)).map((r) => r.urn),
        update: head.resources.filter((r) => before.has(r.urn) && !isDeepStrictEqual(before.get(r.urn), r.inputs)).map((r) => r.urn),
        delete: [...before.keys()].filter((urn) => !after.has(urn)).sort(),
    };
}

function signed(amount: number, format: (n: number) => string): string {
    return `${amount < 0 ? "-" : "+"}${format(Math.abs(amount))}`;
}

function capacityDelta(head: PlanReport, base: BaseReport): ComparedReport["capacityDelta"] {
    const now = head.capacity?.requested;
    const was = base.capacity?.requested;
    const delta = (pick: (r: { cpu?: string; memory?: string }) => string | undefined) => parseQuantity(pick(now ?? {}) ?? 0) - parseQuantity(pick(was ?? {}) ?? 0);
    return {
        cpu: signed(delta((r) => r.cpu), formatCpu),
        memory: signed(delta((r) => r.memory), formatMemory),
        pods: (now?.pods ?? 0) - (was?.pods ?? 0),
    };
}

/** The stack's root resource, where a stack-wide finding such as the budget is reported. */
function stackUrn(s: { project: string; stack: string }): string {
    return `urn:pulumi:${s.stack}::${s.project}::pulumi:pulumi:Stack::${s.project}-${s.stack}`;
}

/**
 * The report with each stack's changes and cost delta against the base, the totals, and (with a budget) the
 * `plan-cost-budget` violation on the stack whose cost rose most. A stack only in the base counts as deleted:
 * its cost leaves the total, and its resources are listed under a stack of that name only if the head has it.
 */
export function compareWithBase(head: PlanReport, base: BaseReport, maxCostIncreaseUsd?: number): ComparedReport {
    const baseStacks = new Map(base.stacks.map((s) => [key(s), s]));
    const stacks: ComparedStack[] = head.stacks.map((s) => {
        const was = baseStacks.get(key(s));
        return { ...s, changes: stackChanges(s, was), costDeltaUsd: round(s.cost.monthlyUsd - (was?.cost?.monthlyUsd ?? 0)) };
    });
    const headTotal = head.stacks.reduce((sum, s) => sum + s.cost.monthlyUsd, 0);
    const baseTotal = base.stacks.reduce((sum, s) => sum + (s.cost?.monthlyUsd ?? 0), 0);
    const costDeltaUsd = round(headTotal - baseTotal);
    if (maxCostIncreaseUsd !== undefined && costDeltaUsd > maxCostIncreaseUsd && stacks.length) {
        const worst = stacks.reduce((a, b) => (b.costDeltaUsd > a.costDeltaUsd ? b : a));
        const perStack = stacks.filter((s) => s.costDeltaUsd !== 0).map((s) => `${s.stack} ${signed(s.costDeltaUsd, (n) => `$${n.toFixed(2)}`)}`);
        const violation: Violation = {
            policy: COST_BUDGET_POLICY,
            enforcementLevel: "mandatory",
            urn: stackUrn(worst),
            message: `the estimated monthly cost rises by $${costDeltaUsd.toFixed(2)} against the base, more than the allowed ` +
                `$${maxCostIncreaseUsd.toFixed(2)} (--max-cost-increase)${perStack.length ? `: ${perStack.join(", ")}` : ""}`,
        };
        worst.violations = [...worst.violations, violation];
    }
    return { ...head, stacks, costDeltaUsd, capacityDelta: capacityDelta(head, base) };
}

/** "Changes against the base", per stack, for the text report. */
export function renderChanges(report: ComparedReport): string {
    const sections = report.stacks.map((s) => {
        const { create, update, delete: remove } = s.changes;
        const lines = [`Changes against the base: ${s.project}/${s.stack}: + ${create.length} to create, ~ ${update.length} to update, - ${remove.length} to delete; ` +
            `cost ${signed(s.costDeltaUsd, (n) => `$${n.toFixed(2)}`)}/month`];
        for (const [mark, urns] of [["+", create], ["~", update], ["-", remove]] as const) {
            for (const urn of urns) lines.push(`    ${mark} ${urn.split("::").slice(-2).join("::")}`);
        }
        return lines.join("\n");
    });
    const d = report.capacityDelta;
    sections.push(`Against the base: cost ${signed(report.costDeltaUsd, (n) => `$${n.toFixed(2)}`)}/month; ` +
        `quota requests ${d.cpu} CPU, ${d.memory} memory, ${d.pods >= 0 ? "+" : ""}${d.pods} pods`);
    return sections.join("\n\n") + "\n";
}
