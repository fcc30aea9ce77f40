/**
 * Objects a user might submit to an environment namespace, each meant for one admission policy (the
 * ValidatingAdmissionPolicy's metadata.name), and whether the API server admits it there. Each object is
 * valid and compliant but for the one thing its name says; the unit tests judge them with @bufbuild/cel and
 * the pack's logic, the real-server suite (`npm run verify:cluster`) with a real kube-apiserver.
 *
 * What refuses an object: a policy's binding in a tier that denies (staging and production; production's
 * registry rule only in production, elsewhere it warns), and, for LoadBalancer and NodePort Services, every
 * environment's quota (`services.loadbalancers` and `services.nodeports` are 0). Pods refused by Pod
 * Security admission's baseline level are left out: development enforces only baseline, so the verdict would
 * not be the policy's.
 */

import { TIERS, type Tier } from "../../model/tiers";

const NAMESPACES: Record<Tier, string> = { development: "fintrax-dev", staging: "fintrax-staging", production: "fintrax-prod" };
const IMAGE = "ghcr.io/fintrax/probe:1.0.0";
const DIGEST = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

const CONTAINER = {
    name: "app",
    image: IMAGE,
    ports: [{ containerPort: 8080 }],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
};

type Change = (spec: any) => void;

/** A compliant pod spec with one change applied. */
function podSpec(change: Change = () => undefined): any {
    const spec = {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers: [structuredClone(CONTAINER)],
    };
    change(spec);
    return spec;
}

const labelsOf = (name: string) => ({ "app.kubernetes.io/name": name });

const kinds = {
    Deployment: (name: string, namespace: string, spec: any, templateLabels: Record<string, string> = {}) => ({
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace, labels: labelsOf(name) },
        spec: {
            replicas: 1, selector: { matchLabels: labelsOf(name) },
            template: { metadata: { labels: { ...labelsOf(name), ...templateLabels } }, spec },
        },
    }),
    Job: (name: string, namespace: string, spec: any) => ({
        apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace, labels: labelsOf(name) },
        spec: { backoffLimit: 0, template: { metadata: { labels: labelsOf(name) }, spec: { ...spec, restartPolicy: "Never" } } },
    }),
    CronJob: (name: string, namespace: string, spec: any) => ({
        apiVersion: "batch/v1", kind: "CronJob", metadata: { name, namespace, labels: labelsOf(name) },
        spec: {
            schedule: "0 3 * * *",
            jobTemplate: { spec: { template: { metadata: { labels: labelsOf(name) }, spec: { ...spec, restartPolicy: "OnFailure" } } } },
        },
    }),
    /** A pod as its ReplicaSet creates it; `owner: null` makes it bare. */
    Pod: (name: string, namespace: string, spec: any, owner: { controller: boolean } | null = { controller: true }) => ({
        apiVersion: "v1", kind: "Pod",
        metadata: {
            name, namespace, labels: labelsOf(name),
            ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `${name}-rs`, uid: "5f0c6b5e-2c1a-4f57-9b8e-3d2a1c0e9f41", ...owner }] } : {}),
        },
        spec,
    }),
};

type Build = (namespace: string) => object;

interface Case {
    policy: string;
    valid: boolean;
    build: Build;
    /** Where the case makes sense: another policy would refuse it in the tiers left out. */
    tiers?: Tier[];
}

const deployment = (name: string, change?: Change): Build => (ns) => kinds.Deployment(name, ns, podSpec(change));
const withImage = (image: string): Change => (spec) => { spec.containers[0].image = image; };
const security = (patch: object): Change => (spec) => { Object.assign(spec.containers[0].securityContext, patch); };
const service = (name: string, spec: object): Build => (namespace) => ({
    apiVersion: "v1", kind: "Service", metadata: { name, namespace, labels: labelsOf(name) },
    spec: { selector: labelsOf(name), ports: [{ name: "http", port: 80, targetPort: 8080 }], ...spec },
});
const serviceAccount = (name: string, fields: object, labels: Record<string, string> = {}): Build => (namespace) => ({
    apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace, labels: { ...labelsOf(name), ...labels } }, ...fields,
});
/** An HTTPRoute to a Service of the namespace, attached to `parentRefs`. */
const route = (name: string, parentRefs: object[] | undefined): Build => (namespace) => ({
    apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name, namespace, labels: labelsOf(name) },
    spec: {
        ...(parentRefs ? { parentRefs } : {}),
        rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "frontend", port: 80 }] }],
    },
});
const SHARED_GATEWAY = { group: "gateway.networking.k8s.io", kind: "Gateway", name: "fintrax", namespace: "envoy-gateway-system" };
const NOT_PRODUCTION: Tier[] = ["development", "staging"];

