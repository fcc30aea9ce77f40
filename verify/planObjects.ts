import { spawnSync } from "node:child_process";
import * as path from "node:path";

/** The parts of the plan's JSON report (CONTRACT.md, "The offline plan") the verification reads. */
export interface PlannedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}
export interface PlanReport {
    stacks: { stack: string; resources: PlannedResource[] }[];
}

/** A Kubernetes object as the API takes it. */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
    [key: string]: unknown;
}

/** The cluster stack (its priority classes, platform namespaces and issuers are what the environments use) first. */
export const VERIFIED_STACKS = ["shared", "dev", "staging", "prod"];

const REPO = path.join(__dirname, "..");
/** The plan masks secret inputs with this (plan/runtime.ts); the API server needs a value of the right shape. */
const MASKED = "[secret]";

/**
 * `npm run plan -- --json --created` for the verified stacks: as after `pulumi up`, every id and ARN known (a role's
 * ARN is what an access entry names). A plan with mandatory violations (exit 1) is still planned.
 */
export function runPlan(): PlanReport {
    const args = ["plan/launch.js", "cli", "--json", "--created", ...VERIFIED_STACKS.flatMap((stack) => ["--stack", stack])];
    const result = spawnSync(process.execPath, args, { cwd: REPO, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    if (result.status !== 0 && result.status !== 1) {
        throw new Error(`npm run plan failed (exit ${result.status}):\n${result.stderr}`);
    }
    return JSON.parse(result.stdout) as PlanReport;
}

/** A Secret's masked `data`/`stringData` becomes one placeholder key, so the object keeps its shape. */
function unmask(object: KubeObject): KubeObject {
    if (object.kind !== "Secret") return object;
    const copy = { ...object };
    if (copy.stringData === MASKED) copy.stringData = { "masked-by-the-plan": "placeholder" };
    if (copy.data === MASKED) copy.data = { "masked-by-the-plan": Buffer.from("placeholder").toString("base64") };
    return copy;
}

/**
 * Every Kubernetes object a stack's plan creates, whatever its kind: every `kubernetes:` resource whose inputs
 * are an object (apiVersion and kind), which leaves out Helm releases (no node here runs a chart's pods, and
 * the charts are not in the plan) and providers.
 */
export function kubernetesObjects(report: PlanReport, stack: string): KubeObject[] {
    const stackReport = report.stacks.find((s) => s.stack === stack);
    if (!stackReport) throw new Error(`the plan has no stack ${stack}`);
    return stackReport.resources
        .filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/"))
        .map((r) => r.inputs as unknown as KubeObject)
        .filter((o) => typeof o.apiVersion === "string" && typeof o.kind === "string")
        .map(unmask);
}
