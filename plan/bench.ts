import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { closeAnalyzers } from "./analyzer";
import { plan, runPrograms } from "./plan";
import { discoverStacks, ROOT } from "./stacks";

/**
 * `npm run bench`: how long the offline plan takes, against the floor of loading the Pulumi SDKs it uses and the
 * floor of running its programs under the SDK's mocks with nothing judged, checked or priced, and how it grows with
 * the number of stacks. A benchmark, not a test: it prints, it asserts nothing.
 */

const SDK_IMPORT = [
    "@pulumi/pulumi", "@pulumi/aws", "@pulumi/kubernetes", "@pulumi/eks", "@pulumi/random",
].map((m) => `require(${JSON.stringify(m)})`).join(";");

const SCRIPTS: Record<string, string> = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts;
const PROGRAMS_ONLY = "--programs-only";

/** What `npm run <script>` runs, without npm's own start (about half a second, and not the plan's). */
function nodeArgs(script: string): string[] {
    const [node, ...args] = SCRIPTS[script].split(" ");
    if (node !== "node") throw new Error(`package.json's ${script} script no longer starts with node: ${SCRIPTS[script]}`);
    return args;
}

function timeProcess(command: string, args: string[], runs: number): number {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const result = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
        if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
        times.push(elapsed);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** A scratch repository root with the cluster stack, the pack configs and `count` preview environments. */
function previewRoot(count: number): string {
    const root = mkdtempSync(path.join(tmpdir(), "fintrax-bench-"));
    mkdirSync(path.join(root, "cluster"));
    cpSync(path.join(ROOT, "cluster", "Pulumi.shared.yaml"), path.join(root, "cluster", "Pulumi.shared.yaml"));
    cpSync(path.join(ROOT, "policies", "config"), path.join(root, "policies", "config"), { recursive: true });
    for (let n = 1; n <= count; n++) {
        writeFileSync(path.join(root, `Pulumi.pr-${n}.yaml`),
            `config:\n  fintrax:environment: pr-${n}\n  fintrax:domain: fintrax.example.com\n`);
    }
    return root;
}

async function timePreviews(count: number): Promise<number> {
    const root = previewRoot(count);
    try {
        const start = process.hrtime.bigint();
        await plan({ root });
        return Number(process.hrtime.bigint() - start) / 1e6;
    } finally {
        rmSync(root, { recursive: true, force: true });
    }
}

async function main(): Promise<void> {
    const runs = Number(process.env.BENCH_RUNS ?? 3);
    const importMs = timeProcess(process.execPath, ["-e", SDK_IMPORT], runs);
    const programsMs = timeProcess(process.execPath, [...nodeArgs("bench"), PROGRAMS_ONLY], runs);
    const planMs = timeProcess(process.execPath, [...nodeArgs("plan"), "--json"], runs);
    const times = (ms: number) => `${(ms / importMs).toFixed(2)}× the import`;
    const line = (label: string, text: string) => console.log(`${label.padEnd(40)} : ${text}`);
    line("bare import of the Pulumi SDKs", `${importMs.toFixed(0)} ms (median of ${runs} new processes)`);
    line("the plan's program runs alone", `${programsMs.toFixed(0)} ms (${times(programsMs)}; nothing judged, checked or priced)`);
    line(`${SCRIPTS.plan} --json`, `${planMs.toFixed(0)} ms (${times(planMs)}; all stacks)`);
    line("ratio plan / import", `${(planMs / importMs).toFixed(2)}×`);

    await timePreviews(1); // warm the module cache so the series measures planning, not loading
    console.log("\npreview environments planned in one process (cluster stack included):");
    const series: Array<[number, number]> = [];
    for (const count of [1, 10, 25, 50]) {
        const ms = await timePreviews(count);
        series.push([count, ms]);
        console.log(`  ${String(count).padStart(3)} environments: ${ms.toFixed(0).padStart(6)} ms  (${(ms / count).toFixed(0)} ms per environment)`);
    }
    const [[n1, t1], [n2, t2]] = [series[1], series[series.length - 1]];
    console.log(`  marginal cost between ${n1} and ${n2}: ${((t2 - t1) / (n2 - n1)).toFixed(0)} ms per environment`);
}

/** The floor: the bundle loaded and every program run as the plan of all stacks runs them, and nothing else. */
async function programsOnly(): Promise<void> {
    await runPrograms(discoverStacks(ROOT), ROOT, "firstPreview", () => undefined);
}

export function run(args: string[]): void {
    (args.includes(PROGRAMS_ONLY) ? programsOnly() : main()).finally(closeAnalyzers).catch((error) => {
        console.error(error);
        process.exitCode = 1;
    });
}

if (require.main === module) run(process.argv.slice(2));
