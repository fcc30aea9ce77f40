import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { AnalyzedResource, PolicyViolation } from "../../plan/analyzer";
import { policyAnalyzer } from "../../plan/analyzer";
import { ROOT } from "../../plan/stacks";

/**
 * Resources as the offline plan hands them to the analyzer, and one compliant environment per stack to break
 * one thing at a time: a case that fires changes the good environment in one place; a quiet case keeps it
 * whole. They are judged by the pack itself, served by the real analyzer (plan/analyzer.ts).
 */

/** A resource to judge; `id` is the id a bridged AWS resource reports among its outputs. */
export type EvaluatedResource = AnalyzedResource & { id?: string };

export const STACKS = ["dev", "staging", "prod", "shared"] as const;
export type Stack = (typeof STACKS)[number];

export const CONFIG_DIR = path.resolve(__dirname, "../../policies/config");
export const configFileOf = (stack: string) => path.join(CONFIG_DIR, `${stack}.json`);
export const configOf = (stack: string) => JSON.parse(readFileSync(configFileOf(stack), "utf8"));

export interface ResourceOptions {
    protect?: boolean;
    provider?: EvaluatedResource;
    parent?: string;
    id?: string;
    propertyDependencies?: Record<string, string[]>;
}

export function resource(type: string, name: string, inputs: Record<string, any>, options: ResourceOptions = {}): EvaluatedResource {
    return {
        urn: `urn:pulumi:test::fintrax::${type}::${name}`,
        type,
        name,
        parent: options.parent ?? null,
        provider: options.provider?.urn ?? null,
        protect: options.protect ?? false,
        inputs,
        ...(options.id ? { id: options.id } : {}),
        ...(options.propertyDependencies ? { propertyDependencies: options.propertyDependencies } : {}),
    };
}

/** A Kubernetes object: the type token from apiVersion and kind, as @pulumi/kubernetes registers it. */
export function k8s(apiVersion: string, kind: string, object: Record<string, any>, options: ResourceOptions = {}): EvaluatedResource {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
    const name = object.metadata?.name ?? kind.toLowerCase();
    return resource(`kubernetes:${group}/${version}:${kind}`, `${kind.toLowerCase()}-${name}`, { apiVersion, kind, ...object }, options);
}

export const kubernetesProvider = (namespace?: string) =>
    resource("pulumi:providers:kubernetes", "cluster", { kubeconfig: "{}", ...(namespace ? { namespace } : {}) });

export const TAGS = { environment: "prod", team: "platform", "cost-center": "cc-1234" };
/** The SDK hands provider settings over as JSON text. */
export const awsProvider = (tags: Record<string, string> = TAGS) =>
    resource("pulumi:providers:aws", "aws", { region: "us-east-1", defaultTags: JSON.stringify({ tags }) });

export const RESTRICTED_CONTEXT = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
};

export function container(name: string, overrides: Record<string, any> = {}): Record<string, any> {
    return {
        name,
        image: `ghcr.io/fintrax/${name}:1.4.2`,
        ports: [{ name: "http", containerPort: 8080 }],
        resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "400m", memory: "512Mi" } },
        readinessProbe: { httpGet: { path: "/ready", port: "http" } },
        livenessProbe: { httpGet: { path: "/healthz", port: "http" } },
        securityContext: structuredClone(RESTRICTED_CONTEXT),
        ...overrides,
    };
}

/** A restricted pod spec: non-root and RuntimeDefault seccomp at pod level, no API token. */
export function podSpec(containers = [container("auth")]): Record<string, any> {
    return {
        automountServiceAccountToken: false,
        serviceAccountName: "auth",
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers,
        volumes: [{ name: "tmp", emptyDir: {} }],
    };
}

export const APP_LABELS = { "app.kubernetes.io/name": "auth" };

