/**
 * The rule that picks the stacks a pull request previews and a push deploys
 * (.github/actions/changed-stacks/changed-stacks.sh), run on a scratch tree of stack files.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACTIONS_DIR } from "./workflows";

const SCRIPT = join(ACTIONS_DIR, "changed-stacks", "changed-stacks.sh");

describe("workflows: the stacks a change touches", () => {
    let root: string;

    before(() => {
        root = mkdtempSync(join(tmpdir(), "changed-stacks-"));
        // Created out of order on purpose: the output follows the promotion order, not the directory's.
        for (const file of ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.pr-42.yaml", "Pulumi.staging.yaml", "Pulumi.dev.yaml"]) {
            writeFileSync(join(root, file), "");
        }
    });

    after(() => rmSync(root, { recursive: true, force: true }));

    function stacksFor(...paths: string[]): string[] {
        const result = spawnSync("bash", [SCRIPT], { cwd: root, input: paths.join("\n") + "\n", encoding: "utf8" });
        expect(result.status, result.stderr).to.equal(0);
        return JSON.parse(result.stdout);
    }

    const ALL_ENVIRONMENTS = ["dev", "staging", "prod", "pr-42"];

    it("cluster files touch the shared stack only", () => {
        expect(stacksFor("cluster/index.ts", "cluster/Pulumi.shared.yaml")).to.deep.equal(["shared"]);
    });

    it("the environment program touches every environment stack, preview environments included", () => {
        expect(stacksFor("index.ts")).to.deep.equal(ALL_ENVIRONMENTS);
        expect(stacksFor("Pulumi.yaml")).to.deep.equal(ALL_ENVIRONMENTS);
    });

    it("a stack file touches its own stack", () => {
        expect(stacksFor("Pulumi.staging.yaml")).to.deep.equal(["staging"]);
        expect(stacksFor("Pulumi.pr-42.yaml")).to.deep.equal(["pr-42"]);
    });

    it("a deleted stack file names no stack (nothing to preview or deploy)", () => {
        expect(stacksFor("Pulumi.pr-7.yaml")).to.deep.equal([]);
    });

    it("components, config, policies and dependencies touch every stack, the cluster first", () => {
        for (const path of ["components/namespace.ts", "config/fields.ts", "policies/index.ts", "policies/config/prod.json", "package-lock.json"]) {
            expect(stacksFor(path), path).to.deep.equal(["shared", ...ALL_ENVIRONMENTS]);
        }
    });

    it("docs, tests, the offline plan and the workflows touch none", () => {
        expect(stacksFor("README.md", "docs/delivery.md", "tests/x.test.ts", "plan/cli.ts", ".github/workflows/deploy.yml")).to.deep.equal([]);
        expect(stacksFor()).to.deep.equal([]);
    });

    it("each stack is named once, in promotion order", () => {
        expect(stacksFor("Pulumi.prod.yaml", "cluster/a.ts", "Pulumi.dev.yaml", "Pulumi.prod.yaml")).to.deep.equal(["shared", "dev", "prod"]);
    });
});
