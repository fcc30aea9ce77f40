import { existsSync } from "node:fs";
import * as path from "node:path";
import { loadClusterSettings } from "../config/cluster";
import { loadEnvironmentSettings } from "../config/environment";
import { addressInputsOf, checkCapacity, checkSubnetAddresses, CapacityReport, quotasOf } from "./capacity";
import { estimateCost, StackCost, unpricedWarnings } from "./cost";
import { previewQuotas } from "./previews";
import { validateKubernetesObjects } from "./kubernetesSchema";
import { specialResourceSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { AnalyzedResource, DEFAULT_POLICY_PACK, PolicyAnalyzer, startPolicyAnalyzer } from "./analyzer";
import type { StackRun } from "./runtime";
import { StackFileError } from "./stackConfig";
import { CLUSTER_STACK_NAME, discoverStacks, loadStackConfig, ROOT, runStackFile, stackSpec, StackSpec } from "./stacks";
import type { ClusterExports } from "../model/clusterExports";
import type { MockView } from "./mockOutputs";

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
    resources: Array<{
        urn: string; type: string; name: string; parent: string | null; provider: string | null; protect: boolean; inputs: unknown;
        dependencies: string[]; propertyDependencies: Record<string, string[]>;
    }>;
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
    /** The policy pack's folder; `policies/` of this repository by default. */
    policyPack?: string;
    /**
     * `firstPreview` (the default): every stack as its first `pulumi preview` sees it. `created`: as after `pulumi up`,
     * everything known (what a real API server is given, for the verification suite).
     */
    view?: MockView;
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

async function planOne(spec: StackSpec, root: string, view: MockView, clusterRun?: StackRun, clusterSpec?: StackSpec): Promise<StackRun> {
    const stackConfig = loadStackConfig(spec, root);
    if (spec.project === "fintrax") {
        // A reference to a cluster stack the plan does not hold gets a clear error before anything runs.
        const { settings } = loadEnvironmentSettings(spec.file, stackConfig.config);
        if (clusterSpec && settings.clusterStack !== clusterSpec.qualifiedName) {
            throw new StackFileError(`${spec.file}: fintrax:clusterStack: the offline plan holds only "${clusterSpec.qualifiedName}" (got "${settings.clusterStack}")`);
        }
    } else {
        // As for an environment: a bad value is one ConfigError (exit 2) before anything runs.
        loadClusterSettings(spec.file, stackConfig.config, (key) => stackConfig.secretKeys.includes(key));
    }
    const stackReferences = clusterRun && clusterSpec
        ? { [clusterSpec.qualifiedName]: { outputs: clusterRun.outputs, secretOutputNames: clusterRun.secretOutputNames } }
        : {};
    return runStackFile(spec, stackConfig, stackReferences, spec.file, view);
}

/**
 * The cluster as created, which the environments' StackReference reads: one run per process for the same stack file
 * and config (the tests and the bench plan many environments against one cluster). A run that fails is not kept.
 */
const createdClusters = new Map<string, Promise<StackRun>>();

function createdCluster(spec: StackSpec, root: string): Promise<StackRun> {
    const key = JSON.stringify([spec.file, root, loadStackConfig(spec, root)]);
    if (!createdClusters.has(key)) {
        const run = planOne(spec, root, "created");
        run.catch(() => createdClusters.delete(key));
        createdClusters.set(key, run);
    }
    return createdClusters.get(key)!;
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

/**
 * A serialized value as the engine hands it to an analyzer: secrets and unknowns kept, resource references
 * downgraded to the referenced resource's id (a custom resource) or URN (a component), which is all
 * @pulumi/policy can read.
 */
function downgradeReferences(value: unknown): any {
    if (Array.isArray(value)) return value.map(downgradeReferences);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialResourceSig) return record.id === undefined || record.id === "" ? record.urn : downgradeReferences(record.id);
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, downgradeReferences(item)]));
}

/**
 * Everything one stack's run hands the analyzer, as the engine sends it: the Stack resource, then every resource the
 * program registered or read, each with the Stack as its parent where the program named none (the report leaves
 * that parent out).
 */
export function analyzedRun(run: StackRun): AnalyzedResource[] {
    return [analyzed(run.stackResource, null), ...run.resources.map((resource) => analyzed(resource, run.stackResource.urn))];
}

/** A planned resource as the engine sends it to the analyzer: serialized inputs and outputs, dependencies. */
function analyzed(resource: StackRun["resources"][number], stackUrn: string | null): AnalyzedResource {
    const parent = resource.parent ?? stackUrn;
    return {
        urn: resource.urn, type: resource.type, name: resource.name, parent, provider: resource.provider, protect: resource.protect,
        read: resource.read,
        inputs: downgradeReferences(resource.serializedInputs ?? resource.inputs),
        // A bridged AWS resource's outputs carry its id (how a policy links a node group's subnetIds to subnets).
        outputs: resource.serializedOutputs && downgradeReferences(
            resource.type.startsWith("aws:") && resource.id ? { id: resource.id, ...resource.serializedOutputs } : resource.serializedOutputs),
        dependencies: resource.dependencies, propertyDependencies: resource.propertyDependencies,
    };
}