/** Each pod-bearing kind around the same pod spec, where `mutate` may change it. */
export function workload(kind: string, namespace = "fintrax-prod", mutate: (spec: Record<string, any>) => void = () => undefined): EvaluatedResource {
    const spec = podSpec();
    mutate(spec);
    const template = { metadata: { labels: APP_LABELS }, spec };
    const metadata = { name: "auth", namespace, labels: APP_LABELS };
    const selector = { matchLabels: APP_LABELS };
    switch (kind) {
        case "Pod": return k8s("v1", "Pod", { metadata: { ...metadata, ownerReferences: [{ kind: "ReplicaSet", name: "auth-1", controller: true }] }, spec });
        case "Job": return k8s("batch/v1", "Job", { metadata, spec: { template: { ...template, spec: { ...spec, restartPolicy: "Never" } } } });
        case "CronJob": return k8s("batch/v1", "CronJob", { metadata, spec: { schedule: "0 3 * * *", jobTemplate: { spec: { template: { ...template, spec: { ...spec, restartPolicy: "OnFailure" } } } } } });
        case "Deployment": return k8s("apps/v1", "Deployment", { metadata, spec: { replicas: 3, selector, template } });
        case "StatefulSet": return k8s("apps/v1", "StatefulSet", { metadata, spec: { replicas: 3, serviceName: "auth", selector, template } });
        default: return k8s("apps/v1", kind, { metadata, spec: { selector, template } });
    }
}
export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"];

const BUDGETS: Record<Stack, { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string }; pods: string }> = {
    dev: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: "10" },
    staging: { requests: { cpu: "3", memory: "6Gi" }, limits: { cpu: "6", memory: "12Gi" }, pods: "15" },
    prod: { requests: { cpu: "4", memory: "8Gi" }, limits: { cpu: "8", memory: "16Gi" }, pods: "20" },
    shared: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: "15" },
};

export function quota(namespace: string, hard: Record<string, unknown>, name = "quota"): EvaluatedResource {
    return k8s("v1", "ResourceQuota", { metadata: { name, namespace }, spec: { hard } });
}

export function budgetQuota(stack: Stack, namespace: string): EvaluatedResource {
    const { requests, limits, pods } = BUDGETS[stack];
    return quota(namespace, {
        "requests.cpu": requests.cpu, "requests.memory": requests.memory, "limits.cpu": limits.cpu, "limits.memory": limits.memory, pods,
    });
}

export function namespace(name: string, level = "restricted", options: ResourceOptions = { protect: true }): EvaluatedResource {
    return k8s("v1", "Namespace", { metadata: { name, labels: { "pod-security.kubernetes.io/enforce": level } } }, options);
}

export const limitRange = (ns: string) => k8s("v1", "LimitRange", {
    metadata: { name: "container-defaults", namespace: ns },
    spec: { limits: [{ type: "Container", defaultRequest: { cpu: "200m", memory: "256Mi" }, default: { cpu: "400m", memory: "512Mi" } }] },
});

export const networkPolicy = (ns: string, name: string, spec: Record<string, any>) => k8s("networking.k8s.io/v1", "NetworkPolicy", { metadata: { name, namespace: ns }, spec });
export const defaultDeny = (ns: string) => networkPolicy(ns, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

/** DNS to kube-system, HTTPS and PostgreSQL out, everything between the environment's own pods. */
export const allowlistedEgress = (ns: string) => networkPolicy(ns, "allow-egress", {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [
        { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
        { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }, { protocol: "TCP", port: 5432 }] },
        { to: [{ podSelector: {} }] },
    ],
});

export const autoscaler = (ns: string, minReplicas = 3) => k8s("autoscaling/v2", "HorizontalPodAutoscaler", {
    metadata: { name: "auth", namespace: ns },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "auth" }, minReplicas, maxReplicas: 5 },
});

export const disruptionBudget = (ns: string, budget: Record<string, unknown> = { maxUnavailable: 1 }, name = "auth") =>
    k8s("policy/v1", "PodDisruptionBudget", { metadata: { name, namespace: ns }, spec: { selector: { matchLabels: APP_LABELS }, ...budget } });

