import { runStack, StackRun, PlannedResource } from "../../plan/runtime";
import { readStackConfig } from "../../plan/stackConfig";
import { setStackFileName } from "../../config/load";
import { clusterReferences } from "./clusterFixture";
import environmentProgram = require("../../index");

/** Runs the environment program for `Pulumi.<stack>.yaml`, with `overrides` layered on its config. */
export async function planEnvironment(stack: string, overrides: Record<string, unknown> = {}, file?: string): Promise<StackRun> {
    const { config, secretKeys } = readStackConfig(`Pulumi.${stack}.yaml`);
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete config[key];
        else config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    setStackFileName(file);
    try {
        return await runStack({ project: "fintrax", stack, config, secretKeys, program: environmentProgram, stackReferences: clusterReferences() });
    } finally {
        setStackFileName(undefined);
    }
}

/** The planned objects of one Kubernetes kind (`Deployment`, `NetworkPolicy`, …). */
export function ofKind(run: StackRun, kind: string): PlannedResource[] {
    return run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`));
}

export function named(resources: PlannedResource[], name: string): PlannedResource {
    const found = resources.find((r) => r.inputs.metadata?.name === name);
    if (!found) throw new Error(`no object named ${name} among ${resources.map((r) => r.inputs.metadata?.name).join(", ")}`);
    return found;
}

const defaultPlans = new Map<string, Promise<StackRun>>();

/** The plan of a stack file as committed, computed once per test run and shared by every test file. */
export function committedPlan(stack: string): Promise<StackRun> {
    if (!defaultPlans.has(stack)) defaultPlans.set(stack, planEnvironment(stack));
    return defaultPlans.get(stack)!;
}

export const ENVIRONMENT_STACKS = ["dev", "staging", "prod"] as const;
