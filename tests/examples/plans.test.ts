import { expect } from "chai";
import { policyConfigFile } from "../../plan/plan";
import { exampleFiles, planExample } from "./support";

describe("examples: every stack file plans under its stack's guardrails", () => {
    const files = exampleFiles();

    it("covers the four seed systems, each in development and staging at least", () => {
        expect([...new Set(files.map((f) => f.system))]).to.deep.equal(["expense-tracker", "finflow", "four-layer", "tbyte"]);
        for (const system of ["expense-tracker", "finflow", "four-layer", "tbyte"]) {
            expect(files.filter((f) => f.system === system).map((f) => f.stack), system).to.include.members(["dev", "staging"]);
        }
        // Named after stacks with a policy config of their own, so that production's rules apply to `prod`.
        for (const { stack, file } of files) expect(policyConfigFile(stack), file).to.equal(`policies/config/${stack}.json`);
    });

    for (const { system, stack, file } of files) {
        it(`${file}: no violation of any level, no warning, and the cluster holds the quotas`, async () => {
            const report = await planExample(system, stack);
            const environment = report.stacks.find((s) => s.project === "fintrax")!;
            expect(environment.file).to.equal(file);
            expect(environment.policyConfig).to.equal(`policies/config/${stack}.json`);
            expect(environment.resources.length).to.be.greaterThan(20);
            for (const planned of report.stacks) {
                expect(planned.violations, `${planned.stack}: ${planned.violations.map((v) => v.message).join("\n")}`).to.deep.equal([]);
                expect(planned.warnings, planned.stack).to.deep.equal([]);
            }
            expect(report.capacity?.fits).to.equal(true);
        });
    }
});