const CASES: Case[] = [
    // fintrax-image-pinned
    { policy: "fintrax-image-pinned", valid: true, build: deployment("tagged") },
    { policy: "fintrax-image-pinned", valid: true, build: deployment("digest", withImage(`ghcr.io/fintrax/probe@${DIGEST}`)) },
    { policy: "fintrax-image-pinned", valid: true, build: deployment("tag-and-digest", withImage(`ghcr.io/fintrax/probe:1.0.0@${DIGEST}`)) },
    { policy: "fintrax-image-pinned", valid: true, build: deployment("registry-port", withImage("registry.fintrax.io:5000/probe:1.0.0")), tiers: NOT_PRODUCTION },
    { policy: "fintrax-image-pinned", valid: false, build: deployment("untagged", withImage("ghcr.io/fintrax/probe")) },
    { policy: "fintrax-image-pinned", valid: false, build: deployment("latest", withImage("ghcr.io/fintrax/probe:latest")) },
    { policy: "fintrax-image-pinned", valid: false, build: deployment("port-no-tag", withImage("registry.fintrax.io:5000/probe")), tiers: NOT_PRODUCTION },
    { policy: "fintrax-image-pinned", valid: false, build: deployment("short-digest", withImage("ghcr.io/fintrax/probe@sha256:abc123")) },
    {
        policy: "fintrax-image-pinned", valid: false,
        build: deployment("init-untagged", (spec) => { spec.initContainers = [{ ...structuredClone(CONTAINER), name: "migrate", image: "ghcr.io/fintrax/migrate" }]; }),
    },
    { policy: "fintrax-image-pinned", valid: false, build: (ns) => kinds.CronJob("cron-latest", ns, podSpec(withImage("ghcr.io/fintrax/probe:latest"))) },
    { policy: "fintrax-image-pinned", valid: false, build: (ns) => kinds.Pod("pod-latest", ns, podSpec(withImage("ghcr.io/fintrax/probe:latest"))) },
    // fintrax-image-registry
    { policy: "fintrax-image-registry", valid: true, build: deployment("fintrax-registry") },
    { policy: "fintrax-image-registry", valid: false, build: deployment("docker-hub", withImage("docker.io/library/nginx:1.27.3")) },
    { policy: "fintrax-image-registry", valid: false, build: deployment("short-name", withImage("nginx:1.27.3")) },
    { policy: "fintrax-image-registry", valid: false, build: deployment("lookalike-org", withImage("ghcr.io/fintrax-tools/probe:1.0.0")) },
    {
        policy: "fintrax-image-registry", valid: false,
        build: (ns) => kinds.Job("job-elsewhere", ns, podSpec(withImage("quay.io/fintrax/probe:1.0.0"))),
    },
    // fintrax-service-exposure
    { policy: "fintrax-service-exposure", valid: true, build: service("cluster-ip", { type: "ClusterIP" }) },
    { policy: "fintrax-service-exposure", valid: true, build: service("headless", { clusterIP: "None" }) },
    { policy: "fintrax-service-exposure", valid: false, build: service("load-balancer", { type: "LoadBalancer" }) },
    { policy: "fintrax-service-exposure", valid: false, build: service("node-port", { type: "NodePort" }) },
    { policy: "fintrax-service-exposure", valid: false, build: service("external-ips", { externalIPs: ["203.0.113.10"] }) },
    // fintrax-route-attachment
    { policy: "fintrax-route-attachment", valid: true, build: route("on-shared-gateway", [{ ...SHARED_GATEWAY, sectionName: "https-wildcard" }]) },
    { policy: "fintrax-route-attachment", valid: true, build: route("short-ref", [{ name: "fintrax", namespace: "envoy-gateway-system" }]) },
    { policy: "fintrax-route-attachment", valid: false, build: route("no-parent", undefined) },
    { policy: "fintrax-route-attachment", valid: false, build: route("own-gateway", [{ ...SHARED_GATEWAY, name: "mine" }]) },
    { policy: "fintrax-route-attachment", valid: false, build: route("same-namespace", [{ name: "fintrax" }]) },
    { policy: "fintrax-route-attachment", valid: false, build: route("service-parent", [{ group: "", kind: "Service", name: "frontend" }]) },
    // fintrax-no-bare-pods
    { policy: "fintrax-no-bare-pods", valid: true, build: (ns) => kinds.Pod("owned", ns, podSpec()) },
    { policy: "fintrax-no-bare-pods", valid: false, build: (ns) => kinds.Pod("bare", ns, podSpec(), null) },
    { policy: "fintrax-no-bare-pods", valid: false, build: (ns) => kinds.Pod("not-controlled", ns, podSpec(), { controller: false }) },
    // fintrax-sa-token-automount
    { policy: "fintrax-sa-token-automount", valid: true, build: serviceAccount("no-token", { automountServiceAccountToken: false }) },
    { policy: "fintrax-sa-token-automount", valid: true, build: serviceAccount("needs-token", {}, { "fintrax.io/needs-api-token": "true" }) },
    { policy: "fintrax-sa-token-automount", valid: false, build: serviceAccount("token-by-default", {}) },
    { policy: "fintrax-sa-token-automount", valid: false, build: serviceAccount("token-on", { automountServiceAccountToken: true }) },
    { policy: "fintrax-sa-token-automount", valid: true, build: deployment("no-pod-token") },
    {
        policy: "fintrax-sa-token-automount", valid: true,
        build: (ns) => kinds.Deployment("operator", ns, podSpec((spec) => { delete spec.automountServiceAccountToken; }), { "fintrax.io/needs-api-token": "true" }),
    },
    { policy: "fintrax-sa-token-automount", valid: false, build: deployment("pod-token", (spec) => { delete spec.automountServiceAccountToken; }) },
    { policy: "fintrax-sa-token-automount", valid: false, build: (ns) => kinds.Pod("pod-with-token", ns, podSpec((spec) => { spec.automountServiceAccountToken = true; })) },
    // fintrax-container-resources (a Pod gets the LimitRange's defaults first, so only workloads can lack them)
    { policy: "fintrax-container-resources", valid: true, build: deployment("sized") },
    { policy: "fintrax-container-resources", valid: true, build: (ns) => kinds.Pod("pod-defaulted", ns, podSpec((spec) => { delete spec.containers[0].resources; })) },
    { policy: "fintrax-container-resources", valid: false, build: deployment("unsized", (spec) => { delete spec.containers[0].resources; }) },
    { policy: "fintrax-container-resources", valid: false, build: deployment("no-memory-limit", (spec) => { delete spec.containers[0].resources.limits; }) },
    {
        policy: "fintrax-container-resources", valid: false,
        build: deployment("init-unsized", (spec) => { spec.initContainers = [{ ...structuredClone(CONTAINER), name: "migrate", resources: { limits: { memory: "64Mi" } } }]; }),
    },
    { policy: "fintrax-container-resources", valid: false, build: (ns) => kinds.CronJob("cron-unsized", ns, podSpec((spec) => { delete spec.containers[0].resources; })) },
    // fintrax-pod-security
    { policy: "fintrax-pod-security", valid: true, build: deployment("restricted") },
    { policy: "fintrax-pod-security", valid: true, build: deployment("bind-low-port", security({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } })) },
    { policy: "fintrax-pod-security", valid: true, build: deployment("pod-level-only", (spec) => { delete spec.containers[0].securityContext.runAsNonRoot; delete spec.containers[0].securityContext.seccompProfile; }) },
    { policy: "fintrax-pod-security", valid: true, build: deployment("secret-volume", (spec) => { spec.volumes = [{ name: "config", secret: { secretName: "probe-config" } }]; }) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("privileged", security({ privileged: true, allowPrivilegeEscalation: true })) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("escalation", (spec) => { delete spec.containers[0].securityContext.allowPrivilegeEscalation; }) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("root-allowed", (spec) => { spec.securityContext.runAsNonRoot = false; delete spec.containers[0].securityContext.runAsNonRoot; }) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("uid-zero", security({ runAsUser: 0 })) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("unconfined", security({ seccompProfile: { type: "Unconfined" } })) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("keeps-capabilities", security({ capabilities: { drop: ["NET_RAW"] } })) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("net-admin", security({ capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } })) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("host-network", (spec) => { spec.hostNetwork = true; }) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("host-path", (spec) => { spec.volumes = [{ name: "node", hostPath: { path: "/var/run" } }]; }) },
    { policy: "fintrax-pod-security", valid: false, build: deployment("host-port", (spec) => { spec.containers[0].ports[0].hostPort = 8080; }) },
    { policy: "fintrax-pod-security", valid: false, build: (ns) => kinds.Job("job-escalation", ns, podSpec((spec) => { delete spec.containers[0].securityContext.allowPrivilegeEscalation; })) },
    // Restricted but not baseline: Pod Security admission refuses it only where it enforces restricted.
    { policy: "fintrax-pod-security", valid: false, build: (ns) => kinds.Pod("pod-escalation", ns, podSpec((spec) => { delete spec.containers[0].securityContext.allowPrivilegeEscalation; })) },
];

