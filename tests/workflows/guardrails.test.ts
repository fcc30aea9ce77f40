/**
 * What every workflow must keep, whoever edits it next: the policy pack on every cloud preview and deploy,
 * least-privilege permissions, no secrets where forks run, pinned actions, and local actions called with the
 * inputs they declare.
 */
import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadAction, loadActions, loadWorkflow, loadWorkflows, Permissions, PULUMI_ACTION, pulumiJobs, ROOT, stepsOf } from "./workflows";

const workflows = loadWorkflows();
const actions = loadActions();
const pulumi = loadAction(PULUMI_ACTION);

function permissionsMap(p: Permissions): Record<string, string> {
    if (p === undefined) return {};
    if (typeof p === "string") throw new Error(`permissions: ${p} (name each scope instead)`);
    return p;
}

describe("workflows: the policy pack on every preview and deploy", () => {
    const step = pulumi.runs.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;

    it("the Pulumi action passes the pack and the stack's policy config to every command", () => {
        expect(step, "a pulumi/actions step").to.be.an("object");
        expect(step.if, "the step runs for every command").to.equal(undefined);
        expect(step.with?.policyPacks).to.equal("${{ steps.stack.outputs.policy-pack }}");
        expect(step.with?.policyPackConfigs).to.equal("${{ steps.stack.outputs.policy-config }}");
        const resolve = pulumi.runs.steps.find((s) => s.id === "stack")!;
        expect(resolve.run).to.include('echo "policy-pack=$GITHUB_WORKSPACE/policies"');
        expect(resolve.run).to.include('config="policies/config/$STACK.json"');
        expect(resolve.run).to.include('echo "policy-config=$GITHUB_WORKSPACE/$config"');
        // A stack without a policy config fails instead of running ungated.
        expect(resolve.run).to.match(/if \[\[ ! -f "\$config" \]\]; then\s+echo "::error::no policy config/);
    });

    it("only preview and up are allowed, and the shared stack runs in cluster/", () => {
        const resolve = pulumi.runs.steps.find((s) => s.id === "stack")!;
        expect(resolve.run).to.include("preview | up) ;;");
        expect(resolve.run).to.include('if [[ "$STACK" == shared ]]; then dir=cluster; else dir=.; fi');
        expect(step.with?.["work-dir"]).to.equal("${{ steps.stack.outputs.work-dir }}");
    });

    it("no workflow or other action reaches Pulumi except through the Pulumi action", () => {
        for (const workflow of workflows) {
            for (const { jobId, step: s } of stepsOf(workflow)) {
                expect(s.uses ?? "", `${workflow.file} ${jobId}`).not.to.match(/^pulumi\//);
                expect(s.run ?? "", `${workflow.file} ${jobId}`).not.to.match(/\bpulumi\s+(up|preview|update|refresh|destroy)\b/);
            }
        }
        for (const action of actions.filter((a) => a.ref !== PULUMI_ACTION)) {
            for (const s of action.runs.steps) expect(s.uses ?? "", action.file).not.to.match(/^pulumi\//);
        }
    });

    it("every preview and deploy names its stack and command", () => {
        const calls = workflows.flatMap((w) => pulumiJobs(w).map((p) => ({ ...p, file: w.file })));
        expect(calls.map((c) => `${c.file} ${c.jobId}`)).to.have.length.greaterThan(5);
        for (const c of calls) {
            expect(["preview", "up", "destroy"], `${c.file} ${c.jobId}`).to.include(c.command);
            expect(c.stack, `${c.file} ${c.jobId}`).to.match(/^(shared|dev|staging|prod|\$\{\{ matrix\.stack \}\}|pr-\$\{\{ (github\.event\.pull_request\.number|matrix\.number) \}\})$/);
            // Only preview environments are ever destroyed by a workflow.
            if (c.command === "destroy") expect(c.stack, `${c.file} ${c.jobId}`).to.match(/^pr-/);
        }
    });

    it("the Pulumi CLI is the version of the SDK the programs use", () => {
        const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
        expect(String(step.with?.["pulumi-version"])).to.equal(pkg.dependencies["@pulumi/pulumi"]);
    });
});

describe("workflows: pull requests", () => {
    const checks = loadWorkflow("checks");
    const preview = loadWorkflow("preview");

    it("checks run on every pull request and push, read-only, without secrets", () => {
        expect(Object.keys(checks.on).sort()).to.deep.equal(["pull_request", "push"]);
        expect(checks.on.pull_request ?? null).to.equal(null); // no branch or path filter
        expect(checks.on.push ?? null).to.equal(null);
        expect(checks.permissions).to.deep.equal({ contents: "read" });
        // The one repository setting it reads is the cost budget, a number; no secret, no cloud, no OIDC token.
        expect(checks.text.replace(/vars\.MAX_COST_INCREASE_USD/g, "")).not.to.match(/secrets\.|vars\.|id-token/);
        for (const job of Object.values(checks.jobs)) expect(job.permissions).to.equal(undefined);
    });

    it("checks install both packages and run typecheck, lint, tests and the offline plan with its summary", () => {
        const steps = stepsOf(checks).map(({ step }) => step);
        expect(steps.map((s) => s.uses ?? s.run)).to.include.members([
            "./.github/actions/setup",
            "npm run typecheck",
            "npm run lint",
            "npm test",
            "./.github/actions/offline-plan",
        ]);
        const setup = loadAction("./.github/actions/setup").runs.steps.map((s) => s.run ?? "").join("\n");
        expect(setup).to.match(/^npm ci\b/m).and.match(/^npm ci .*--prefix policies/m);
        const plan = loadAction("./.github/actions/offline-plan").runs.steps[0].run!;
        expect(plan).to.include("args=(--json --out \"$OUT_DIR\")");
        expect(plan).to.include('npm run --silent plan -- "${args[@]}"');
        expect(plan).to.include('>> "$GITHUB_STEP_SUMMARY"');
        expect(plan).to.include('exit "$status"');
    });

    it("preview runs on pull requests, not for forks, for the stacks the change touches", () => {
        expect(Object.keys(preview.on)).to.deep.equal(["pull_request"]);
        expect(preview.jobs.changes.if).to.include("github.event.pull_request.head.repo.full_name == github.repository");
        const [call] = pulumiJobs(preview);
        expect(call.command).to.equal("preview");
        expect(call.stack).to.equal("${{ matrix.stack }}");
        expect(call.job.needs).to.equal("changes");
        expect(call.job.strategy?.matrix?.stack).to.equal("${{ fromJSON(needs.changes.outputs.stacks) }}");
        expect(call.job.strategy?.["fail-fast"]).to.equal(false);
    });

    it("preview comments on the pull request, editing its earlier comment instead of adding another", () => {
        const [call] = pulumiJobs(preview);
        expect(call.with["comment-on-pr"]).to.equal(true);
        const step = pulumi.runs.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        expect(step.with?.["comment-on-pr"]).to.equal("${{ inputs.comment-on-pr }}");
        expect(step.with?.["edit-pr-comment"]).to.equal(true);
    });
});

describe("workflows: credentials and permissions", () => {
    /** The most a job may hold: reading the code, an OIDC token, and (previews only) commenting. */
    const ALLOWED: Record<string, Record<string, string>> = {
        checks: { contents: "read" },
        "pr-report": { actions: "read", "pull-requests": "write", "security-events": "write" },
        "preview-environments": { contents: "read", "id-token": "write", "pull-requests": "write" },
        preview: { contents: "read", "id-token": "write", "pull-requests": "write" },
        deploy: { contents: "read", "id-token": "write" },
        drift: { contents: "read", "id-token": "write" },
    };

    it("every workflow is listed here", () => {
        expect(workflows.map((w) => w.file).sort()).to.deep.equal(Object.keys(ALLOWED).map((n) => `.github/workflows/${n}.yml`).sort());
    });

    for (const [name, allowed] of Object.entries(ALLOWED)) {
        it(`${name}: no job holds more than ${Object.entries(allowed).map(([k, v]) => `${k}: ${v}`).join(", ")}`, () => {
            const workflow = loadWorkflow(name);
            const top = permissionsMap(workflow.permissions);
            for (const [jobId, job] of Object.entries(workflow.jobs)) {
                const granted = job.permissions === undefined ? top : permissionsMap(job.permissions);
                for (const [scope, level] of Object.entries(granted)) {
                    if (level === "none") continue;
                    expect(allowed, `${name} job ${jobId}: ${scope}: ${level}`).to.have.property(scope);
                    expect(level === "read" || allowed[scope] === "write", `${name} job ${jobId}: ${scope}: ${level}`).to.equal(true);
                }
            }
        });
    }

    it("workflows that use the cloud grant nothing by default, so each job asks for what it needs", () => {
        for (const name of ["preview", "deploy", "drift", "pr-report", "preview-environments"]) expect(loadWorkflow(name).permissions, name).to.deep.equal({});
    });

    it("jobs that call the Pulumi action hold an OIDC token; no other job does", () => {
        for (const workflow of workflows) {
            const pulumiJobIds = new Set(pulumiJobs(workflow).map((p) => p.jobId));
            for (const [jobId, job] of Object.entries(workflow.jobs)) {
                const token = permissionsMap(job.permissions ?? workflow.permissions)["id-token"];
                expect(token === "write", `${workflow.file} job ${jobId}`).to.equal(pulumiJobIds.has(jobId));
            }
        }
    });

    it("cloud access comes only from OIDC, the backend from repository settings, secrets from each stack's KMS key", () => {
        for (const workflow of workflows) {
            expect(workflow.text, workflow.file).not.to.match(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE|secrets\./);
            for (const p of pulumiJobs(workflow)) {
                const where = `${workflow.file} job ${p.jobId}`;
                expect(p.with["aws-region"], where).to.equal("${{ vars.AWS_REGION }}");
                expect(p.with["backend-url"], where).to.equal("${{ vars.PULUMI_BACKEND_URL }}");
                expect(p.with, where).not.to.have.property("passphrase");
                // Updates use the environment's deploy role; pull-request previews the preview role of their
                // environment; drift detection each stack's own preview role (a matrix of repository variables).
                const role = p.command === "preview" ? /^\$\{\{ vars(\.AWS_PREVIEW_ROLE_ARN|\[matrix\.role\]) \}\}$/ : /^\$\{\{ vars\.AWS_ROLE_ARN \}\}$/;
                expect(p.with["role-to-assume"], where).to.match(role);
            }
        }
        for (const action of actions) expect(action.text, action.file).not.to.match(/PULUMI_CONFIG_PASSPHRASE|secrets\./);
        const aws = pulumi.runs.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
        expect(aws?.with?.["role-to-assume"]).to.equal("${{ inputs.role-to-assume }}");
    });

    it("checkouts do not leave the token in .git/config", () => {
        for (const workflow of workflows) {
            for (const { jobId, step } of stepsOf(workflow).filter(({ step: s }) => s.uses?.startsWith("actions/checkout@"))) {
                expect(step.with?.["persist-credentials"], `${workflow.file} job ${jobId}`).to.equal(false);
            }
        }
    });
});

describe("workflows: actions", () => {
    const files = [...workflows.map((w) => ({ file: w.file, text: w.text })), ...actions.map((a) => ({ file: a.file, text: a.text }))];

    it("every third-party action is pinned to a full commit SHA, with its version in a comment", () => {
        let count = 0;
        for (const { file, text } of files) {
            for (const [line] of text.matchAll(/^\s*-?\s*uses:\s*[^.\s][^\n]*$/gm)) {
                count++;
                expect(line, file).to.match(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
            }
        }
        expect(count).to.be.greaterThan(5);
    });

    it("one action is pinned to one commit everywhere", () => {
        const pins = new Map<string, Set<string>>();
        for (const { text } of files) {
            for (const [, name, sha] of text.matchAll(/uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40})/g)) {
                pins.set(name, (pins.get(name) ?? new Set()).add(sha));
            }
        }
        for (const [name, shas] of pins) expect([...shas], name).to.have.length(1);
    });

    it("local actions exist and are called with the inputs they declare", () => {
        const calls = [
            ...workflows.flatMap((w) => stepsOf(w).map(({ jobId, step }) => ({ where: `${w.file} job ${jobId}`, step }))),
            ...actions.flatMap((a) => a.runs.steps.map((step) => ({ where: a.file, step }))),
        ].filter(({ step }) => step.uses?.startsWith("./"));
        expect(calls.length).to.be.greaterThan(5);
        for (const { where, step } of calls) {
            expect(existsSync(join(ROOT, step.uses!, "action.yml")), `${where}: ${step.uses}`).to.equal(true);
            const declared = loadAction(step.uses!).inputs;
            const given = Object.keys(step.with ?? {});
            for (const name of given) expect(declared, `${where}: input ${name} of ${step.uses}`).to.have.property(name);
            for (const [name, input] of Object.entries(declared)) {
                if (input.required) expect(given, `${where}: required input ${name} of ${step.uses}`).to.include(name);
            }
        }
    });
});
