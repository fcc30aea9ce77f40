/**
 * Turns the offline plan's JSON report (`npm run plan -- --json`, shape in shared/CONTRACT.md) into the
 * Markdown of a GitHub job summary: one row per stack, the capacity check, then every violation and warning.
 *
 *   node --import tsx summary.ts REPORT.json EXIT_STATUS STDERR.txt >> "$GITHUB_STEP_SUMMARY"
 *
 * It reads the report defensively: the summary must still say something useful when the plan failed before
 * printing one (exit 2, bad config: the reason is on stderr).
 */
import { readFileSync } from "node:fs";

export interface PlanViolation {
    policy?: string;
    enforcementLevel?: string;
    message?: string;
    urn?: string;
}

export interface PlanStack {
    project?: string;
    stack?: string;
    resources?: unknown[];
    violations?: PlanViolation[];
    warnings?: string[];
    cost?: { monthlyUsd?: number };
}

export interface PlanReport {
    stacks?: PlanStack[];
    capacity?: {
        allocatable?: { cpu?: string; memory?: string; pods?: number };
        requested?: { cpu?: string; memory?: string; pods?: number };
        fits?: boolean;
    };
}

/** At most this many violation rows: a job summary is capped at 1 MiB, and nobody reads the thousandth row. */
const MAX_ROWS = 200;

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });

/** Text safe inside a Markdown table cell. */
export function cell(text: unknown): string {
    return String(text ?? "")
        .replace(/\r?\n/g, " ")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/\|/g, "\\|");
}

function headline(status: number): string {
    switch (status) {
        case 0:
            return "✅ Every stack planned with no mandatory policy violation.";
        case 1:
            return "❌ Mandatory policy violations: the plan fails (exit 1). Fix them or change the stack's config.";
        case 2:
            return "⛔ Bad stack configuration or usage (exit 2): no stack was planned.";
        default:
            return `⛔ The plan failed (exit ${status}).`;
    }
}

export function renderPlanSummary(report: PlanReport | undefined, status: number, stderr = ""): string {
    const lines = ["## Offline plan of every stack, with the policy pack", "", headline(status), ""];
    const stacks = report?.stacks ?? [];

    if (stacks.length > 0) {
        lines.push(
            "| stack | project | resources | mandatory | advisory | warnings | est. monthly cost |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        );
        for (const s of stacks) {
            const violations = s.violations ?? [];
            const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
            const cost = typeof s.cost?.monthlyUsd === "number" ? usd.format(s.cost.monthlyUsd) : "";
            lines.push(
                `| \`${cell(s.stack)}\` | ${cell(s.project)} | ${s.resources?.length ?? 0} | ${mandatory} | ` +
                    `${violations.length - mandatory} | ${s.warnings?.length ?? 0} | ${cost} |`,
            );
        }
        lines.push("");
    }

    const capacity = report?.capacity;
    if (capacity?.requested && capacity.allocatable) {
        const { requested: r, allocatable: a } = capacity;
        lines.push(
            `**Capacity** ${capacity.fits ? "fits" : "does **not** fit"}: requested cpu ${r.cpu} of ${a.cpu}, ` +
                `memory ${r.memory} of ${a.memory}, pods ${r.pods} of ${a.pods}.`,
            "",
        );
    }

    const violations = stacks.flatMap((s) => (s.violations ?? []).map((v) => ({ stack: s.stack, ...v })));
    if (violations.length > 0) {
        lines.push("### Policy violations", "", "| stack | policy | level | message | resource |", "| --- | --- | --- | --- | --- |");
        for (const v of violations.slice(0, MAX_ROWS)) {
            lines.push(
                `| \`${cell(v.stack)}\` | \`${cell(v.policy)}\` | ${cell(v.enforcementLevel)} | ${cell(v.message)} | ` +
                    `${v.urn ? `\`${cell(v.urn)}\`` : ""} |`,
            );
        }
        if (violations.length > MAX_ROWS) lines.push("", `… and ${violations.length - MAX_ROWS} more (see report.json).`);
        lines.push("");
    }

    const warnings = stacks.flatMap((s) => (s.warnings ?? []).map((w) => `- \`${cell(s.stack)}\`: ${cell(w)}`));
    if (warnings.length > 0) lines.push("### Warnings", "", ...warnings.slice(0, MAX_ROWS), "");

    if (status !== 0 && stderr.trim() !== "") {
        lines.push("### Output", "", "```text", stderr.trim().replace(/```/g, "'''"), "```", "");
    }
    return lines.join("\n");
}

function readReport(file: string): PlanReport | undefined {
    try {
        return JSON.parse(readFileSync(file, "utf8")) as PlanReport;
    } catch {
        return undefined; // no report (the plan stopped first) or not JSON: the headline and stderr tell why
    }
}

if (require.main === module) {
    const [reportFile, status, stderrFile] = process.argv.slice(2);
    let stderr = "";
    try {
        stderr = stderrFile ? readFileSync(stderrFile, "utf8") : "";
    } catch {
        // no stderr file: nothing to show
    }
    process.stdout.write(renderPlanSummary(readReport(reportFile), Number(status ?? 0), stderr));
}
