/**
 * The job summary the checks workflow writes from the offline plan's JSON report
 * (.github/actions/offline-plan/summary.ts).
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderPlanSummary, PlanReport } from "../../.github/actions/offline-plan/summary";

const REPORT: PlanReport = {
    stacks: [
        { project: "fintrax-cluster", stack: "shared", resources: [{}, {}, {}], violations: [], warnings: [], cost: { monthlyUsd: 166.6 } },
        {
            project: "fintrax",
            stack: "prod",
            resources: [{}, {}],
            violations: [
                { policy: "prod-min-replicas", enforcementLevel: "mandatory", message: "Deployment a has 1 replica | needs 3", urn: "urn:pulumi:prod::fintrax::kubernetes:apps/v1:Deployment::a" },
                { policy: "k8s-probes", enforcementLevel: "advisory", message: "no <readiness> probe", urn: "urn:x" },
            ],
            warnings: ["quota close to budget"],
            cost: { monthlyUsd: 12 },
        },
    ],
    capacity: { allocatable: { cpu: "5790m", memory: "20Gi", pods: 51 }, requested: { cpu: "4", memory: "8Gi", pods: 20 }, fits: true },
};

describe("workflows: the offline plan's job summary", () => {
    it("has one row per stack with its counts and cost", () => {
        const md = renderPlanSummary(REPORT, 1);
        expect(md).to.include("| `shared` | fintrax-cluster | 3 | 0 | 0 | 0 | $167 |");
        expect(md).to.include("| `prod` | fintrax | 2 | 1 | 1 | 1 | $12 |");
    });

    it("lists every violation with its level and resource, escaped for a table", () => {
        const md = renderPlanSummary(REPORT, 1);
        expect(md).to.include(
            "| `prod` | `prod-min-replicas` | mandatory | Deployment a has 1 replica \\| needs 3 | `urn:pulumi:prod::fintrax::kubernetes:apps/v1:Deployment::a` |",
        );
        expect(md).to.include("no &lt;readiness> probe");
        expect(md).to.include("- `prod`: quota close to budget");
    });

    it("says whether the plan passed, and whether the environments fit the cluster", () => {
        expect(renderPlanSummary(REPORT, 0)).to.include("✅").and.include("**Capacity** fits: requested cpu 4 of 5790m");
        expect(renderPlanSummary(REPORT, 1)).to.include("❌ Mandatory policy violations");
        const tight = { ...REPORT, capacity: { ...REPORT.capacity, fits: false } };
        expect(renderPlanSummary(tight, 0)).to.include("**Capacity** does **not** fit");
    });

    it("shows the reason when the plan stopped before reporting (bad config, exit 2)", () => {
        const md = renderPlanSummary(undefined, 2, "Pulumi.dev.yaml: fintrax:services[2].replicas.min: must be at least 1\n");
        expect(md).to.include("⛔ Bad stack configuration").and.include("fintrax:services[2].replicas.min");
        expect(md).not.to.include("| stack |");
    });

    it("caps the violation rows", () => {
        const many = { stacks: [{ stack: "dev", violations: Array.from({ length: 250 }, () => ({ policy: "p", enforcementLevel: "mandatory", message: "m" })) }] };
        const md = renderPlanSummary(many, 1);
        expect(md.split("\n").filter((l) => l.startsWith("| `dev` | `p`"))).to.have.length(200);
        expect(md).to.include("… and 50 more");
    });

    it("runs as the offline-plan action calls it: REPORT STATUS STDERR in, Markdown out", () => {
        const dir = mkdtempSync(join(tmpdir(), "plan-summary-"));
        try {
            writeFileSync(join(dir, "report.json"), JSON.stringify(REPORT));
            writeFileSync(join(dir, "stderr.txt"), "");
            const script = join(__dirname, "..", "..", ".github", "actions", "offline-plan", "summary.ts");
            const result = spawnSync(process.execPath, ["--import", "tsx", script, join(dir, "report.json"), "1", join(dir, "stderr.txt")], {
                encoding: "utf8",
            });
            expect(result.status, result.stderr).to.equal(0);
            expect(result.stdout).to.equal(renderPlanSummary(REPORT, 1, ""));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
