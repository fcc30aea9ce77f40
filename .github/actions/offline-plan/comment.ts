/**
 * The pull request comment of the checks workflow: the offline plan compared with the base (`npm run plan --
 * --compare`, CONTRACT.md "Comparing plans"): per stack what is created, updated and deleted and the monthly
 * cost delta, then the total cost and capacity deltas and the budget's verdict. The first line is a marker by
 * which pr-report.yml finds its earlier comment and edits it instead of adding another.
 *
 *   node --import tsx comment.ts REPORT.json EXIT_STATUS [MAX_COST_INCREASE_USD] > comment.md
 */
import { readFileSync } from "node:fs";
import { cell, PlanStack, PlanViolation } from "./summary";

export const COMMENT_MARKER = "<!-- fintrax-offline-plan-report -->";

interface ComparedStack extends PlanStack {
    changes?: { create?: string[]; update?: string[]; delete?: string[] };
    costDeltaUsd?: number;
}

export interface ComparedReport {
    stacks?: ComparedStack[];
    costDeltaUsd?: number;
    capacityDelta?: { cpu?: string; memory?: string; pods?: number };
}

/** At most this many resources listed per stack and kind of change; the artifact has them all. */
const MAX_LISTED = 50;

const money = (usd: number) => `${usd < 0 ? "−" : "+"}$${Math.abs(usd).toFixed(2)}`;
const shortUrn = (urn: string) => urn.split("::").slice(-2).join("::");

function changeList(stack: ComparedStack): string[] {
    const lines: string[] = [];
    for (const [mark, urns] of [["+", stack.changes?.create], ["~", stack.changes?.update], ["-", stack.changes?.delete]] as const) {
        for (const urn of (urns ?? []).slice(0, MAX_LISTED)) lines.push(`${mark} ${shortUrn(urn)}`);
        if ((urns ?? []).length > MAX_LISTED) lines.push(`${mark} … and ${(urns ?? []).length - MAX_LISTED} more`);
    }
    if (!lines.length) return [];
    return ["<details><summary><code>" + cell(stack.stack) + "</code>: the changed resources</summary>", "", "```diff", ...lines.map((l) => l.replace(/```/g, "'''")), "```", "</details>", ""];
}

export function renderPlanComment(report: ComparedReport | undefined, status: number, budgetUsd?: number): string {
    const lines = [COMMENT_MARKER, "## Offline plan against the base", ""];
    const stacks = report?.stacks ?? [];
    if (!report || report.costDeltaUsd === undefined) {
        lines.push(status === 2 ? "⛔ The head did not plan (bad configuration or usage, exit 2): see the checks run." : "No comparison: the base did not plan.", "");
        return lines.join("\n");
    }
    const violations: PlanViolation[] = stacks.flatMap((s) => s.violations ?? []);
    const budget = violations.find((v) => v.policy === "plan-cost-budget");
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    lines.push(
        budget ? `❌ Over the cost budget: ${cell(budget.message)}`
            : status === 0 ? `✅ No mandatory policy violation${budgetUsd !== undefined ? `; within the cost budget of $${budgetUsd.toFixed(2)} a month` : ""}.`
                : `❌ ${mandatory} mandatory policy violation(s): see the checks run and code scanning.`,
        "",
        "| stack | create | update | delete | monthly cost | change |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const s of stacks) {
        lines.push(`| \`${cell(s.stack)}\` | ${s.changes?.create?.length ?? 0} | ${s.changes?.update?.length ?? 0} | ${s.changes?.delete?.length ?? 0} | ` +
            `$${(s.cost?.monthlyUsd ?? 0).toFixed(2)} | ${money(s.costDeltaUsd ?? 0)} |`);
    }
    const d = report.capacityDelta ?? {};
    lines.push(
        "",
        `**Monthly cost**: ${money(report.costDeltaUsd)} against the base.`,
        `**Capacity** (namespace quota requests): cpu ${cell(d.cpu ?? "0")}, memory ${cell(d.memory ?? "0")}, pods ${(d.pods ?? 0) >= 0 ? "+" : ""}${d.pods ?? 0}.`,
        "",
        ...stacks.flatMap(changeList),
    );
    return lines.join("\n");
}

if (require.main === module) {
    const [reportFile, status, budget] = process.argv.slice(2);
    let report: ComparedReport | undefined;
    try {
        report = JSON.parse(readFileSync(reportFile, "utf8")) as ComparedReport;
    } catch {
        report = undefined; // no report: the plan stopped first (exit 2)
    }
    process.stdout.write(renderPlanComment(report, Number(status ?? 0), budget ? Number(budget) : undefined));
}
