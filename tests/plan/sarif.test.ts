import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { accessSync, chmodSync, constants, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { allPolicies } from "../../policies/all";
import type { PlanReport } from "../../plan/plan";
import { toSarif } from "../../plan/sarif";
import { PROD_WITH_PUBLIC_IMAGE, cli } from "./support";

/**
 * The SARIF log of `npm run plan -- --sarif FILE`, for a stack that breaks mandatory policies (a public image,
 * too few replicas in production) and under a cost budget it exceeds, validated twice: against the SARIF 2.1.0
 * JSON schema with Ajv, and by Microsoft's SARIF validator (`sarif-multitool validate`, the tool the SARIF
 * SDK ships). The schema is the one inside the MIT-licensed `@microsoft/sarif-multitool-linux` package, the
 * copy that validator itself uses, so the project keeps no copy of its own.
 */
const ROOT = path.join(__dirname, "..", "..");
const MULTITOOL_DIR = path.dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json"));
const SCHEMA = JSON.parse(readFileSync(path.join(MULTITOOL_DIR, "sarif-2.1.0.json"), "utf8"));

/**
 * The validator's executable. Its package sets the execute bit in a postinstall script; where install scripts
 * did not run, a copy with the bit set is made in the test's scratch folder instead.
 */
function multitool(scratch: string): string {
    const shipped = path.join(MULTITOOL_DIR, "Sarif.Multitool");
    try {
        accessSync(shipped, constants.X_OK);
        return shipped;
    } catch {
        const copy = path.join(scratch, "Sarif.Multitool");
        copyFileSync(shipped, copy);
        chmodSync(copy, 0o755);
        return copy;
    }
}

interface SarifResult {
    ruleId: string;
    ruleIndex: number;
    level: string;
    message: { text: string };
    locations: Array<{ physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: Array<{ fullyQualifiedName: string }> }>;
}
interface SarifLog { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string; shortDescription: { text: string } }> } }; results: SarifResult[] }> }

describe("plan --sarif: the violations as a SARIF 2.1.0 log", () => {
    let scratch: string;
    let sarifFile: string;
    let log: SarifLog;
    let violations: Array<{ policy: string; enforcementLevel: string; urn: string }>;

    before(async () => {
        scratch = mkdtempSync(path.join(tmpdir(), "fintrax-sarif-"));
        const stackFile = path.join(scratch, "Pulumi.prod.yaml");
        writeFileSync(stackFile, PROD_WITH_PUBLIC_IMAGE);
        // A base with nothing in it: the whole stack's cost is the increase, over a budget of $1.
        const baseFile = path.join(scratch, "base.json");
        writeFileSync(baseFile, JSON.stringify({ stacks: [], capacity: null }));
        sarifFile = path.join(scratch, "plan.sarif");
        const result = await cli("--stack", "prod", "--config", stackFile, "--json", "--sarif", sarifFile, "--compare", baseFile, "--max-cost-increase", "1");
        expect(result.code, result.stderr).to.equal(1);
        violations = JSON.parse(result.stdout).stacks.flatMap((s: { violations: unknown[] }) => s.violations);
        log = JSON.parse(readFileSync(sarifFile, "utf8"));
    });
    after(() => rmSync(scratch, { recursive: true, force: true }));

    it("is valid against the SARIF 2.1.0 JSON schema", () => {
        const ajv = new Ajv2020({ allErrors: true, strict: false });
        addFormats(ajv);
        const validate = ajv.compile(SCHEMA);
        expect(validate(log), ajv.errorsText(validate.errors)).to.equal(true);
        // The schema is not a rubber stamp: a result without its message is refused.
        const broken = JSON.parse(JSON.stringify(log));
        delete broken.runs[0].results[0].message;
        expect(validate(broken)).to.equal(false);
    });

    it("passes Microsoft's SARIF validator with no error", function () {
        this.timeout(60_000);
        const output = path.join(scratch, "validation.sarif");
        const run = spawnSync(multitool(scratch), ["validate", sarifFile, "--output", output, "--rule-kind", "Sarif;Gh", "--level", "Error;Warning"], {
            encoding: "utf8",
            // The validator is a self-contained .NET program; without ICU on the machine it needs invariant mode.
            env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
        });
        expect(run.error, "the validator starts").to.equal(undefined);
        expect(run.status, `${run.stdout}\n${run.stderr}`).to.equal(0);
        const findings = (JSON.parse(readFileSync(output, "utf8")) as SarifLog).runs[0].results;
        expect(findings.filter((f) => f.level === "error").map((f) => f.message), run.stdout).to.deep.equal([]);
        expect(run.stdout).not.to.match(/: error /);
    });

    it("has one result per violation, with its policy, level and resource URN", () => {
        const results = log.runs[0].results;
        expect(results).to.have.length(violations.length).and.length.greaterThan(1);
        expect(results.map((r) => r.ruleId).sort()).to.deep.equal(violations.map((v) => v.policy).sort());
        for (const [i, v] of violations.entries()) {
            expect(results[i].ruleId).to.equal(v.policy);
            expect(results[i].level).to.equal(v.enforcementLevel === "mandatory" ? "error" : "warning");
            expect(results[i].locations[0].logicalLocations[0].fullyQualifiedName).to.equal(v.urn);
        }
        expect(results.map((r) => r.ruleId)).to.include.members(["prod-image-registry", "plan-cost-budget"]);
    });

    it("locates each result in the stack's file and names every policy among the rules", () => {
        const { rules } = log.runs[0].tool.driver;
        for (const r of log.runs[0].results) {
            expect(r.locations[0].physicalLocation.artifactLocation.uri).to.match(/^file:\/\/.*\/Pulumi\.prod\.yaml$/);
            expect(rules[r.ruleIndex].id).to.equal(r.ruleId);
        }
        for (const policy of allPolicies) {
            expect(rules.find((rule) => rule.id === policy.name)?.shortDescription.text, policy.name).to.equal(policy.description);
        }
    });

    it("names a stack file inside the repository relative to it", () => {
        const stack = { project: "fintrax", stack: "dev", file: "Pulumi.dev.yaml", violations: [{ policy: "k8s-image-pinned", enforcementLevel: "advisory", message: "m", urn: "urn:x" }] };
        const relative = toSarif({ stacks: [stack], capacity: null } as unknown as PlanReport, ROOT, "1.0.0");
        expect(relative.runs[0].results[0].locations[0].physicalLocation.artifactLocation).to.deep.equal({ uri: "Pulumi.dev.yaml", uriBaseId: "%SRCROOT%" });
        expect(relative.runs[0].results[0].level).to.equal("warning");
        expect(relative.runs[0].originalUriBaseIds["%SRCROOT%"].uri).to.equal(pathToFileURL(ROOT + path.sep).href);
    });
});
