import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { stringify } from "yaml";
import type { PlanOptions, PlanReport } from "./plan";

const USAGE = `usage: npm run plan -- [--stack NAME]... [--config FILE] [--json] [--out DIR] [--quiet]
  --stack NAME   plan only this stack (repeatable); "shared" is the cluster stack
  --config FILE  with one --stack: read that stack's config from FILE
  --json         print only the JSON report
  --out DIR      also write every Kubernetes object as YAML under DIR/<stack>/
  --quiet        leave the resource trees out of the text report
exit status: 0 planned, no mandatory violation; 1 a mandatory violation; 2 bad config or usage`;

/** Kubernetes objects as YAML files, one per object, named after kind, namespace and name. */
function writeObjects(report: PlanReport, dir: string): void {
    for (const stack of report.stacks) {
        const stackDir = path.join(dir, stack.stack);
        mkdirSync(stackDir, { recursive: true });
        for (const resource of stack.resources) {
            if (!resource.type.startsWith("kubernetes:") || resource.type.startsWith("kubernetes:helm.sh")) continue;
            const object = resource.inputs as { kind?: string; metadata?: { name?: string; namespace?: string } };
            const file = [object.kind, object.metadata?.namespace, object.metadata?.name ?? resource.name].filter(Boolean).join("_");
            writeFileSync(path.join(stackDir, `${file}.yaml`.toLowerCase()), stringify(object, { sortMapEntries: true }));
        }
    }
}

/** `defaults` are plan options the command line does not set (the tests' policy pack and root). */
export async function main(argv: string[], defaults: PlanOptions = {}): Promise<number> {
    // The SDK records a stack trace for every resource; mapping each through source maps (which the
    // TypeScript loader turns on) would cost more than planning. The plan's own errors name files and keys.
    process.setSourceMapsEnabled(false);
    // Loaded after that switch, so that no module registers a source map.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { DEFAULT_POLICY_PACK, PolicyPackError, policyAnalyzer } = require("./analyzer") as typeof import("./analyzer");
    // The analyzer loads (and type-checks the pack) for longer than the SDKs take to import: start it first.
    policyAnalyzer(defaults.policyPack ?? DEFAULT_POLICY_PACK).catch(() => undefined); // the plan awaits it
    const { ConfigError } = require("../config/load") as typeof import("../config/load");
    const { plan, UsageError } = require("./plan") as typeof import("./plan");
    const { renderPlan } = require("./render") as typeof import("./render");
    const { StackFileError } = require("./stackConfig") as typeof import("./stackConfig");
    /* eslint-enable @typescript-eslint/no-require-imports */
    let args;
    try {
        args = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", multiple: true },
                config: { type: "string" },
                json: { type: "boolean", default: false },
                out: { type: "string" },
                quiet: { type: "boolean", default: false },
                help: { type: "boolean", default: false },
            },
            strict: true,
            allowPositionals: false,
        }).values;
    } catch (error) {
        process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
        return 2;
    }
    if (args.help) {
        process.stdout.write(`${USAGE}\n`);
        return 0;
    }
    let report: PlanReport;
    try {
        report = await plan({ ...defaults, stacks: args.stack, configFile: args.config });
    } catch (error) {
        if (error instanceof ConfigError || error instanceof StackFileError || error instanceof UsageError || error instanceof PolicyPackError) {
            process.stderr.write(`${error.message}\n`);
            return 2;
        }
        throw error;
    }
    if (args.out) writeObjects(report, args.out);
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderPlan(report, !args.quiet));
    return report.stacks.some((s) => s.violations.some((v) => v.enforcementLevel === "mandatory")) ? 1 : 0;
}

/** The command: exit status from `main`, and a crash (a bug, not bad input) reported with its stack. */
export function run(argv: string[]): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded, like main's modules, after its source-map switch
    const stopAnalyzers = () => (require("./analyzer") as typeof import("./analyzer")).closeAnalyzers();
    main(argv).finally(stopAnalyzers).then(
        (code) => { process.exitCode = code; },
        (error) => {
            process.stderr.write(`plan failed: ${(error as Error).stack ?? error}\n`);
            process.exitCode = 3;
        },
    );
}

if (require.main === module) run(process.argv.slice(2));