/** Where a policy's failure refuses the object; elsewhere its binding warns and audits. */
export const REFUSING_TIERS: Record<string, Tier[]> = Object.fromEntries([...new Set(CASES.map((c) => c.policy))].map((policy) =>
    [policy, policy === "fintrax-image-registry" ? ["production"] : ["staging", "production"]]));

/** Every environment quota admits no LoadBalancer and no NodePort Service, whatever the policies say. */
function refusedByQuota(object: any): boolean {
    return object.kind === "Service" && ["LoadBalancer", "NodePort"].includes(object.spec?.type);
}

export type AdmissionProbe = { policy: string; tier: Tier; object: object; admitted: boolean };

/** The probes with what the unit tests also need: whether the object keeps its policy's rule. */
export const JUDGED_ADMISSION_PROBES: Array<AdmissionProbe & { valid: boolean }> = CASES.flatMap((c) =>
    (c.tiers ?? [...TIERS]).map((tier) => {
        const object = c.build(NAMESPACES[tier]);
        const refused = (!c.valid && REFUSING_TIERS[c.policy].includes(tier)) || refusedByQuota(object);
        return { policy: c.policy, tier, object, admitted: !refused, valid: c.valid };
    }));

export const ADMISSION_PROBES: AdmissionProbe[] =
    JUDGED_ADMISSION_PROBES.map(({ policy, tier, object, admitted }) => ({ policy, tier, object, admitted }));
