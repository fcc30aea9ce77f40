import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import type { PlanOptions, PlanReport } from "./plan";

const USAGE = `usage: npm run plan -- [--stack NAME]... [--config FILE] [--json] [--out DIR] [--quiet] [--created]
                        [--compare BASE.json [--max-cost-increase USD]] [--sarif FILE]
  --stack NAME   plan only this stack (repeatable); "shared" is the cluster stack
  --config FILE  with one --stack: read that stack's config from FILE
  --json         print only the JSON report
  --out DIR      also write every Kubernetes object as YAML under DIR/<stack>/
  --quiet        leave the resource trees out of the text report
  --created      plan the stacks as after \`pulumi up\` (every id, ARN and endpoint known), not as a first preview
  --compare BASE.json        report the changes and the cost and capacity deltas against an earlier --json report
  --max-cost-increase USD    with --compare: a monthly cost increase above USD is a mandatory violation
  --sarif FILE   also write the violations as a SARIF 2.1.0 log
exit status: 0 planned, no mandatory violation; 1 a mandatory violation; 2 bad config or usage; 3 a program failed`;

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

function writeSarif(report: PlanReport, file: string): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { toSarif } = require("./sarif") as typeof import("./sarif");
    const root = path.join(__dirname, "..");
    const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
    writeFileSync(file, `${JSON.stringify(toSarif(report, root, version), null, 2)}\n`);
}

/** `defaults` are plan options the command line does not set (the tests' policy pack and root). */
export async function main(argv: string[], defaults: PlanOptions = {}): Promise<number> {
    // The SDK records a stack trace for every resource; mapping each through source maps (which the
    // TypeScript loader turns on) would cost more than planning. The plan's own errors name files and keys.
    process.setSourceMapsEnabled(false);
    // Loaded after that switch, so that no module registers a source map.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { DEFAULT_POLICY_PACK, PolicyPackError, startPolicyAnalyzer } = require("./analyzer") as typeof import("./analyzer");
    // The analyzer loads (and type-checks the pack) for longer than the SDKs take to import: start it first.
    startPolicyAnalyzer(defaults.policyPack ?? DEFAULT_POLICY_PACK); // the plan awaits it
    const { ConfigError } = require("../config/load") as typeof import("../config/load");
    const { plan, UsageError } = require("./plan") as typeof import("./plan");
    const { renderPlan } = require("./render") as typeof import("./render");
    const { StackFileError } = require("./stackConfig") as typeof import("./stackConfig");
    const { ProgramError } = require("./runtime") as typeof import("./runtime");
    const { BaseReportError, compareWithBase, readBaseReport, renderChanges } = require("./compare") as typeof import("./compare");
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
                created: { type: "boolean", default: false },
                compare: { type: "string" },
                "max-cost-increase": { type: "string" },
                sarif: { type: "string" },
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
    const budget = args["max-cost-increase"] === undefined ? undefined : Number(args["max-cost-increase"]);
    if (budget !== undefined && (!args.compare || !Number.isFinite(budget) || budget < 0)) {
        process.stderr.write(`--max-cost-increase takes a number of USD (at least 0) and goes with --compare\n${USAGE}\n`);
        return 2;
    }
    let report: PlanReport;
    let compared: import("./compare").ComparedReport | undefined;
    try {
        const base = args.compare ? readBaseReport(args.compare) : undefined;
        report = await plan({ ...defaults, stacks: args.stack, configFile: args.config, view: args.created ? "created" : "firstPreview" });
        if (base) report = compared = compareWithBase(report, base, budget);
    } catch (error) {
        if (error instanceof ConfigError || error instanceof StackFileError || error instanceof UsageError || error instanceof PolicyPackError
            || error instanceof BaseReportError) {
            process.stderr.write(`${error.message}\n`);
            return 2;
        }
        if (error instanceof ProgramError) {
            process.stderr.write(`${error.message}\n`); // as `pulumi preview` reports it: the program's error, not our stack
            return 3;
        }
        throw error;
    }
    if (args.out) writeObjects(report, args.out);
    if (args.sarif) writeSarif(report, args.sarif);
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : renderPlan(report, !args.quiet) + (compared ? `\n${renderChanges(compared)}` : ""));
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
