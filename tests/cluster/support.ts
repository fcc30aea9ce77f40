import { runStack, PlannedResource, StackRun } from "../../plan/runtime";
import { readStackConfig } from "../../plan/stackConfig";
import { setStackFileName } from "../../config/load";
import clusterProgram = require("../../cluster/index");

export const STACK_FILE = "cluster/Pulumi.shared.yaml";

/** The committed stack file's flat config with `overrides` (key → value, structured as JSON, undefined deletes) layered on. */
export function clusterConfig(overrides: Record<string, unknown> = {}): Record<string, string> {
    const { config } = readStackConfig(STACK_FILE);
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete config[key];
        else config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}

/** Runs the cluster program on `cluster/Pulumi.shared.yaml` with `overrides` layered on. */
export async function planCluster(overrides: Record<string, unknown> = {}): Promise<StackRun> {
    const { secretKeys } = readStackConfig(STACK_FILE);
    const config = clusterConfig(overrides);
    setStackFileName(STACK_FILE);
    try {
        return await runStack({ project: "fintrax-cluster", stack: "shared", config, secretKeys, program: clusterProgram });
    } finally {
        setStackFileName(undefined);
    }
}

export function ofType(run: StackRun, type: string): PlannedResource[] {
    return run.resources.filter((r) => r.type === type);
}

export function one(run: StackRun, type: string, name: string): PlannedResource {
    const found = run.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name} among ${ofType(run, type).map((r) => r.name).join(", ")}`);
    return found;
}

export function release(run: StackRun, releaseName: string): PlannedResource {
    const found = ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === releaseName);
    if (!found) throw new Error(`no Helm release ${releaseName}`);
    return found;
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
