import type { PlanReport, StackReport } from "./plan";

/**
 * The plan for people: per stack a resource tree like `pulumi preview`'s, counts per type, the policy
 * violations grouped by policy, the warnings and the cost; then capacity and a summary.
 */

type Resource = StackReport["resources"][number];

function tree(stack: StackReport): string[] {
    const children = new Map<string | null, Resource[]>();
    for (const resource of stack.resources) {
        const siblings = children.get(resource.parent) ?? [];
        siblings.push(resource);
        children.set(resource.parent, siblings);
    }
    const width = Math.max(...stack.resources.map((r) => r.type.length), 20) + 6;
    const lines = [`     ${"Type".padEnd(width)}Name`, ` +   pulumi:pulumi:Stack${" ".repeat(width - 19)}${stack.project}-${stack.stack}`];
    const walk = (parent: string | null, prefix: string) => {
        const list = children.get(parent) ?? [];
        list.forEach((resource, index) => {
            const last = index === list.length - 1;
            const label = `${prefix}${last ? "└─ " : "├─ "}${resource.type}`;
            lines.push(` +   ${label.padEnd(width + 2)}${resource.name}${resource.protect ? "  [protect]" : ""}`);
            walk(resource.urn, `${prefix}${last ? "   " : "│  "}`);
        });
    };
    walk(null, "");
    return lines;
}

function counts(stack: StackReport): string[] {
    const byType = new Map<string, number>();
    for (const r of stack.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    return [...byType.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([type, n]) => `    ${String(n).padStart(4)}  ${type}`);
}

function violations(stack: StackReport): string[] {
    if (!stack.violations.length) return ["Policy violations: none"];
    const byPolicy = new Map<string, StackReport["violations"]>();
    for (const v of stack.violations) byPolicy.set(v.policy, [...(byPolicy.get(v.policy) ?? []), v]);
    const lines = ["Policy violations:"];
    for (const [policy, list] of byPolicy) {
        lines.push(`    [${list[0].enforcementLevel}] ${policy} (${list.length})`);
        for (const v of list) lines.push(`        ${v.urn.split("::").pop()}: ${v.message}`);
    }
    return lines;
}

function renderStack(stack: StackReport, verbose: boolean): string {
    const lines = [
        `Planning ${stack.project}/${stack.stack} (${stack.file}, policy config ${stack.policyConfig})`,
        "",
        ...(verbose ? [...tree(stack), ""] : []),
        `Resources: + ${stack.resources.length} to create`,
        ...counts(stack),
        "",
        ...violations(stack),
        stack.warnings.length ? `Warnings:\n${stack.warnings.map((w) => `    ${w}`).join("\n")}` : "Warnings: none",
        `Cost: $${stack.cost.monthlyUsd.toFixed(2)}/month (${stack.cost.region} list prices of ${stack.cost.asOf})`,
        ...stack.cost.items.map((item) => `    $${item.monthlyUsd.toFixed(2).padStart(8)}  ${item.description}`),
    ];
    return lines.join("\n");
}

export function renderPlan(report: PlanReport, verbose = true): string {
    const sections = report.stacks.map((stack) => renderStack(stack, verbose));
    if (report.capacity) {
        const c = report.capacity;
        sections.push([
            `Capacity: ${c.fits ? "fits" : "DOES NOT FIT"} — quotas request ${c.requested.cpu} CPU, ${c.requested.memory}, ${c.requested.pods} pods; ` +
            `node groups at maximum size offer ${c.allocatable.cpu} CPU, ${c.allocatable.memory}, ${c.allocatable.pods} pods`,
            ...c.pools.map((pool) => `    ${pool.fits ? "fits" : "short"}: ${pool.namespaces.join(", ")} on ${pool.nodeGroups.join(" + ")}: ` +
                `headroom ${pool.headroom.cpu} CPU, ${pool.headroom.memory}, ${pool.headroom.pods} pods`),
            ...c.subnets.filter((subnet) => subnet.unit === "prefixes" || !subnet.fits).map((subnet) =>
                `    ${subnet.fits ? "fits" : "short"}: subnet ${subnet.subnet} ${subnet.cidr}: ${subnet.needed} of ${subnet.available} ${subnet.unit}`),
        ].join("\n"));
    }
    const mandatory = report.stacks.reduce((n, s) => n + s.violations.filter((v) => v.enforcementLevel === "mandatory").length, 0);
    const advisory = report.stacks.reduce((n, s) => n + s.violations.filter((v) => v.enforcementLevel !== "mandatory").length, 0);
    const warnings = report.stacks.reduce((n, s) => n + s.warnings.length, 0);
    const resources = report.stacks.reduce((n, s) => n + s.resources.length, 0);
    const cost = report.stacks.reduce((n, s) => n + s.cost.monthlyUsd, 0);
    sections.push(`Summary: ${report.stacks.length} stack(s), ${resources} resources, ${mandatory} mandatory and ${advisory} advisory ` +
        `violation(s), ${warnings} warning(s), about $${cost.toFixed(2)}/month`);
    return sections.join("\n\n") + "\n";
}
