import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { setStackFileName } from "../config/load";
import { MockStackOutputs, MockView } from "./mockOutputs";
import { runStack, StackRun } from "./runtime";
import { readStackConfig, StackConfig, StackFileError } from "./stackConfig";

/**
 * The stacks of this repository and how to run them: the cluster project in `cluster/` (stack `shared`)
 * and the environment project at the top level (one `Pulumi.<stack>.yaml` per environment).
 */

export const ROOT = path.resolve(__dirname, "..");
export const CLUSTER_STACK_NAME = "shared";
/** A self-managed backend names every stack `organization/<project>/<stack>`. */
const ORGANIZATION = "organization";

export interface StackSpec {
    project: "fintrax" | "fintrax-cluster";
    stack: string;
    /** The stack file, relative to the repository, as error messages name it. */
    file: string;
    /** `organization/<project>/<stack>`, the name a StackReference uses. */
    qualifiedName: string;
    loadProgram: () => () => Promise<Record<string, unknown> | void>;
}

/* eslint-disable @typescript-eslint/no-require-imports -- programs are loaded only when their stack is planned */
const PROGRAMS = {
    "fintrax-cluster": () => require("../cluster/index") as () => Promise<Record<string, unknown>>,
    fintrax: () => require("../index") as () => Promise<Record<string, unknown>>,
};
/* eslint-enable @typescript-eslint/no-require-imports */

export function stackSpec(stack: string, file?: string): StackSpec {
    const project = stack === CLUSTER_STACK_NAME ? "fintrax-cluster" : "fintrax";
    const defaultFile = project === "fintrax-cluster" ? `cluster/Pulumi.${stack}.yaml` : `Pulumi.${stack}.yaml`;
    return {
        project,
        stack,
        file: file ?? defaultFile,
        qualifiedName: `${ORGANIZATION}/${project}/${stack}`,
        loadProgram: PROGRAMS[project],
    };
}

/** Every stack, the cluster first (the environments reference it), then the environments by name. */
export function discoverStacks(root = ROOT): StackSpec[] {
    const environments = readdirSync(root)
        .map((name) => /^Pulumi\.([^.]+)\.yaml$/.exec(name)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
    const cluster = existsSync(path.join(root, "cluster", `Pulumi.${CLUSTER_STACK_NAME}.yaml`)) ? [stackSpec(CLUSTER_STACK_NAME)] : [];
    return [...cluster, ...environments.map((name) => stackSpec(name))];
}

export function loadStackConfig(spec: StackSpec, root = ROOT): StackConfig {
    const file = path.isAbsolute(spec.file) ? spec.file : path.join(root, spec.file);
    if (!existsSync(file)) throw new StackFileError(`${spec.file}: no such stack file`);
    return readStackConfig(file, spec.file);
}

/**
 * Runs a stack's program under mocks with `stackConfig`; config errors name `shownAs` (the stack file, or
 * the `--config` file that replaced it). `view` is what the mock providers know (plan/mockOutputs.ts).
 */
export async function runStackFile(
    spec: StackSpec,
    stackConfig: StackConfig,
    stackReferences: Record<string, MockStackOutputs> = {},
    shownAs = spec.file,
    view: MockView = "created",
): Promise<StackRun> {
    setStackFileName(shownAs);
    try {
        return await runStack({ project: spec.project, stack: spec.stack, ...stackConfig, program: spec.loadProgram(), stackReferences, view });
    } finally {
        setStackFileName(undefined);
    }
}
