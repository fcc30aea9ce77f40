/**
 * The promotion path (seed 000) against the parsed workflows: which branch deploys which stack, which deploys
 * wait for a reviewer, in which order, one at a time, and how the nightly drift job treats each stack.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { branchesOf, concurrencyOf, environmentName, loadWorkflow, needsOf, pulumiJobs, ROOT } from "./workflows";

/** The rules the workflows must implement: one row per stack. */
const PROMOTION = [
    { stack: "shared", branch: "main", approval: true },
    { stack: "dev", branch: "develop", approval: false },
    { stack: "staging", branch: "staging", approval: false },
    { stack: "prod", branch: "main", approval: true },
] as const;

const deploy = loadWorkflow("deploy");
const drift = loadWorkflow("drift");
const deploys = pulumiJobs(deploy);

describe("workflows: promotion by branch", () => {
    it("deploy runs on pushes to develop, staging and main, and on nothing else", () => {
        expect(Object.keys(deploy.on)).to.deep.equal(["push"]);
        const push = deploy.on.push as { branches?: string[] };
        expect([...(push.branches ?? [])].sort()).to.deep.equal(["develop", "main", "staging"]);
    });

    it("every job of deploy that calls Pulumi runs `up`", () => {
        expect(deploys).to.have.length.greaterThan(0);
        for (const d of deploys) expect(d.command, d.jobId).to.equal("up");
    });

    it("maps each branch to its stacks exactly as the promotion table says", () => {
        const actual = deploys.map((d) => ({ stack: d.stack, branches: branchesOf(d.job) }));
        expect(actual).to.have.deep.members(PROMOTION.map((p) => ({ stack: p.stack, branches: [p.branch] })));
    });

    for (const rule of PROMOTION) {
        it(`${rule.stack}: deployed from ${rule.branch} in the GitHub environment \`${rule.stack}\``, () => {
            const jobs = deploys.filter((d) => d.stack === rule.stack);
            expect(jobs, `jobs deploying ${rule.stack}`).to.have.length(1);
            // The environment carries the approval (required reviewers on prod and shared), the deploy role
            // (its AWS_ROLE_ARN variable) and the deployment history.
            expect(environmentName(jobs[0].job)).to.equal(rule.stack);
            // Only the paths that touch the stack deploy it.
            expect(jobs[0].job.if).to.include(`contains(fromJSON(needs.changes.outputs.stacks), '${rule.stack}')`);
        });
    }

    it("production and the shared cluster wait for a reviewer: docs/delivery.md requires reviewers on their environments", () => {
        // GitHub keeps an environment's reviewers in the repository's settings, not in a file: the setup
        // documentation is where the requirement is written down.
        const lines = readFileSync(join(ROOT, "docs", "delivery.md"), "utf8").split("\n");
        for (const rule of PROMOTION) {
            const rows = lines.filter((line) => line.startsWith(`| \`${rule.stack}\``) && /reviewers/i.test(line));
            expect(rows, `the environments table's row for ${rule.stack}`).to.have.length(1);
            expect(rows[0]).to.match(rule.approval ? /required reviewers/i : /no reviewers/i);
        }
    });

    it("the cluster deploys before production when one push changes both, and a failed cluster update stops prod", () => {
        const prod = deploys.find((d) => d.stack === "prod")!.job;
        const sharedJob = deploys.find((d) => d.stack === "shared")!.jobId;
        expect(needsOf(prod)).to.include(sharedJob);
        // `needs` alone would skip prod whenever the cluster did not change (shared skipped): the condition
        // must admit a skipped cluster job and refuse a failed one.
        expect(prod.if).to.match(/!cancelled\(\)/);
        expect(prod.if).to.include(`needs.${sharedJob}.result == 'success'`).and.include(`needs.${sharedJob}.result == 'skipped'`);
    });

    it("runs one update per stack at a time, never cancelling one in progress", () => {
        const groups = new Set<string>();
        for (const d of deploys) {
            const c = concurrencyOf(d.job);
            expect(c.group, d.jobId).to.equal(`pulumi-${d.stack}`);
            expect(c.cancelInProgress, d.jobId).to.equal(false);
            groups.add(c.group!);
        }
        expect(groups.size).to.equal(deploys.length);
    });
});

describe("workflows: nightly drift", () => {
    const detect = pulumiJobs(drift).filter((d) => d.command === "preview");
    const updates = pulumiJobs(drift).filter((d) => d.command === "up");

    it("runs on a schedule (and by hand)", () => {
        const schedule = drift.on.schedule as { cron: string }[];
        expect(schedule).to.have.length(1);
        expect(schedule[0].cron.split(/\s+/)).to.have.length(5);
        expect(drift.on).to.have.property("workflow_dispatch");
    });

    it("previews every stack against the branch that deploys it, refreshed, expecting no changes", () => {
        expect(detect).to.have.length(1);
        const { job, with: inputs } = detect[0];
        expect(inputs.stack).to.equal("${{ matrix.stack }}");
        expect(inputs.refresh).to.equal(true);
        expect(inputs["expect-no-changes"]).to.equal(true);
        expect(job.strategy?.["fail-fast"]).to.equal(false);
        expect(job.strategy?.matrix?.include).to.have.deep.members(PROMOTION.map(({ stack, branch }) => ({
            stack, branch, role: `AWS_PREVIEW_ROLE_ARN_${stack.toUpperCase()}`,
        })));
        // Each stack's own read-only role: one stack's drift check cannot decrypt another stack's secrets.
        expect(inputs["role-to-assume"]).to.equal("${{ vars[matrix.role] }}");
        const checkout = job.steps!.find((s) => s.uses?.startsWith("actions/checkout@"));
        expect(checkout?.with?.ref).to.equal("${{ matrix.branch }}");
    });

    it("names the stack that drifted", () => {
        const { job } = detect[0];
        expect(job.name).to.include("${{ matrix.stack }}");
        const report = job.steps!.find((s) => s.if === "failure()");
        expect(report?.run).to.include("::error").and.include("STACK");
        expect(report?.env?.STACK).to.equal("${{ matrix.stack }}");
    });

    it("heals dev only, from develop, as the dev deploy does (same environment, same concurrency group)", () => {
        expect(updates.map((u) => u.stack)).to.deep.equal(["dev"]);
        const { job, with: inputs } = updates[0];
        expect(inputs.refresh).to.equal(true);
        expect(environmentName(job)).to.equal("dev");
        expect(concurrencyOf(job)).to.deep.equal({ group: "pulumi-dev", cancelInProgress: false });
        expect(job.steps!.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.ref).to.equal("develop");
        expect(needsOf(job)).to.deep.equal(["detect"]);
    });

    it("never updates production or the cluster by itself", () => {
        for (const name of ["checks", "preview", "drift"]) {
            const ups = pulumiJobs(loadWorkflow(name)).filter((d) => d.command === "up");
            expect(ups.filter((u) => u.stack !== "dev"), name).to.deep.equal([]);
        }
    });
});