export function database(inputs: Record<string, unknown> = {}, options: ResourceOptions = { protect: true }): EvaluatedResource {
    return resource("aws:rds/instance:Instance", "orders-db", {
        engine: "postgres", instanceClass: "db.t3.medium", allocatedStorage: 100, storageEncrypted: true, publiclyAccessible: false,
        multiAz: true, deletionProtection: true, backupRetentionPeriod: 14, skipFinalSnapshot: false, finalSnapshotIdentifier: "orders-db-final",
        ...inputs,
    }, options);
}

/** Everything one compliant environment of `stack` creates, through explicit providers. */
export function goodEnvironment(stack: Stack): EvaluatedResource[] {
    const ns = stack === "shared" ? "monitoring" : `fintrax-${stack}`;
    const provider = kubernetesProvider();
    const aws = awsProvider();
    const kube = [
        namespace(ns), budgetQuota(stack, ns), limitRange(ns), defaultDeny(ns), allowlistedEgress(ns),
        workload("Deployment", ns), autoscaler(ns), disruptionBudget(ns),
        k8s("v1", "Service", { metadata: { name: "auth", namespace: ns }, spec: { type: "ClusterIP", selector: APP_LABELS, ports: [{ port: 80, targetPort: "http" }] } }),
        k8s("v1", "ServiceAccount", { metadata: { name: "auth", namespace: ns }, automountServiceAccountToken: false }),
    ].map((object) => ({ ...object, provider: provider.urn }));
    return [provider, aws, ...kube, { ...database(), provider: aws.urn }];
}

// --- Running the pack ----------------------------------------------------------------------------------------

const analyzer = () => policyAnalyzer(path.join(ROOT, "policies"));

/** What the engine sends for AnalyzeStack: a bridged AWS resource's outputs carry its id. */
function withOutputs(resource: EvaluatedResource): AnalyzedResource {
    const { id, ...rest } = resource;
    return id && resource.type.startsWith("aws:") ? { ...rest, outputs: { id, ...resource.inputs } } : rest;
}

export async function evaluate(stack: string, resources: EvaluatedResource[]): Promise<PolicyViolation[]> {
    const project = resources[0]?.urn.split("::")[1] ?? "fintrax";
    return (await analyzer()).judge(configFileOf(stack), resources.map(withOutputs), `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`);
}

export async function violationsOf(policy: string, stack: string, resources: EvaluatedResource[]): Promise<PolicyViolation[]> {
    return (await evaluate(stack, resources)).filter((violation) => violation.policy === policy);
}

/** The level the stack's config gives the policy; undefined where it is disabled. */
export async function configuredLevel(policy: string, stack: string): Promise<"advisory" | "mandatory" | undefined> {
    const level = (await analyzer()).resolveConfig(configFileOf(stack)).get(policy)?.enforcementLevel;
    return level === "disabled" || level === undefined ? undefined : level === "advisory" ? "advisory" : "mandatory";
}

/**
 * The policy reports at least one violation at the stack's configured level in every stack where it is
 * enabled, and none where it is disabled. Returns the violations of the first enabled stack's run.
 */
export async function expectFires(policy: string, resources: EvaluatedResource[], stacks: readonly string[] = STACKS, pattern?: RegExp): Promise<PolicyViolation[]> {
    let first: PolicyViolation[] | undefined;
    for (const stack of stacks) {
        const level = await configuredLevel(policy, stack);
        const found = await violationsOf(policy, stack, resources);
        if (!level) {
            expect(found, `${policy} is disabled in ${stack}`).to.deep.equal([]);
            continue;
        }
        expect(found, `${policy} fires in ${stack}`).to.have.length.greaterThan(0);
        expect(found.map((violation) => violation.enforcementLevel), `${policy}'s level in ${stack}`).to.satisfy((levels: string[]) => levels.every((l) => l === level));
        if (pattern) expect(found.map((violation) => violation.message).join("\n")).to.match(pattern);
        first ??= found;
    }
    return first ?? [];
}

export async function expectQuiet(policy: string, resources: EvaluatedResource[], stacks: readonly string[] = STACKS): Promise<void> {
    for (const stack of stacks) {
        expect((await violationsOf(policy, stack, resources)).map((violation) => violation.message), `${policy} in ${stack}`).to.deep.equal([]);
    }
}
