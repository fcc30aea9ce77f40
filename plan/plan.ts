import { existsSync } from "fs";
import * as path from "path";
import { loadEnvironmentSettings } from "../config/environment";
import { allPolicies } from "../policies/all";
import { checkCapacity, CapacityReport, quotasOf } from "./capacity";
import { estimateCost, StackCost } from "./cost";
import { previewQuotas } from "./previews";
import { validateKubernetesObjects } from "./kubernetesSchema";
import { evaluatePolicies, loadPolicyPackConfig } from "./policyEngine";
import type { StackRun } from "./runtime";
import { StackFileError } from "./stackConfig";
import { CLUSTER_STACK_NAME, discoverStacks, loadStackConfig, ROOT, runStackFile, stackSpec, StackSpec } from "./stacks";
import type { ClusterExports } from "../components/clusterExports";

/**
 * The offline plan: every stack's program run under mocks (the cluster first, its outputs fed to the
 * environments' StackReference), the policy pack evaluated on the result with each stack's pack config,
 * the Kubernetes objects checked against their schemas, then capacity and cost.
 */

export interface Violation { policy: string; enforcementLevel: string; message: string; urn: string }

export interface StackReport {
    project: string;
    stack: string;
    file: string;
    policyConfig: string;
    resources: Array<{ urn: string; type: string; name: string; parent: string | null; provider: string | null; protect: boolean; inputs: unknown }>;
    outputs: Record<string, unknown>;
    violations: Violation[];
    warnings: string[];
    cost: StackCost;
}

export interface PlanReport {
    stacks: StackReport[];
    capacity: CapacityReport | null;
}

export interface PlanOptions {
    /** Stack names to report; all when empty. `shared` is the cluster stack. */
    stacks?: string[];
    /** With exactly one stack: read its config from this file instead of its `Pulumi.<stack>.yaml`. */
    configFile?: string;
    root?: string;
}

export class UsageError extends Error {}

/** `policies/config/<stack>.json`; stacks without their own (preview environments) use development's. */
export function policyConfigFile(stack: string, root = ROOT): string {
    const own = `policies/config/${stack}.json`;
    return existsSync(path.join(root, own)) ? own : "policies/config/dev.json";
}

function orderByUrn<T extends { urn: string }>(items: T[]): T[] {
    return [...items].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}

async function planOne(spec: StackSpec, root: string, clusterRun?: StackRun, clusterSpec?: StackSpec): Promise<StackRun> {
    const stackConfig = loadStackConfig(spec, root);
    if (spec.project === "fintrax") {
        // A reference to a cluster stack the plan does not hold gets a clear error before anything runs.
        const { settings } = loadEnvironmentSettings(spec.file, stackConfig.config);
        if (clusterSpec && settings.clusterStack !== clusterSpec.qualifiedName) {
            throw new StackFileError(`${spec.file}: fintrax:clusterStack: the offline plan holds only "${clusterSpec.qualifiedName}" (got "${settings.clusterStack}")`);
        }
    }
    return runStackFile(spec, stackConfig, clusterRun && clusterSpec
        ? { [clusterSpec.qualifiedName]: { outputs: clusterRun.outputs, secretOutputNames: clusterRun.secretOutputNames } }
        : {});
}

function planChecks(run: StackRun, problems: Array<{ urn: string; message: string }>): Violation[] {
    const violations = problems.map((problem) => ({
        policy: "plan-kubernetes-schema", enforcementLevel: "mandatory", urn: problem.urn,
        message: `the Kubernetes API would reject this object: ${problem.message}`,
    }));
    for (const resource of run.resources) {
        if (resource.custom && resource.type.startsWith("kubernetes:") && !resource.provider) {
            violations.push({
                policy: "plan-explicit-provider", enforcementLevel: "mandatory", urn: resource.urn,
                message: "created with the default Kubernetes provider, which the project disables: pass the stack's provider",
            });
        }
    }
    return violations;
}

async function report(spec: StackSpec, run: StackRun, root: string): Promise<StackReport> {
    const policyConfig = policyConfigFile(spec.stack, root);
    const packConfig = loadPolicyPackConfig(path.join(root, policyConfig));
    const violations = [
        ...evaluatePolicies(allPolicies, run.resources, packConfig, spec.stack),
        ...planChecks(run, await validateKubernetesObjects(run.resources)),
    ];
    return {
        project: spec.project,
        stack: spec.stack,
        file: spec.file,
        policyConfig,
        resources: orderByUrn(run.resources).map((r) => ({
            urn: r.urn, type: r.type, name: r.name, parent: r.parent, provider: r.provider, protect: r.protect, inputs: r.maskedInputs,
        })),
        outputs: run.maskedOutputs,
        violations: orderByUrn(violations).sort((a, b) => a.policy.localeCompare(b.policy)),
        warnings: run.warnings,
        cost: estimateCost(run.resources),
    };
}

export async function plan(options: PlanOptions = {}): Promise<PlanReport> {
    const root = options.root ?? ROOT;
    if (options.configFile && options.stacks?.length !== 1) throw new UsageError("--config goes with exactly one --stack");
    const specs = options.stacks?.length
        ? options.stacks.map((name) => stackSpec(name, options.configFile))
        : discoverStacks(root);
    if (!specs.length) throw new UsageError("no stacks to plan: expected cluster/Pulumi.shared.yaml and Pulumi.<stack>.yaml files");

    // The environments need the cluster's outputs, so the cluster is planned even when it is not reported.
    const clusterSpec = specs.find((s) => s.project === "fintrax-cluster") ?? stackSpec(CLUSTER_STACK_NAME);
    const clusterRun = await planOne(clusterSpec, root);
    const runs = new Map<StackSpec, StackRun>();
    for (const spec of specs) {
        runs.set(spec, spec === clusterSpec ? clusterRun : await planOne(spec, root, clusterRun, clusterSpec));
    }

    const stacks: StackReport[] = [];
    for (const [spec, run] of runs) stacks.push(await report(spec, run, root));

    const cluster = clusterRun.outputs as unknown as ClusterExports;
    const quotas = [clusterRun, ...[...runs.values()].filter((run) => run !== clusterRun)]
        .flatMap((run) => quotasOf(run.stack, run.resources))
        .concat(previewQuotas(root)); // the live preview environments, which have no stack file (plan/previews.ts)
    const capacity = cluster.nodeGroups ? checkCapacity(cluster, quotas) : null;
    const clusterReport = stacks.find((s) => s.project === "fintrax-cluster");
    for (const pool of capacity?.pools.filter((p) => !p.fits) ?? []) {
        clusterReport?.warnings.push(
            `capacity: the namespace quotas of ${pool.namespaces.join(", ")} ask for more than ${pool.nodeGroups.join(" + ")} ` +
            `hold at their maximum size (headroom cpu ${pool.headroom.cpu}, memory ${pool.headroom.memory}, pods ${pool.headroom.pods})`);
    }
    return { stacks, capacity };
}
