import { expect } from "chai";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { PlanReport } from "../../plan/plan";
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

    /** Two policies that report every resource they are sent, with its parent: one per call. */
    const SPIES = `
allPolicies.push(
    { name: "spy-analyze", description: "sent to Analyze", enforcementLevel: "advisory",
        validateResource: (args, report) => report(\`\${args.urn} parent=\${args.opts.parent ?? "none"}\`) },
    { name: "spy-stack", description: "sent to AnalyzeStack", enforcementLevel: "advisory",
        validateStack: (args, report) => { for (const r of args.resources) report(\`\${r.urn} parent=\${r.parent?.urn ?? "none"}\`, r.urn); } },
);
`;

    it("is sent what the engine sends: each registration to Analyze, and to AnalyzeStack those, the reads and the Stack", async () => {
        const spied = packCopy("spies", (dir) => writeFileSync(path.join(dir, "all.ts"), readFileSync(path.join(dir, "all.ts"), "utf8") + SPIES));
        const result = await cliWith({ policyPack: spied }, "--stack", "dev", "--json");
        const [dev] = (JSON.parse(result.stdout) as PlanReport).stacks;
        const sent = (policy: string) => new Map(dev.violations.filter((v) => v.policy === policy)
            .map((v) => /^(\S+) parent=(\S+)$/.exec(v.message.split("\n").pop()!)!.slice(1, 3) as [string, string]));
        const [analyze, stack] = [sent("spy-analyze"), sent("spy-stack")];

        const stackUrn = "urn:pulumi:dev::fintrax::pulumi:pulumi:Stack::fintrax-dev";
        const reads = dev.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.urn);
        expect(reads).to.have.length(1);
        expect(analyze.get(stackUrn)).to.equal("none");
        expect(stack.get(stackUrn)).to.equal("none");
        expect([...analyze.keys()].sort()).to.deep.equal([stackUrn, ...dev.resources.map((r) => r.urn).filter((urn) => !reads.includes(urn))].sort());
        expect([...stack.keys()].sort()).to.deep.equal([stackUrn, ...dev.resources.map((r) => r.urn)].sort());
        // The report leaves the Stack parent out; the engine sends it, to both calls.
        for (const resource of dev.resources) {
            expect(stack.get(resource.urn), resource.urn).to.equal(resource.parent ?? stackUrn);
            if (!reads.includes(resource.urn)) expect(analyze.get(resource.urn), resource.urn).to.equal(resource.parent ?? stackUrn);
        }
    });
});
