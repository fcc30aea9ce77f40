/**
 * Preview environments: the template a label turns into pr-<n>, its plan, the cap the capacity check holds,
 * and the expiry of old ones.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expiredPreviews } from "../../.github/previews/expired";
import { renderPlanComment } from "../../.github/actions/offline-plan/comment";
import { loadPreviewSettings, previewQuotas } from "../../plan/previews";
import { parseQuantity } from "../../model/quantity";
import { cli } from "../plan/support";
import { checkCapacity, quotasOf, type NamespaceQuota } from "../../plan/capacity";
import type { ClusterExports } from "../../model/clusterExports";
import { committedClusterPlan } from "../cluster/support";
import { committedPlan } from "../support/environment";
import { loadWorkflow, ROOT } from "./workflows";

const settings = loadPreviewSettings(ROOT);

describe("preview environments", () => {
    let scratch: string;
    before(() => {
        scratch = mkdtempSync(join(tmpdir(), "fintrax-previews-"));
        mkdirSync(join(scratch, "previews"));
        cpSync(join(ROOT, "previews"), join(scratch, "previews"), { recursive: true });
    });
    after(() => rmSync(scratch, { recursive: true, force: true }));

    function render(arg: string) {
        return spawnSync("bash", [join(ROOT, ".github/previews/render.sh"), arg], { cwd: scratch, encoding: "utf8" });
    }

    it("a pull request's number renders pr-<n>'s stack file and its URL; anything else is refused", () => {
        const ok = render("42");
        expect(ok.status, ok.stderr).to.equal(0);
        expect(ok.stdout.trim()).to.equal("https://pr-42.fintrax.example.com");
        expect(readFileSync(join(scratch, "Pulumi.pr-42.yaml"), "utf8")).to.include("fintrax:environment: pr-42").and.not.include("PR_NUMBER");
        for (const bad of ["0", "4a", "../x", "1;rm", ""]) expect(render(bad).status, bad).to.equal(2);
    });

    it("the rendered stack plans clean: its namespace, its host, its small database, the template's quota", async () => {
        render("42");
        const result = await cli("--stack", "pr-42", "--config", join(scratch, "Pulumi.pr-42.yaml"), "--json");
        expect(result.code, result.stderr).to.equal(0);
        const [stack] = JSON.parse(result.stdout).stacks;
        expect(stack.violations).to.deep.equal([]);
        const of = (type: string) => stack.resources.filter((r: { type: string }) => r.type === type);
        expect(of("kubernetes:core/v1:Namespace").map((r: { inputs: { metadata: { name: string } } }) => r.inputs.metadata.name)).to.include("fintrax-pr-42");
        expect(of("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").map((r: { inputs: { spec: { hostnames: string[] } } }) => r.inputs.spec.hostnames).flat()).to.include("pr-42.fintrax.example.com");
        expect(of("aws:rds/instance:Instance")[0].inputs).to.deep.include({ instanceClass: "db.t3.micro", multiAz: false });
        const [quota] = of("kubernetes:core/v1:ResourceQuota");
        expect(previewQuotas(ROOT)[0].requests).to.deep.equal({
            cpu: parseQuantity(quota.inputs.spec.hard["requests.cpu"]),
            memory: parseQuantity(quota.inputs.spec.hard["requests.memory"]),
            pods: Number(quota.inputs.spec.hard.pods),
        });
    });

    it("the capacity check holds maxLive previews at the template's quota", async () => {
        const previews = previewQuotas(ROOT);
        expect(previews).to.have.length(settings.maxLive).and.length.greaterThan(0);
        const capacity = JSON.parse((await cli("--stack", "dev", "--json")).stdout).capacity;
        const general = capacity.pools[0];
        expect(general.namespaces.filter((n: string) => n.startsWith("fintrax-pr-*"))).to.have.length(settings.maxLive);
        // Without the previews the requested total is smaller by exactly maxLive templates' quota.
        writeFileSync(join(scratch, "previews/previews.json"), JSON.stringify({ ...settings, maxLive: 0 }));
        expect(previewQuotas(scratch)).to.deep.equal([]);
        const sum = previews.reduce((n, q) => n + q.requests.pods, 0);
        expect(sum).to.equal(settings.maxLive * previews[0].requests.pods);
        expect(general.requested.pods).to.be.at.least(sum);
        const cluster = await committedClusterPlan();
        const base = [...quotasOf("shared", cluster.resources), ...quotasOf("dev", (await committedPlan("dev")).resources)];
        const exports = cluster.outputs as unknown as ClusterExports;
        const requestedPods = (quotas: NamespaceQuota[]) => checkCapacity(exports, quotas).pools[0].requested.pods;
        expect(requestedPods([...base, ...previews]) - requestedPods(base)).to.equal(sum);
    });

    it("a tree without previews/previews.json has no preview environments to hold", () => {
        expect(previewQuotas(join(scratch, "previews"))).to.deep.equal([]);
    });

    it("a bad previews.json fails the plan with its file and key", () => {
        writeFileSync(join(scratch, "previews/previews.json"), JSON.stringify({ ...settings, maxLive: -1 }));
        expect(() => previewQuotas(scratch)).to.throw(/^previews\/previews\.json: maxLive: /);
        writeFileSync(join(scratch, "previews/previews.json"), JSON.stringify({ ...settings, maxAge: 3 }));
        expect(() => previewQuotas(scratch)).to.throw(/^previews\/previews\.json: /);
    });

    it("the workflow's label is the one previews.json names", () => {
        const workflow = loadWorkflow("preview-environments");
        for (const job of ["up", "down"]) expect(workflow.jobs[job].if).to.include(`contains(github.event.pull_request.labels.*.name, '${settings.label}')`);
        expect(workflow.on).to.have.property("schedule");
    });

    it("expires previews labelled longer ago than maxAgeHours, and undatable ones", () => {
        const now = new Date("2026-12-01T12:00:00Z");
        const prs = [
            { number: 7, labeledAt: "2026-11-28T11:59:00Z" },
            { number: 3, labeledAt: "2026-11-30T12:00:00Z" },
            { number: 9, labeledAt: null },
        ];
        expect(expiredPreviews(prs, now, 72)).to.deep.equal([7, 9]);
        // Exactly maxAgeHours old is not yet past it.
        expect(expiredPreviews(prs, now, 24)).to.deep.equal([7, 9]);
        expect(expiredPreviews(prs, now, 23)).to.deep.equal([3, 7, 9]);
    });
});

describe("the pull request comment", () => {
    const stack = (name: string, delta: number, changes: { create?: string[]; update?: string[]; delete?: string[] }) => ({
        project: "fintrax", stack: name, resources: [], violations: [], warnings: [], cost: { monthlyUsd: 100 + delta }, costDeltaUsd: delta, changes,
    });

    it("starts with its marker and shows each stack's changes and cost delta, and the totals", () => {
        const text = renderPlanComment({
            stacks: [stack("dev", 12.5, { create: ["urn:pulumi:dev::fintrax::kubernetes:core/v1:ConfigMap::a"], update: [], delete: [] }), stack("prod", -3, {})],
            costDeltaUsd: 9.5,
            capacityDelta: { cpu: "+500m", memory: "-1Gi", pods: 2 },
        }, 0, 50);
        const lines = text.split("\n");
        expect(lines[0]).to.equal("<!-- fintrax-offline-plan-report -->");
        expect(text).to.include("| `dev` | 1 | 0 | 0 | $112.50 | +$12.50 |").and.include("| `prod` | 0 | 0 | 0 | $97.00 | −$3.00 |");
        expect(text).to.include("**Monthly cost**: +$9.50 against the base.");
        expect(text).to.include("cpu +500m, memory -1Gi, pods +2");
        expect(text).to.include("+ kubernetes:core/v1:ConfigMap::a");
        expect(text).to.include("within the cost budget of $50.00");
    });

    it("says when the budget is exceeded, and when there was nothing to compare", () => {
        const over = renderPlanComment({
            stacks: [{ ...stack("dev", 80, {}), violations: [{ policy: "plan-cost-budget", enforcementLevel: "mandatory", message: "rises by $80.00", urn: "u" }] }],
            costDeltaUsd: 80,
        }, 1, 50);
        expect(over).to.include("❌ Over the cost budget: rises by $80.00");
        expect(renderPlanComment(undefined, 2)).to.include("did not plan");
    });
});
