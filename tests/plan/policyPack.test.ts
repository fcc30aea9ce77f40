import { expect } from "chai";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ROOT } from "../../plan/stacks";
import { cliWith } from "./support";

/** The pack as the analyzer loads it: a pack `pulumi preview --policy-pack` could not load fails the plan too. */
describe("the plan's policy pack", function () {
    this.timeout(60_000);
    let scratch: string;
    before(() => (scratch = mkdtempSync(path.join(tmpdir(), "fintrax-pack-"))));
    after(() => rmSync(scratch, { recursive: true, force: true }));

    /** A copy of policies/ (its node_modules linked, not copied) with `edit` applied. */
    function packCopy(name: string, edit: (dir: string) => void): string {
        const dir = path.join(scratch, name);
        cpSync(path.join(ROOT, "policies"), dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}node_modules`) });
        symlinkSync(path.join(ROOT, "policies", "node_modules"), path.join(dir, "node_modules"), "dir");
        edit(dir);
        return dir;
    }

    it("exits 2 with the analyzer's own message when the pack has a type error", async () => {
        const broken = packCopy("type-error", (dir) => {
            const file = path.join(dir, "all.ts");
            writeFileSync(file, `${readFileSync(file, "utf8")}\nexport const notANumber: number = "twelve";\n`);
        });
        const result = await cliWith({ policyPack: broken }, "--stack", "dev", "--quiet");
        expect(result.code).to.equal(2);
        expect(result.stderr).to.contain("did not start").and.to.match(/all\.ts\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
        expect(result.stdout).to.equal("");
    });

    /** A repository root with the shared and dev stack files and the pack configs, to edit those. */
    function stacksCopy(name: string): string {
        const root = path.join(scratch, name);
        mkdirSync(path.join(root, "cluster"), { recursive: true });
        cpSync(path.join(ROOT, "cluster", "Pulumi.shared.yaml"), path.join(root, "cluster", "Pulumi.shared.yaml"));
        cpSync(path.join(ROOT, "Pulumi.dev.yaml"), path.join(root, "Pulumi.dev.yaml"));
        cpSync(path.join(ROOT, "policies", "config"), path.join(root, "policies", "config"), { recursive: true });
        return root;
    }

    it("exits 2 naming the policy and the key when a stack's policy config breaks the policy's schema", async () => {
        const root = stacksCopy("schema");
        const dev = path.join(root, "policies", "config", "dev.json");
        const config = JSON.parse(readFileSync(dev, "utf8"));
        config["k8s-quota-budget"].pods = "ten";
        writeFileSync(dev, JSON.stringify(config));
        const result = await cliWith({ root }, "--stack", "dev", "--quiet");
        expect(result.code).to.equal(2);
        expect(result.stderr).to.contain(`${dev}: validating policy config: fintrax-guardrails 0.1.0`).and.to.contain("k8s-quota-budget: pods: must be");
    });

    it("exits 2 for a policy config that is not JSON or names an unknown enforcement level", async () => {
        const root = stacksCopy("levels");
        const dev = path.join(root, "policies", "config", "dev.json");
        writeFileSync(dev, JSON.stringify({ "k8s-probes": "warn" }));
        const level = await cliWith({ root }, "--stack", "dev", "--quiet");
        expect(level.code).to.equal(2);
        expect(level.stderr).to.contain(`"k8s-probes": "warn" is not an enforcement level`);
        writeFileSync(dev, "{ not json");
        expect((await cliWith({ root }, "--stack", "dev", "--quiet")).stderr).to.contain("not a readable JSON policy pack config");
    });
});
