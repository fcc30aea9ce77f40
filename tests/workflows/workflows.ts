/**
 * Reads the delivery workflows (.github/workflows) and the local composite actions (.github/actions) as plain
 * data, so that the tests can check the promotion rules against what GitHub will actually run.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";

export const ROOT = join(__dirname, "..", "..");
const WORKFLOWS_DIR = join(ROOT, ".github", "workflows");
export const ACTIONS_DIR = join(ROOT, ".github", "actions");

/** The composite action every cloud preview and deploy goes through. */
export const PULUMI_ACTION = "./.github/actions/pulumi";

export type Permissions = Record<string, string> | string | undefined;

export interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    shell?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
}

export interface Job {
    name?: string;
    needs?: string | string[];
    if?: string;
    environment?: string | { name: string };
    concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
    permissions?: Permissions;
    strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
    steps?: Step[];
}

export interface Workflow {
    /** The file, relative to the repository root. */
    file: string;
    text: string;
    name?: string;
    on: Record<string, unknown>;
    permissions?: Permissions;
    concurrency?: Job["concurrency"];
    jobs: Record<string, Job>;
}

export interface ActionInput {
    description?: string;
    required?: boolean;
    default?: string;
}

export interface CompositeAction {
    /** The path a workflow uses it by, e.g. ./.github/actions/pulumi */
    ref: string;
    file: string;
    dir: string;
    text: string;
    inputs: Record<string, ActionInput>;
    runs: { using: string; steps: Step[] };
}

let workflows: Workflow[] | undefined;
let actions: CompositeAction[] | undefined;

/** Parsed once per test run: the files do not change while the tests read them. */
export function loadWorkflows(): Workflow[] {
    return (workflows ??= readdirSync(WORKFLOWS_DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => {
            const path = join(WORKFLOWS_DIR, f);
            const text = readFileSync(path, "utf8");
            const doc = parse(text);
            // YAML 1.2 reads the key `on` as the string "on" (not true, as YAML 1.1 would).
            return { ...doc, on: doc.on ?? {}, jobs: doc.jobs ?? {}, file: relative(ROOT, path), text } as Workflow;
        }));
}

export function loadWorkflow(name: string): Workflow {
    const workflow = loadWorkflows().find((w) => w.file === `.github/workflows/${name}.yml`);
    if (!workflow) throw new Error(`no workflow .github/workflows/${name}.yml`);
    return workflow;
}

export function loadActions(): CompositeAction[] {
    return (actions ??= readdirSync(ACTIONS_DIR)
        .filter((d) => existsSync(join(ACTIONS_DIR, d, "action.yml")))
        .sort()
        .map((d) => {
            const file = join(ACTIONS_DIR, d, "action.yml");
            const text = readFileSync(file, "utf8");
            const doc = parse(text);
            return { ...doc, inputs: doc.inputs ?? {}, ref: `./.github/actions/${d}`, file: relative(ROOT, file), dir: join(ACTIONS_DIR, d), text };
        }));
}

export function loadAction(ref: string): CompositeAction {
    const action = loadActions().find((a) => a.ref === ref);
    if (!action) throw new Error(`no composite action ${ref}`);
    return action;
}

/** Every step of every job, with where it stands. */
export function stepsOf(workflow: Workflow): { jobId: string; job: Job; step: Step }[] {
    return Object.entries(workflow.jobs).flatMap(([jobId, job]) => (job.steps ?? []).map((step) => ({ jobId, job, step })));
}

/** The jobs that call the Pulumi action, with the command and stack they pass to it. */
export function pulumiJobs(workflow: Workflow): { jobId: string; job: Job; command: string; stack: string; with: Record<string, unknown> }[] {
    return stepsOf(workflow)
        .filter(({ step }) => step.uses === PULUMI_ACTION)
        .map(({ jobId, job, step }) => ({
            jobId,
            job,
            command: String(step.with?.command),
            stack: String(step.with?.stack),
            with: step.with ?? {},
        }));
}

export function environmentName(job: Job): string | undefined {
    return typeof job.environment === "string" ? job.environment : job.environment?.name;
}

export function concurrencyOf(job: Job): { group?: string; cancelInProgress?: boolean | string } {
    const c = job.concurrency;
    if (c === undefined) return {};
    if (typeof c === "string") return { group: c };
    return { group: c.group, cancelInProgress: c["cancel-in-progress"] };
}

/** The branches a job's `if` admits, from `github.ref == 'refs/heads/<branch>'` terms. */
export function branchesOf(job: Job): string[] {
    return [...String(job.if ?? "").matchAll(/github\.ref\s*==\s*'refs\/heads\/([^']+)'/g)].map((m) => m[1]);
}

export function needsOf(job: Job): string[] {
    return job.needs === undefined ? [] : ([] as string[]).concat(job.needs);
}
