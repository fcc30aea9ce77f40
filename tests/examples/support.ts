import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { plan, PlanReport, StackReport } from "../../plan/plan";
import { ROOT } from "../../plan/stacks";

/** The example stack files: `examples/<system>/Pulumi.<stack>.yaml`. */
export interface ExampleFile {
    system: string;
    stack: string;
    /** Relative to the repository, as `--config` takes it. */
    file: string;
}

export const EXAMPLES = "examples";

export function exampleFiles(): ExampleFile[] {
    const root = path.join(ROOT, EXAMPLES);
    return readdirSync(root, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .flatMap((dir) => readdirSync(path.join(root, dir.name))
            .map((name) => /^Pulumi\.([^.]+)\.yaml$/.exec(name)?.[1])
            .filter((stack): stack is string => stack !== undefined)
            .map((stack) => ({ system: dir.name, stack, file: `${EXAMPLES}/${dir.name}/Pulumi.${stack}.yaml` })))
        .sort((a, b) => a.file.localeCompare(b.file));
}

/** An example file's `config:` section as YAML gives it (structured values stay structured). */
export function exampleConfig(file: string): Record<string, unknown> {
    return parse(readFileSync(path.join(ROOT, file), "utf8")).config;
}

const reports = new Map<string, Promise<PlanReport>>();

/** The offline plan of one example file under its stack's policy config, computed once per test run. */
export function planExample(system: string, stack: string): Promise<PlanReport> {
    const file = `${EXAMPLES}/${system}/Pulumi.${stack}.yaml`;
    if (!reports.has(file)) reports.set(file, plan({ stacks: [stack], configFile: file }));
    return reports.get(file)!;
}

/** A planned resource of the report, its inputs read freely (they are the program's, secrets masked). */
export type Resource = StackReport["resources"][number] & { inputs: any };

/** The environment stack's report of an example's plan (the cluster is planned too, unreported). */
export async function exampleStack(system: string, stack: string): Promise<StackReport> {
    const report = await planExample(system, stack);
    return report.stacks.find((s) => s.project === "fintrax")!;
}

/** The planned Kubernetes objects of one kind, with their inputs (secrets masked). */
export function objectsOf(stack: StackReport, kind: string): any[] {
    return stack.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`)).map((r) => r.inputs);
}

/** The one object of a kind with that name (in that namespace, when given). */
export function objectNamed(stack: StackReport, kind: string, name: string, namespace?: string): any {
    const found = objectsOf(stack, kind).filter((o) => o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));
    if (found.length !== 1) throw new Error(`${found.length} ${kind} named ${name}${namespace ? ` in ${namespace}` : ""}`);
    return found[0];
}

export function resourcesOfType(stack: StackReport, type: string): Resource[] {
    return stack.resources.filter((r) => r.type === type) as Resource[];
}
