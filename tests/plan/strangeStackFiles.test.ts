import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadEnvironmentSettings } from "../../config/environment";
import { estimateCost } from "../../plan/cost";
import type { PlanReport } from "../../plan/plan";
import type { PlannedResource } from "../../plan/runtime";
import { ROOT } from "../../plan/stacks";
import { cli } from "./support";

/** Stack files no one here wrote: each once made the plan misjudge or crash. */

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("the plan on stack files from elsewhere", () => {
    let scratch: string;
    const stackFile = (name: string, content: string) => {
        const file = path.join(scratch, name);
        writeFileSync(file, content);
        return file;
    };
    before(() => (scratch = mkdtempSync(path.join(tmpdir(), "fintrax-strange-"))));
    after(() => rmSync(scratch, { recursive: true, force: true }));

    it("exits 2 with the key path for a bad fintrax-cluster: value", async () => {
        const shared = readFileSync(path.join(ROOT, "cluster", "Pulumi.shared.yaml"), "utf8");
        expect(shared).to.match(/fintrax-cluster:natGateways: single/);
        const file = stackFile("Pulumi.shared.yaml", shared.replace("fintrax-cluster:natGateways: single", "fintrax-cluster:natGateways: bogus"));
        const result = await cli("--stack", "shared", "--config", file);
        expect(result.code).to.equal(2);
        expect(result.stderr).to.contain(`${file}: fintrax-cluster:natGateways: must be single`).and.not.to.match(/\n\s+at /);
    });

    for (const [key, value] of [["requests.cpu", "-1"], ["limits.memory", "-8Gi"]]) {
        it(`rejects a negative quantity (quota ${key}: ${value})`, () => {
            const [section, resource] = key.split(".");
            const quota = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" }, pods: 5 } as Record<string, any>;
            quota[section][resource] = value;
            const config = { "fintrax:environment": "dev", "fintrax:domain": "fintrax.example.com", "fintrax:quota": JSON.stringify(quota) };
            expect(() => loadEnvironmentSettings("Pulumi.dev.yaml", config)).to.throw(`Pulumi.dev.yaml: fintrax:quota.${key}: must be a non-negative`);
        });
    }

    it("accepts an image pinned by both a tag and a digest, and still refuses one with neither", () => {
        const withImage = (image: string) => ({
            "fintrax:environment": "dev", "fintrax:domain": "fintrax.example.com",
            "fintrax:services": JSON.stringify([{ name: "web", image, port: 8080 }]),
        });
        const { settings } = loadEnvironmentSettings("Pulumi.dev.yaml", withImage(`ghcr.io/fintrax/web:1.4.2@${DIGEST}`));
        expect(settings.services[0].image).to.equal(`ghcr.io/fintrax/web:1.4.2@${DIGEST}`);
        expect(() => loadEnvironmentSettings("Pulumi.dev.yaml", withImage("ghcr.io/fintrax/web"))).to.throw("fintrax:services[0].image: must be an image reference pinned");
    });

    it("plans a database class the price table lacks, its cost unknown and warned about", async () => {
        const file = stackFile("Pulumi.dev.yaml", [
            "config:", "  fintrax:environment: dev", "  fintrax:domain: fintrax.example.com",
            "  fintrax:database: { instanceClass: db.r7g.large, allocatedStorageGb: 20, multiAz: false, backupRetentionDays: 1 }",
        ].join("\n"));
        const result = await cli("--stack", "dev", "--config", file, "--json");
        expect(result.code, result.stderr).to.equal(0);
        const [dev] = (JSON.parse(result.stdout) as PlanReport).stacks;
        const database = dev.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
        expect(dev.cost.unpriced).to.deep.equal([{ urn: database.urn, reason: "plan/prices.json has no price for RDS class db.r7g.large" }]);
        expect(dev.cost.items.map((i) => i.urn)).not.to.include(database.urn);
        expect(dev.warnings.join("\n")).to.contain("db.r7g.large").and.to.contain("is unknown");
    });

    it("prices what it knows of a node group and leaves an unknown instance type out", () => {
        const group = (name: string, instanceType: string): PlannedResource => ({
            urn: `urn:pulumi:shared::fintrax-cluster::aws:eks/nodeGroup:NodeGroup::${name}`, id: name, type: "aws:eks/nodeGroup:NodeGroup", name,
            parent: null, provider: null, protect: false, custom: true, maskedInputs: {},
            inputs: { instanceTypes: [instanceType], scalingConfig: { desiredSize: 2 }, diskSize: 20 },
        });
        const cost = estimateCost([group("known", "t3.medium"), group("new", "m7i.large")]);
        expect(cost.items.map((i) => i.urn)).to.deep.equal([group("known", "").urn, group("known", "").urn]);
        expect(cost.unpriced.map((u) => u.reason)).to.deep.equal(["plan/prices.json has no price for EC2 instance type m7i.large"]);
        expect(cost.monthlyUsd).to.be.greaterThan(0);
    });
});
