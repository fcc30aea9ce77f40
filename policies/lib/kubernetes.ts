import type { ResourceValidationArgs, ResourceView } from "./types";
import { notApplicable } from "./policy";

/**
 * Reading Kubernetes objects as the engine shows them to a policy: the type token names the kind
 * (`kubernetes:apps/v1:Deployment`) and the props are the object itself (apiVersion, kind, metadata, spec).
 */

export interface KubernetesType {
    group: string;
    version: string;
    kind: string;
}

const KUBERNETES_TYPE = /^kubernetes:([^/:]+)\/([^:]+):([A-Za-z0-9]+)$/;

/** `kubernetes:apps/v1:Deployment` → { group: "apps", version: "v1", kind: "Deployment" }; other types → undefined. */
export function kubernetesType(type: string): KubernetesType | undefined {
    const match = KUBERNETES_TYPE.exec(type);
    return match ? { group: match[1], version: match[2], kind: match[3] } : undefined;
}

/** The object's kind when `type` is one of `kinds` in one of `groups` (any version), else undefined. */
export function kindIn(type: string, kinds: readonly string[], groups?: readonly string[]): string | undefined {
    const parsed = kubernetesType(type);
    if (!parsed || !kinds.includes(parsed.kind)) return undefined;
    return !groups || groups.includes(parsed.group) ? parsed.kind : undefined;
}

/** The value at a path of keys (`["spec", "template"]`), or undefined where the path breaks off. */
export function valueAt(object: unknown, keys: readonly string[]): any {
    return keys.reduce((value: any, key) => value?.[key], object);
}

export interface Metadata {
    name?: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
}

export function metadataOf(object: any): Metadata {
    const metadata = object?.metadata ?? {};
    return {
        name: typeof metadata.name === "string" ? metadata.name : undefined,
        namespace: typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : undefined,
        labels: metadata.labels ?? {},
        annotations: metadata.annotations ?? {},
    };
}

/** Helm releases and charts name their target namespace in a `namespace` input, not in metadata. */
const HELM_TYPES = ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v4:Chart"];

/** True for what puts objects into a namespace: a namespaced object, or a Helm release or chart. */
export function isNamespaced(type: string): boolean {
    return HELM_TYPES.includes(type) || isNamespacedObject(type);
}

/**
 * Where a namespaced object lands: its own namespace, else the namespace its Kubernetes provider was given,
 * else `default` (what a kubeconfig context without a namespace means).
 */
export function effectiveNamespace(resource: Pick<ResourceView, "type" | "props" | "provider">): string {
    const own = HELM_TYPES.includes(resource.type) ? resource.props.namespace : metadataOf(resource.props).namespace;
    if (typeof own === "string" && own !== "") return own;
    const providerNamespace = resource.provider?.props?.namespace;
    return typeof providerNamespace === "string" && providerNamespace !== "" ? providerNamespace : "default";
}

/** `Deployment fintrax-prod/frontend`, for messages; an auto-named object is shown by its Pulumi name. */
export function describeObject(resource: Pick<ResourceView, "type" | "name" | "props">): string {
    const kind = kubernetesType(resource.type)?.kind ?? resource.type;
    const { name, namespace } = metadataOf(resource.props);
    return `${kind} ${namespace ? `${namespace}/` : ""}${name ?? `${resource.name} (auto-named)`}`;
}

/**
 * Kinds that live outside any namespace. Custom resources are judged by the convention every common
 * operator follows (`ClusterIssuer`, `ClusterPolicy`, `ClusterSecretStore`…): a kind starting with `Cluster`
 * is cluster-scoped.
 */
const CLUSTER_SCOPED_KINDS = new Set([
    "Namespace", "Node", "PersistentVolume", "StorageClass", "VolumeAttachment", "CSIDriver", "CSINode",
    "VolumeAttributesClass", "PriorityClass", "RuntimeClass", "IngressClass", "GatewayClass", "CustomResourceDefinition",
    "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
    "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration", "ComponentStatus", "IPAddress",
    "ServiceCIDR", "DeviceClass", "ResourceSlice", "StorageVersion", "StorageVersionMigration",
    "TokenReview", "SelfSubjectReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview",
]);

/** Pulumi groups whose types are not one Kubernetes object but a set of them (their children are judged). */
const NOT_OBJECT_GROUPS = ["helm.sh", "yaml", "kustomize"];

/** True for a type whose props are one namespaced object; a `…Patch` counts as the kind it patches. */
function isNamespacedObject(type: string): boolean {
    const parsed = kubernetesType(type);
    if (!parsed || NOT_OBJECT_GROUPS.includes(parsed.group) || parsed.kind.endsWith("List")) return false;
    const kind = parsed.kind.replace(/Patch$/, "");
    return !CLUSTER_SCOPED_KINDS.has(kind) && !kind.startsWith("Cluster");
}

// --- Pod-bearing objects -----------------------------------------------------------------------------------

/** Where each pod-bearing kind keeps its pod template (`{ metadata, spec }`); a Pod is its own template. */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
    Pod: [],
    Deployment: ["spec", "template"],
    StatefulSet: ["spec", "template"],
    DaemonSet: ["spec", "template"],
    ReplicaSet: ["spec", "template"],
    ReplicationController: ["spec", "template"],
    Job: ["spec", "template"],
    CronJob: ["spec", "jobTemplate", "spec", "template"],
};
const POD_BEARING_KINDS = Object.keys(POD_TEMPLATE_PATHS);
const WORKLOAD_GROUPS = ["core", "apps", "extensions", "batch"];

export type ContainerSection = "containers" | "initContainers" | "ephemeralContainers";

export interface ContainerRef {
    container: any;
    section: ContainerSection;
    /** `container "api"`, `init container "migrate"`, for messages. */
    label: string;
}

export interface PodTemplate {
    kind: string;
    /** `Deployment fintrax-prod/frontend` */
    subject: string;
    metadata: Metadata;
    /** The pod template's own metadata (a Pod's is its metadata). */
    podMetadata: Metadata;
    podSpec: any;
    containers: ContainerRef[];
}

const SECTION_LABELS: Record<ContainerSection, string> = {
    containers: "container",
    initContainers: "init container",
    ephemeralContainers: "ephemeral container",
};

/** Every container of a pod spec, init and ephemeral containers included, in the order the pod lists them. */
function containersOf(podSpec: any): ContainerRef[] {
    return (Object.keys(SECTION_LABELS) as ContainerSection[]).flatMap((section) =>
        ((podSpec?.[section] ?? []) as any[]).map((container) => ({
            container,
            section,
            label: `${SECTION_LABELS[section]} ${JSON.stringify(container?.name ?? "(unnamed)")}`,
        })));
}

/** The pod template of a pod-bearing object (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod…). */
function podTemplateOf(resource: Pick<ResourceView, "type" | "name" | "props">): PodTemplate | undefined {
    const kind = kindIn(resource.type, POD_BEARING_KINDS, WORKLOAD_GROUPS);
    if (!kind) return undefined;
    const template = valueAt(resource.props, POD_TEMPLATE_PATHS[kind]);
    const podSpec = template?.spec ?? {};
    return {
        kind,
        subject: describeObject(resource),
        metadata: metadataOf(resource.props),
        podMetadata: metadataOf(template),
        podSpec,
        containers: containersOf(podSpec),
    };
}

/** The pod template of the resource a policy judges; any other resource is not applicable. */
export function requirePodTemplate(args: ResourceValidationArgs): PodTemplate {
    return podTemplateOf(args) ?? notApplicable(args, "not a pod-bearing Kubernetes object");
}
