import { expect } from "chai";
import { spawn } from "node:child_process";
import { buildSync } from "esbuild";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readStackConfig } from "../../plan/stackConfig";
import { ROOT } from "../../plan/stacks";
import { clusterReferences } from "../support/clusterFixture";
import type { HostInput } from "./mocks";

/**
 * Both programs loaded the way `pulumi up` loads them: a new Node process in the program's folder, the SDK's
 * `cmd/run` choosing ts-node and TypeScript and that folder's tsconfig.json (or none), type checking on. The
 * rest of the suite loads the code through tsx and the root tsconfig, which a real run never sees.
 */

interface HostResult { status: number | null; registered: string[]; stderr: string }

let scratch: string;
const mocks = path.join(ROOT, "bin", "engine-mocks.js");
/** What the language host runs: the SDK's `cmd/run`, resolved from the program's folder as Node resolves it there. */
const sdkRun = (programDir: string) => require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });

/**
 * `node <sdk>/cmd/run index.ts` in `programDir`, as the Node.js language plugin starts it for `pulumi up`
 * (PULUMI_NODEJS_TYPESCRIPT from `runtime.options.typescript`; the monitor address is never dialled, the
 * preloaded mock monitor answers instead).
 */
function runAsLanguageHost(programDir: string, input: Omit<HostInput, "config" | "secretKeys">, stackFile: string): Promise<HostResult> {
    const file = path.join(scratch, `${input.project}-${input.stack}.json`);
    writeFileSync(file, JSON.stringify({ ...input, ...readStackConfig(stackFile) }));
    const child = spawn(process.execPath, [
        "-r", mocks, sdkRun(programDir), "--monitor=127.0.0.1:1", `--project=${input.project}`, `--stack=${input.stack}`, "index.ts",
    ], {
        cwd: programDir, stdio: ["ignore", "ignore", "pipe"], timeout: 60_000,
        env: { ...process.env, NODE_OPTIONS: "", PULUMI_NODEJS_TYPESCRIPT: "true", FINTRAX_HOST_INPUT: file },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    return new Promise((resolve) => child.on("close", (status) => {
        const registered = existsSync(`${file}.out`) ? JSON.parse(readFileSync(`${file}.out`, "utf8")) : [];
        resolve({ status, registered, stderr });
    }));
}

describe("the programs under the Pulumi Node.js language host", function () {
    this.timeout(60_000);
    let cluster: HostResult;
    let environment: HostResult;
    before(async () => {
        scratch = mkdtempSync(path.join(tmpdir(), "fintrax-engine-"));
        buildSync({
            entryPoints: [path.join(__dirname, "mocks.ts")], outfile: mocks, bundle: true, packages: "external",
            platform: "node", target: "node20", format: "cjs", logLevel: "warning",
        });
        // Both at once: each spends seconds type-checking.
        [cluster, environment] = await Promise.all([
            runAsLanguageHost(path.join(ROOT, "cluster"), { project: "fintrax-cluster", stack: "shared", stackReferences: {} },
                path.join(ROOT, "cluster", "Pulumi.shared.yaml")),
            runAsLanguageHost(ROOT, { project: "fintrax", stack: "dev", stackReferences: clusterReferences() }, path.join(ROOT, "Pulumi.dev.yaml")),
        ]);
    });
    after(() => rmSync(scratch, { recursive: true, force: true }));

    it("compiles cluster/index.ts from cluster/ and runs it to completion", () => {
        const result = cluster;
        expect(result.stderr, result.stderr).to.not.match(/error/i);
        expect(result.status).to.equal(0);
        expect(result.registered).to.include.members(["eks:index:Cluster", "kubernetes:helm.sh/v3:Release"]);
    });

    it("compiles index.ts from the project root and runs the dev environment to completion", () => {
        const result = environment;
        expect(result.stderr, result.stderr).to.not.match(/error/i);
        expect(result.status).to.equal(0);
        expect(result.registered).to.include.members(["kubernetes:core/v1:Namespace", "aws:rds/instance:Instance"]);
    });
});
