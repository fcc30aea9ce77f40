import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ComparedReport } from "../../plan/compare";
import { compareWithBase, renderChanges } from "../../plan/compare";
import type { PlanReport } from "../../plan/plan";
import { cli } from "./support";

/**
 * A plan compared with a changed copy of itself: the copy stands for the pull request's base, so every
 * change made to it must come back, reversed, as the head's changes, cost delta and capacity delta.
 */
describe("plan --compare: a plan against a changed copy of itself", () => {
    let scratch: string;
    let head: PlanReport;
    let baseFile: string;
    let removedUrn: string;
    let changedUrn: string;
    let compared: ComparedReport;
    const goneUrn = "urn:pulumi:dev::fintrax::kubernetes:core/v1:ConfigMap::gone";

    before(async () => {
        scratch = mkdtempSync(path.join(tmpdir(), "fintrax-compare-"));
        const result = await cli("--stack", "dev", "--json");
        expect(result.code, result.stderr).to.equal(0);
        head = JSON.parse(result.stdout);
        // The base: one resource the head adds, one whose inputs the head changes, one the head deletes,
        // $40 less a month and one CPU, 1Gi and 3 pods less of quota requests.
        const base = JSON.parse(result.stdout) as PlanReport;
        const dev = base.stacks[0];
        const quota = dev.resources.find((r) => r.type === "kubernetes:core/v1:ResourceQuota")!;
        removedUrn = quota.urn;
        dev.resources = dev.resources.filter((r) => r !== quota);
        const changed = dev.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
        changedUrn = changed.urn;
        (changed.inputs as { spec: { replicas?: number } }).spec.replicas = 7;
        dev.resources.push({ urn: goneUrn, type: "kubernetes:core/v1:ConfigMap", name: "gone", parent: null, provider: null, protect: false, inputs: {}, dependencies: [], propertyDependencies: {} });
        dev.cost.monthlyUsd -= 40;
        base.capacity!.requested = { cpu: "5", memory: "20Gi", pods: 50 };
        baseFile = path.join(scratch, "base.json");
        writeFileSync(baseFile, JSON.stringify(base));
        const againstBase = await cli("--stack", "dev", "--json", "--compare", baseFile);
        expect(againstBase.code, againstBase.stderr).to.equal(0);
        compared = JSON.parse(againstBase.stdout);
    });
    after(() => rmSync(scratch, { recursive: true, force: true }));

    it("reports what the head creates, updates and deletes, and nothing else", () => {
        expect(compared.stacks[0].changes).to.deep.equal({ create: [removedUrn], update: [changedUrn], delete: [goneUrn] });
    });

    it("reports the monthly cost delta per stack and in total", () => {
        expect(compared.stacks[0].costDeltaUsd).to.equal(40);
        expect(compared.costDeltaUsd).to.equal(40);
    });

    it("reports the capacity delta of the quota requests", () => {
        const base = { stacks: head.stacks, capacity: { requested: { cpu: "5", memory: "20Gi", pods: 50 } } };
        const now = { ...head, capacity: { ...head.capacity!, requested: { cpu: "6500m", memory: "19Gi", pods: 53 } } };
        expect(compareWithBase(now, base).capacityDelta).to.deep.equal({ cpu: "+1500m", memory: "-1Gi", pods: 3 });
    });

    it("a plan compared with itself changes nothing and costs nothing more", () => {
        const same = compareWithBase(head, JSON.parse(JSON.stringify(head)));
        expect(same.stacks[0].changes).to.deep.equal({ create: [], update: [], delete: [] });
        expect(same.costDeltaUsd).to.equal(0);
        expect(same.capacityDelta.pods).to.equal(0);
    });

    it("the budget gate: above --max-cost-increase is a mandatory plan-cost-budget violation", () => {
        const over = compareWithBase(head, JSON.parse(readFileSync(baseFile, "utf8")), 39.99);
        const budget = over.stacks[0].violations.filter((v) => v.policy === "plan-cost-budget");
        expect(budget).to.have.length(1);
        expect(budget[0].enforcementLevel).to.equal("mandatory");
        expect(budget[0].message).to.include("$40.00").and.include("$39.99");
        expect(budget[0].urn).to.equal("urn:pulumi:dev::fintrax::pulumi:pulumi:Stack::fintrax-dev");
    });

    it("the budget gate fails the plan (exit 1), and the text report shows the changes against the base", async () => {
        const result = await cli("--stack", "dev", "--quiet", "--compare", baseFile, "--max-cost-increase", "39.99");
        expect(result.code, result.stderr).to.equal(1);
        expect(result.stdout).to.include("[mandatory] plan-cost-budget (1)");
        expect(result.stdout).to.include("Changes against the base: fintrax/dev: + 1 to create, ~ 1 to update, - 1 to delete; cost +$40.00/month");
    });

    it("the budget gate: at or under the budget nothing is added", () => {
        const base = JSON.parse(readFileSync(baseFile, "utf8"));
        const atBudget = compareWithBase(head, base, 40);
        expect(atBudget.costDeltaUsd).to.equal(40);
        expect(atBudget.stacks[0].violations.map((v) => v.policy)).not.to.include("plan-cost-budget");
    });

    it("the text report has a 'Changes against the base' section per stack", () => {
        const text = renderChanges(compared);
        expect(text).to.include("Changes against the base: fintrax/dev: + 1 to create, ~ 1 to update, - 1 to delete; cost +$40.00/month");
        expect(text).to.include("    - kubernetes:core/v1:ConfigMap::gone");
    });

    it("a base that is not a plan report, or a budget without --compare, is bad usage (exit 2, one message)", async () => {
        const notReport = path.join(scratch, "not-a-report.json");
        writeFileSync(notReport, JSON.stringify({ stacks: [{ stack: "dev" }] }));
        for (const argv of [
            ["--compare", notReport],
            ["--compare", path.join(scratch, "missing.json")],
            ["--max-cost-increase", "10"],
            ["--compare", baseFile, "--max-cost-increase", "ten"],
        ]) {
            const result = await cli("--stack", "dev", ...argv);
            expect(result.code, argv.join(" ")).to.equal(2);
            expect(result.stdout, argv.join(" ")).to.equal("");
            expect(result.stderr, argv.join(" ")).to.match(/^--(compare|max-cost-increase)/).and.not.match(/\n\s+at /);
        }
    });
});
