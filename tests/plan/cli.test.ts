import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import type { PlanReport } from "../../plan/plan";
import { PROD_WITH_PUBLIC_IMAGE, cli } from "./support";

/** `npm run plan -- <args>` in a new process: its exit status and what it printed. */
function npmRunPlan(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => execFile("npm", ["run", "--silent", "plan", "--", ...args], (error, stdout, stderr) =>
        resolve({ status: error ? Number(error.code) : 0, stdout, stderr })));
}

let scratch: string;
/** A development stack file with one bad value: a negative pod quota. */
const BROKEN_DEV = "config:\n  fintrax:environment: dev\n  fintrax:domain: fintrax.example.com\n  fintrax:quota: { pods: -1 }\n";
function stackFile(name: string, content: string): string {
    const file = path.join(scratch, name);
    writeFileSync(file, content);
    return file;
}

describe("offline plan CLI", () => {
    let full: { code: number; stdout: string; stderr: string };
    let report: PlanReport;
    before(async () => {
        scratch = mkdtempSync(path.join(tmpdir(), "fintrax-plan-test-"));
        full = await cli("--json");
        report = JSON.parse(full.stdout);
    });
    after(() => rmSync(scratch, { recursive: true, force: true }));

    it("plans every stack, the cluster first, with exit 0, no violation, no warning, and the quotas fit", () => {
        expect(full.code, full.stderr).to.equal(0);
        expect(report.stacks.map((s) => `${s.project}/${s.stack}`)).to.deep.equal([
            "fintrax-cluster/shared", "fintrax/dev", "fintrax/prod", "fintrax/staging",
        ]);
        for (const stack of report.stacks) {
            expect(stack.violations, stack.stack).to.deep.equal([]);
            expect(stack.warnings, stack.stack).to.deep.equal([]);
        }
        expect(report.capacity?.fits).to.equal(true);
    });

    it("plans a first preview: what providers compute is unknown, except the cluster an environment reads", async () => {
        const dev = report.stacks.find((s) => s.stack === "dev")!;
        const accessEntry = dev.resources.find((r) => r.type === "aws:eks/accessEntry:AccessEntry")!.inputs as Record<string, string>;
        expect(accessEntry.principalArn, "the deployer role's ARN: the role is created in the same run").to.equal("[unknown]");
        expect(accessEntry.clusterName, "read from the existing cluster").to.equal("fintrax-eks-shared");
        const created = await cli("--json", "--created", "--stack", "dev");
        expect(created.code, created.stderr).to.equal(0);
        const createdDev = (JSON.parse(created.stdout) as PlanReport).stacks[0];
        const createdEntry = createdDev.resources.find((r) => r.type === "aws:eks/accessEntry:AccessEntry")!.inputs as Record<string, string>;
        expect(createdEntry.principalArn).to.match(/^arn:aws:iam::\d{12}:role\//);
        expect(JSON.stringify(createdDev.resources)).not.to.include("[unknown]");
        expect(createdDev.cost).to.deep.equal(dev.cost);
    });

    it("reports the JSON shape of the contract", () => {
        for (const stack of report.stacks) {
            expect(stack).to.include.keys("project", "stack", "resources", "outputs", "violations", "warnings", "cost");
            expect(stack.resources.length).to.be.greaterThan(10);
            for (const resource of stack.resources) {
                expect(resource).to.have.all.keys("urn", "type", "name", "parent", "provider", "protect", "inputs", "dependencies", "propertyDependencies");
                expect(resource.urn).to.match(new RegExp(`^urn:pulumi:${stack.stack}::${stack.project}::`));
            }
            expect(stack.cost.monthlyUsd).to.be.a("number").and.to.be.greaterThan(0);
            for (const item of stack.cost.items) expect(item).to.include.keys("urn", "description", "monthlyUsd");
        }
        expect(report.capacity).to.include.keys("allocatable", "requested", "fits");
        expect(report.capacity!.allocatable).to.have.keys("cpu", "memory", "pods");
    });

    it("feeds the planned cluster's outputs to the environments' StackReference", () => {
        const shared = report.stacks.find((s) => s.stack === "shared")!;
        const dev = report.stacks.find((s) => s.stack === "dev")!;
        const reference = dev.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!;
        expect((reference.inputs as { name: string }).name).to.equal("organization/fintrax-cluster/shared");
        const route = dev.resources.find((r) => r.type === "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")!;
        const gateway = shared.outputs.gateway as { name: string; namespace: string };
        expect((route.inputs as any).spec.parentRefs[0]).to.deep.include({ name: gateway.name, namespace: gateway.namespace });
    });

    it("masks every secret: the kubeconfig output, provider kubeconfigs and passwords", () => {
        const shared = report.stacks.find((s) => s.stack === "shared")!;
        expect(shared.outputs.kubeconfig).to.equal("[secret]");
        for (const stack of report.stacks) {
            for (const provider of stack.resources.filter((r) => r.type === "pulumi:providers:kubernetes")) {
                expect((provider.inputs as { kubeconfig: string }).kubeconfig).to.equal("[secret]");
            }
        }
        expect(full.stdout).not.to.match(/mock-[0-9a-f]{10}/);
        expect(full.stdout).not.to.contain("certificate-authority-data");
    });

    it("gives the same report for two runs on the same files", async () => {
        const again = await cli("--json");
        expect(again.stdout).to.equal(full.stdout);
    });

    it("exits 1 and names the policy when a config breaks a mandatory policy", async () => {
        const file = stackFile("Pulumi.prod-public-image.yaml", PROD_WITH_PUBLIC_IMAGE);
        const result = await cli("--stack", "prod", "--config", file, "--json");
        expect(result.code).to.equal(1);
        const violations = (JSON.parse(result.stdout) as PlanReport).stacks[0].violations;
        expect(violations.map((v) => `${v.policy}:${v.enforcementLevel}`)).to.include("prod-image-registry:mandatory");
    });

    it("exits 2 with the key path for a malformed stack file", async () => {
        const file = stackFile("Pulumi.broken.yaml", BROKEN_DEV);
        const result = await cli("--stack", "dev", "--config", file);
        expect(result.code).to.equal(2);
        expect(result.stderr).to.contain(`${file}: fintrax:quota.pods:`);
        expect(result.stdout).to.equal("");
    });

    it("exits 2 for a file that is not YAML, an unknown stack and bad usage", async () => {
        const notYaml = stackFile("Pulumi.garbled.yaml", "config: [unclosed\n");
        expect((await cli("--stack", "dev", "--config", notYaml)).stderr).to.contain("is not valid YAML");
        const unknown = await cli("--stack", "nope");
        expect(unknown.code).to.equal(2);
        expect(unknown.stderr).to.contain("Pulumi.nope.yaml: no such stack file");
        expect((await cli("--config", notYaml)).code).to.equal(2);
        expect((await cli("--bogus")).code).to.equal(2);
    });

    it("writes every Kubernetes object as YAML under --out DIR/<stack>/", async () => {
        const out = path.join(scratch, "out");
        const result = await cli("--stack", "staging", "--out", out, "--quiet");
        expect(result.code).to.equal(0);
        expect(result.stdout).to.contain("Planning fintrax/staging");
        const files = readdirSync(path.join(out, "staging"));
        expect(files).to.include("namespace_fintrax-staging.yaml");
        expect(files).to.include("deployment_fintrax-staging_frontend.yaml");
        const deployment = parse(readFileSync(path.join(out, "staging", "deployment_fintrax-staging_frontend.yaml"), "utf8"));
        expect(deployment.spec.template.spec.containers[0].image).to.match(/^ghcr\.io\/fintrax\/frontend:/);
        expect(existsSync(path.join(out, "shared"))).to.equal(false);
    });

    it("prints a preview-like tree, violations, cost and capacity for people", async () => {
        const result = await cli("--stack", "dev");
        expect(result.stdout).to.match(/Planning fintrax\/dev/);
        expect(result.stdout).to.match(/\+ {3}pulumi:pulumi:Stack\s+fintrax-dev/);
        expect(result.stdout).to.match(/└─ kubernetes:/);
        expect(result.stdout).to.contain("Policy violations: none");
        expect(result.stdout).to.match(/Cost: \$\d+\.\d\d\/month \(us-east-1 list prices of \d{4}-\d\d-\d\d\)/);
        expect(result.stdout).to.match(/Capacity: fits/);
    });

    it("runs as `npm run plan` in a new process with the same exit codes", async function () {
        this.timeout(60000);
        // Both at once: each is mostly a new process loading, and the good one's analyzer has a core of its own.
        const [ok, bad] = await Promise.all([
            npmRunPlan("--stack", "dev", "--quiet"),
            npmRunPlan("--stack", "dev", "--config", stackFile("Pulumi.broken-npm.yaml", BROKEN_DEV)),
        ]);
        expect(ok.status, ok.stderr).to.equal(0);
        expect(bad.status).to.equal(2);
        // One message: the file and key of every problem, no stack trace.
        expect(bad.stderr).to.match(/^invalid stack configuration:\n/).and.to.contain("fintrax:quota.pods:").and.not.to.match(/\n\s+at /);
    });
});