async function report(spec: StackSpec, run: StackRun, root: string, analyzer: PolicyAnalyzer): Promise<StackReport> {
    const policyConfig = policyConfigFile(spec.stack, root);
    // The analyzer judges (in its process) while the schemas are checked (in this one).
    const [judged, problems] = await Promise.all([
        analyzer.judge(path.join(root, policyConfig), analyzedRun(run), run.stackResource.urn),
        validateKubernetesObjects(run.resources),
    ]);
    const violations = [...judged, ...planChecks(run, problems)];
    const cost = estimateCost(run.resources);
    return {
        project: spec.project,
        stack: spec.stack,
        file: spec.file,
        policyConfig,
        resources: orderByUrn(run.resources).map((r) => ({
            urn: r.urn, type: r.type, name: r.name, parent: r.parent, provider: r.provider, protect: r.protect, inputs: r.maskedInputs,
            dependencies: r.dependencies ?? [], propertyDependencies: r.propertyDependencies ?? {},
        })),
        outputs: run.maskedOutputs,
        violations: orderByUrn(violations).sort((a, b) => a.policy.localeCompare(b.policy)),
        warnings: [...run.warnings, ...unpricedWarnings(cost)],
        cost,
    };
}

/** The cluster's runs in a plan: as reported (when the cluster stack is planned) and as the environments read it. */
export interface ClusterRuns {
    clusterReported?: StackRun;
    clusterCreated: StackRun;
}

/**
 * Every program a plan of `specs` runs, in the order it runs them. By default (`view` firstPreview) every stack is
 * planned as its first `pulumi preview` sees it: nothing of it exists yet, so what providers compute is unknown. An
 * environment's StackReference reads the cluster as created (it exists before any environment is previewed), so
 * when environments are planned the cluster also runs with everything known. `ran` hears of each planned stack as
 * soon as it has run. `npm run bench` times this alone, as the floor under the plan.
 */
export async function runPrograms(specs: StackSpec[], root: string, view: MockView, ran: (spec: StackSpec, run: StackRun) => void): Promise<ClusterRuns> {
    const clusterSpec = specs.find((s) => s.project === "fintrax-cluster") ?? stackSpec(CLUSTER_STACK_NAME);
    const clusterReported = specs.includes(clusterSpec) ? await planOne(clusterSpec, root, view) : undefined;
    if (clusterReported) ran(clusterSpec, clusterReported);
    const needsCreated = !clusterReported || (view !== "created" && specs.some((s) => s !== clusterSpec));
    const clusterCreated = needsCreated ? await createdCluster(clusterSpec, root) : clusterReported!;
    for (const spec of specs.filter((s) => s !== clusterSpec)) ran(spec, await planOne(spec, root, view, clusterCreated, clusterSpec));
    return { clusterReported, clusterCreated };
}

export async function plan(options: PlanOptions = {}): Promise<PlanReport> {
    const root = options.root ?? ROOT;
    if (options.configFile && options.stacks?.length !== 1) throw new UsageError("--config goes with exactly one --stack");
    const specs = options.stacks?.length
        ? options.stacks.map((name) => stackSpec(name, options.configFile))
        : discoverStacks(root);
    if (!specs.length) throw new UsageError("no stacks to plan: expected cluster/Pulumi.shared.yaml and Pulumi.<stack>.yaml files");
    // Started now (if the command line has not already), so that it loads while the programs run.
    const analyzer = startPolicyAnalyzer(options.policyPack ?? DEFAULT_POLICY_PACK);

    const runs = new Map<StackSpec, StackRun>();
    const reports = new Map<StackSpec, Promise<StackReport>>();
    // Each stack is judged (in the analyzer's process) while the next program runs (in this one).
    const judge = (spec: StackSpec, run: StackRun) => {
        runs.set(spec, run);
        const judged = report(spec, run, root, analyzer);
        judged.catch(() => undefined); // awaited below, in order
        reports.set(spec, judged);
    };
    const { clusterReported, clusterCreated } = await runPrograms(specs, root, options.view ?? "firstPreview", judge);
    const stacks = await Promise.all(specs.map((spec) => reports.get(spec)!));

    const cluster = clusterCreated.outputs as unknown as ClusterExports;
    const everyRun = [clusterReported ?? clusterCreated, ...[...runs.values()].filter((run) => run !== clusterReported)];
    const quotas = everyRun.flatMap((run) => quotasOf(run.stack, run.resources))
        .concat(previewQuotas(root)); // the live preview environments, which have no stack file (plan/previews.ts)
    const capacity = cluster.nodeGroups ? checkCapacity(cluster, quotas) : null;
    const clusterReport = stacks.find((s) => s.project === "fintrax-cluster");
    if (capacity && cluster.network) {
        capacity.subnets = checkSubnetAddresses(addressInputsOf(cluster, everyRun));
        capacity.fits &&= capacity.subnets.every((subnet) => subnet.fits);
        for (const subnet of capacity.subnets.filter((s) => !s.fits)) {
            clusterReport?.warnings.push(`capacity: subnet ${subnet.subnet} (${subnet.cidr}) has ${subnet.available} ${subnet.unit} ` +
                `for ${subnet.needed} needed at the node groups' maximum: ${subnet.parts.join(" + ")}`);
        }
    }
    for (const pool of capacity?.pools.filter((p) => !p.fits) ?? []) {
        clusterReport?.warnings.push(
            `capacity: the namespace quotas of ${pool.namespaces.join(", ")} ask for more than ${pool.nodeGroups.join(" + ")} ` +
            `hold at their maximum size (headroom cpu ${pool.headroom.cpu}, memory ${pool.headroom.memory}, pods ${pool.headroom.pods})`);
    }
    return { stacks, capacity };
}
