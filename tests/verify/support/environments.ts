import * as k8s from "@kubernetes/client-node";
import { kubernetesObjects, VERIFIED_STACKS, type KubeObject } from "../../../verify/planObjects";
import type { Tier } from "../../../model/tiers";
import { TIER_LABEL } from "../../../model/labels";
import { eventually, kubeConfig, planReport, toModel } from "../../../verify/session";

/** The environment stacks the suite checks (the cluster stack is applied too, for what they use). */
export const ENVIRONMENT_STACKS = VERIFIED_STACKS.filter((stack) => stack !== "shared");

/** An environment namespace of the plan and everything the plan puts in it. */
export interface PlannedNamespace {
    stack: string;
    name: string;
    tier: Tier;
    namespace: KubeObject;
    objects: KubeObject[];
}


/** Every namespace the environment stacks create, with its tier (the namespace's label). */
export function environmentNamespaces(): PlannedNamespace[] {
    return ENVIRONMENT_STACKS.flatMap((stack) => {
        const objects = kubernetesObjects(planReport(), stack);
        return objects.filter((o) => o.kind === "Namespace").map((namespace) => ({
            stack,
            name: namespace.metadata.name,
            tier: namespace.metadata.labels?.[TIER_LABEL] as Tier,
            namespace,
            objects: objects.filter((o) => o.metadata.namespace === namespace.metadata.name),
        }));
    });
}

export function ofKind(ns: PlannedNamespace, kind: string): KubeObject[] {
    return ns.objects.filter((o) => o.kind === kind);
}

/** A Deployment's pod template as a Pod of its own (a copy in the client's model: tests change it). */
export function podFromTemplate(deployment: KubeObject, name = `${deployment.metadata.name}-probe`): k8s.V1Pod {
    const template = (deployment.spec as { template: k8s.V1PodTemplateSpec }).template;
    return toModel<k8s.V1Pod>({ apiVersion: "v1", kind: "Pod", metadata: { ...template.metadata, name, namespace: deployment.metadata.namespace }, spec: template.spec });
}

/**
 * The pod as a controller creates it: the bare-pod admission policy (`fintrax-no-bare-pods`) refuses a pod
 * without a controlling owner in staging and production. For dry runs only: the owner does not exist, so the
 * garbage collector would delete a stored pod.
 */
export function asControllersPod(pod: k8s.V1Pod): k8s.V1Pod {
    const owner = { apiVersion: "apps/v1", kind: "ReplicaSet", name: `${pod.metadata?.name ?? "probe"}-owner`, uid: "00000000-0000-4000-8000-000000000001", controller: true };
    return { ...pod, metadata: { ...pod.metadata, ownerReferences: [owner] } };
}

export function core(user?: string): k8s.CoreV1Api {
    return kubeConfig(user).makeApiClient(k8s.CoreV1Api);
}

/** The API server's refusal as status code and message, or undefined when it admitted the request. */
export async function refusal(request: Promise<unknown>): Promise<{ code: number; message: string } | undefined> {
    try {
        await request;
        return undefined;
    } catch (error) {
        const e = error as { code?: number; body?: unknown };
        const body = typeof e.body === "string" ? JSON.parse(e.body) as { message?: string } : e.body as { message?: string } | undefined;
        return { code: e.code ?? 0, message: body?.message ?? String(error) };
    }
}

/**
 * A fresh namespace with an environment namespace's labels (its Pod Security levels), quota, limit range and
 * service accounts, for tests that fill a quota or delete what they made without touching the environment.
 * `dropLabels` leaves labels out, for example the tier label the admission policies' bindings select by.
 */
export async function cloneNamespace(source: PlannedNamespace, name: string, kinds = ["ResourceQuota", "LimitRange", "ServiceAccount"], dropLabels: string[] = []): Promise<void> {
    const api = core();
    const labels = Object.fromEntries(Object.entries(source.namespace.metadata.labels ?? {}).filter(([key]) => !dropLabels.includes(key)));
    await api.createNamespace({ body: { metadata: { name, labels } } });
    const objects = source.objects.filter((o) => kinds.includes(o.kind));
    const generic = k8s.KubernetesObjectApi.makeApiClient(kubeConfig());
    for (const object of objects) await generic.create(toModel({ ...object, metadata: { ...object.metadata, namespace: name } }));
    if (objects.some((o) => o.kind === "ResourceQuota")) {
        // Quota admission refuses pods until the quota controller has computed the quota's status.
        await eventually(`the quota in ${name} computed`, async () => {
            const list = await api.listNamespacedResourceQuota({ namespace: name });
            return list.items.every((q) => q.status?.hard !== undefined && q.status?.used !== undefined);
        });
    }
}

export async function deleteNamespace(name: string): Promise<void> {
    await core().deleteNamespace({ name }).catch(() => undefined);
}
