/**
 * Where each job runs and what it can reach: the jobs that talk to the cluster run on the CodeBuild runners
 * inside the VPC (the EKS endpoint is private), at the trust level the cluster stack gives their workflow;
 * every stack has its own KMS secrets provider and no workflow holds a passphrase; previews of staging,
 * production and the cluster wait for a reviewer; forks get the offline plan only; the pull request report
 * is posted by a workflow that never runs the pull request's code.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ciDeployRoleName, ciPreviewRoleName, RUNNER_TRUST_LEVELS, runnerProjectName, RunnerTrustLevel } from "../../components/cluster/ciRunners";
import { COMMENT_MARKER } from "../../.github/actions/offline-plan/comment";
import { environmentName, loadWorkflow, loadWorkflows, pulumiJobs, ROOT, stepsOf } from "./workflows";

const RUNNER = /^codebuild-(fintrax-runner-[a-z]+)-\$\{\{ github\.run_id \}\}-\$\{\{ github\.run_attempt \}\}$/;

function runsOn(job: { "runs-on"?: unknown }): string {
    return String(job["runs-on"]);
}

describe("delivery: where each job runs", () => {
    const workflows = loadWorkflows();

    it("every job that calls Pulumi runs on a runner in the VPC of a level that admits its workflow", () => {
        const levels = Object.keys(RUNNER_TRUST_LEVELS) as RunnerTrustLevel[];
        let count = 0;
        for (const workflow of workflows) {
            for (const { jobId, job } of pulumiJobs(workflow)) {
                count++;
                const where = `${workflow.file} job ${jobId}`;
                const match = RUNNER.exec(runsOn(job as never));
                expect(match, `${where}: runs-on ${runsOn(job as never)}`).to.not.equal(null);
                const level = levels.find((l) => runnerProjectName(l) === match![1]);
                expect(level, `${where}: ${match![1]} is a runner the cluster stack creates`).to.not.equal(undefined);
                expect(RUNNER_TRUST_LEVELS[level!].workflows as readonly string[], `${where}: level ${level}`).to.include(workflow.name);
            }
        }
        expect(count).to.be.greaterThan(8);
    });

    it("updates of prod and the cluster run on the prod runners, dev and staging on the nonprod ones, previews on the preview ones", () => {
        const level = (file: string, jobId: string) => RUNNER.exec(runsOn(loadWorkflow(file).jobs[jobId] as never))![1];
        expect(level("deploy", "shared")).to.equal("fintrax-runner-prod");
        expect(level("deploy", "prod")).to.equal("fintrax-runner-prod");
        expect(level("deploy", "dev")).to.equal("fintrax-runner-nonprod");
        expect(level("deploy", "staging")).to.equal("fintrax-runner-nonprod");
        expect(level("drift", "heal-dev")).to.equal("fintrax-runner-nonprod");
        expect(level("drift", "detect")).to.equal("fintrax-runner-preview");
        expect(level("preview", "preview")).to.equal("fintrax-runner-preview");
    });

    it("jobs that need no cloud stay on GitHub-hosted runners", () => {
        for (const workflow of workflows) {
            const cloud = new Set(pulumiJobs(workflow).map((p) => p.jobId));
            for (const [jobId, job] of Object.entries(workflow.jobs)) {
                if (!cloud.has(jobId)) expect(runsOn(job as never), `${workflow.file} job ${jobId}`).to.equal("ubuntu-24.04");
            }
        }
    });
});

describe("delivery: secrets per stack", () => {
    const stackFiles = [
        ...readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)),
        "cluster/Pulumi.shared.yaml",
    ];
    const region = parse(readFileSync(join(ROOT, "cluster/Pulumi.shared.yaml"), "utf8")).config["aws:region"];

    it("every stack names its own KMS key as its secrets provider, and none keeps a passphrase salt", () => {
        expect(stackFiles).to.include.members(["Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"]);
        const providers = new Set<string>();
        for (const file of stackFiles) {
            const doc = parse(readFileSync(join(ROOT, file), "utf8"));
            const stack = file.replace(/^(cluster\/)?Pulumi\./, "").replace(/\.yaml$/, "");
            expect(doc.secretsprovider, file).to.equal(`awskms://alias/fintrax-pulumi-${stack}?region=${region}`);
            expect(doc, file).not.to.have.property("encryptionsalt");
            providers.add(doc.secretsprovider);
        }
        expect(providers.size).to.equal(stackFiles.length);
        const template = parse(readFileSync(join(ROOT, "previews/Pulumi.pr.template.yaml"), "utf8"));
        expect(template.secretsprovider).to.equal(`awskms://alias/fintrax-pulumi-previews?region=${region}`);
    });

    it("the Pulumi action takes the provider from the stack file and refuses a stack without one", () => {
        const action = readFileSync(join(ROOT, ".github/actions/pulumi/action.yml"), "utf8");
        expect(action).to.include("provider=$(sed -n 's/^secretsprovider: *\\(awskms:\\/\\/[^ ]*\\)$/\\1/p' \"$file\")");
        expect(action).to.match(/if \[\[ -z "\$provider" \]\]; then\s+echo "::error::\$file has no 'secretsprovider: awskms:\/\/\.\.\.' line"; exit 1/);
        expect(action).to.include("secrets-provider: ${{ steps.stack.outputs.secrets-provider }}");
        expect(action).not.to.include("PULUMI_CONFIG_PASSPHRASE");
    });

    it("previews of staging, prod and shared run in their own reviewed environment; dev and pr-<n> in preview-dev", () => {
        const [call] = pulumiJobs(loadWorkflow("preview"));
        expect(environmentName(call.job)).to.equal("${{ startsWith(matrix.stack, 'pr-') && 'preview-dev' || format('preview-{0}', matrix.stack) }}");
        expect(call.with["role-to-assume"]).to.equal("${{ vars.AWS_PREVIEW_ROLE_ARN }}"); // the environment's own
    });
});

describe("delivery: pull requests and forks", () => {
    const workflows = loadWorkflows();

    it("no workflow runs on pull_request_target; every job with an OIDC token on a pull request is for this repository's branches only", () => {
        for (const workflow of workflows) {
            expect(Object.keys(workflow.on), workflow.file).not.to.include("pull_request_target");
            if (!("pull_request" in workflow.on)) continue;
            for (const { jobId, job } of pulumiJobs(workflow)) {
                const guards = [job.if ?? "", ...[job.needs ?? []].flat().map((n) => workflow.jobs[n]?.if ?? "")].join(" ");
                // Either this repository's branches only, or never on a pull request at all (the scheduled expiry).
                expect(guards, `${workflow.file} job ${jobId}`).to.match(/github\.event\.pull_request\.head\.repo\.full_name == github\.repository|github\.event_name != 'pull_request'/);
            }
        }
    });

    it("checks plans the base and the head, with the budget and the SARIF log, holding a read-only token", () => {
        const checks = loadWorkflow("checks");
        expect(checks.jobs["base-plan"].steps!.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.ref).to.equal("${{ github.event.pull_request.base.sha }}");
        const plan = checks.jobs.report.steps!.find((s) => s.uses === "./.github/actions/offline-plan")!;
        expect(plan.with).to.deep.include({
            compare: "${{ github.event_name == 'pull_request' && 'base/base-plan.json' || '' }}",
            "max-cost-increase": "${{ vars.MAX_COST_INCREASE_USD || '50' }}",
            sarif: "pr-report/plan.sarif",
        });
        const action = readFileSync(join(ROOT, ".github/actions/offline-plan/action.yml"), "utf8");
        expect(action).to.include('args+=(--compare "$COMPARE")').and.include('args+=(--max-cost-increase "$MAX_COST_INCREASE")').and.include('args+=(--sarif "$SARIF")');
    });

    it("pr-report runs after checks, never checks out or runs code, checks the head commit, and edits one marked comment", () => {
        const report = loadWorkflow("pr-report");
        expect(report.on).to.deep.equal({ workflow_run: { workflows: ["checks"], types: ["completed"] } });
        const steps = stepsOf(report).map(({ step }) => step);
        expect(steps.filter((s) => s.uses?.startsWith("actions/checkout@"))).to.deep.equal([]);
        for (const s of steps) expect(s.run ?? "").not.to.match(/\b(npm|npx|node|bash \.|\.\/)/);
        const text = report.text;
        expect(text).to.include('if [[ "$sha" != "$RUN_HEAD_SHA" ]]');
        expect(text).to.include(`marker='${COMMENT_MARKER}'`);
        expect(text).to.include('select(.user.login == \\"github-actions[bot]\\"');
        expect(text).to.match(/--method PATCH "repos\/\$REPO\/issues\/comments\/\$id"/);
        const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
        expect(upload.with).to.deep.include({ sarif_file: "pr-report/plan.sarif", sha: "${{ github.event.workflow_run.head_sha }}" });
    });
});

describe("delivery: the identities that reach the cluster", () => {
    const doc = readFileSync(join(ROOT, "docs/delivery.md"), "utf8");

    it("docs/delivery.md sets up a deploy role per stack and a preview role per stack, by the names the code gives them", () => {
        for (const stack of ["shared", "dev", "staging", "prod"]) expect(doc).to.include(`\`${ciDeployRoleName(stack)}\``);
        expect(doc).to.include(`\`${ciDeployRoleName("previews")}\``).and.include(`\`${ciPreviewRoleName("dev")}\``);
        for (const level of Object.keys(RUNNER_TRUST_LEVELS) as RunnerTrustLevel[]) expect(doc).to.include(runnerProjectName(level));
    });
});
