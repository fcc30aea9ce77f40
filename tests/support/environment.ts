import type { StackRun } from "../../plan/runtime";
import { withOverrides } from "../../plan/stackConfig";
import { loadStackConfig, runStackFile, stackSpec } from "../../plan/stacks";
import { clusterReferences } from "./clusterFixture";

/**
 * Runs the environment program for `Pulumi.<stack>.yaml`, with `overrides` layered on its config, against the
 * cluster fixture; config errors name `file` (the stack file by default).
 */
export async function planEnvironment(stack: string, overrides: Record<string, unknown> = {}, file?: string): Promise<StackRun> {
    const spec = stackSpec(stack);
    return runStackFile(spec, withOverrides(loadStackConfig(spec), overrides), clusterReferences(), file);
}

const defaultPlans = new Map<string, Promise<StackRun>>();

/** The plan of a stack file as committed, computed once per test run and shared by every test file. */
export function committedPlan(stack: string): Promise<StackRun> {
    if (!defaultPlans.has(stack)) defaultPlans.set(stack, planEnvironment(stack));
    return defaultPlans.get(stack)!;
}

export const ENVIRONMENT_STACKS = ["dev", "staging", "prod"] as const;
