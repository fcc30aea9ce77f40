import { expect } from "chai";
import { loadClusterSettings } from "../../config/cluster";
import { ConfigError } from "../../config/load";
import type { StackRun } from "../../plan/runtime";
import { withOverrides } from "../../plan/stackConfig";
import { CLUSTER_STACK_NAME, loadStackConfig, runStackFile, stackSpec } from "../../plan/stacks";

const spec = stackSpec(CLUSTER_STACK_NAME);

/** What the committed stack file names the cluster, and the label its monitoring node group carries. */
export const CLUSTER = "fintrax-eks-shared";
export const MONITORING_SELECTOR = { "workload-type": "monitoring" };
export const STACK_FILE = spec.file;

/** The committed stack file's flat config with `overrides` (key → value; undefined deletes) layered on. */
export function clusterConfig(overrides: Record<string, unknown> = {}): Record<string, string> {
    return withOverrides(loadStackConfig(spec), overrides).config;
}

/** Whether the committed stack file holds a key encrypted (`secure:`). */
export function isCommittedSecret(key: string): boolean {
    return loadStackConfig(spec).secretKeys.includes(key);
}

/**
 * The ConfigError the cluster settings give for the committed stack file with `overrides`; a key counts as a secret
 * where `isSecret` says so (by default: where the committed file encrypts it).
 */
export function clusterConfigRejection(overrides: Record<string, unknown>, isSecret: (key: string) => boolean = isCommittedSecret): ConfigError {
    try {
        loadClusterSettings(STACK_FILE, clusterConfig(overrides), isSecret);
    } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        return error as ConfigError;
    }
    throw new Error("the config was accepted");
}

/** Runs the cluster program on `cluster/Pulumi.shared.yaml` with `overrides` layered on. */
export async function planCluster(overrides: Record<string, unknown> = {}): Promise<StackRun> {
    return runStackFile(spec, withOverrides(loadStackConfig(spec), overrides));
}

export const TYPES = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    natGateway: "aws:ec2/natGateway:NatGateway",
    role: "aws:iam/role:Role",
    addon: "aws:eks/addon:Addon",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    nodeGroup: "eks:index:ManagedNodeGroup",
    cluster: "eks:index:Cluster",
    kmsKey: "aws:kms/key:Key",
    namespace: "kubernetes:core/v1:Namespace",
    networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
} as const;

let committed: Promise<StackRun> | undefined;

/** The plan of the committed cluster stack file, computed once per test run and shared by every test file. */
export function committedClusterPlan(): Promise<StackRun> {
    committed ??= planCluster();
    return committed;
}

/** The Helm releases (v3 Release or v4 Chart) a run plans: chart, version and values as the provider gets them. */
const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"];
export function helmReleases(run: StackRun): Array<{ name: string; chart: string; version: string; values: Record<string, unknown> }> {
    return run.resources.filter((r) => HELM_TYPES.includes(r.type)).map((r) => ({
        name: r.name,
        // A helm.v4.Chart names an OCI chart by its reference (oci://<registry>/<path>/<chart>): its last segment is the chart.
        chart: String(r.inputs.chart).replace(/^oci:\/\/.*\//, ""),
        version: String(r.inputs.version),
        values: r.inputs.values ?? {},
    }));
}

/** Runs the cluster program with `secrets` (key → value) set as `pulumi up` hands decrypted secret config to it. */
export async function planClusterWithSecrets(secrets: Record<string, string>): Promise<StackRun> {
    const stackConfig = withOverrides(loadStackConfig(spec), secrets);
    return runStackFile(spec, { ...stackConfig, secretKeys: [...stackConfig.secretKeys, ...Object.keys(secrets)] });
}
