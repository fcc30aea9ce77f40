import * as k8s from "@kubernetes/client-node";
import { publishedCrds } from "../../../verify/crds";
import { kubernetesObjects, VERIFIED_STACKS, type KubeObject } from "../../../verify/planObjects";
import { eventually, kubeConfig, planReport, serverSideApply, session } from "../../../verify/session";
import { accessPolicyBindings } from "./eksAccessPolicies";

export interface ApplyResult {
    stack: string;
    object: KubeObject;
    /** The API server's refusal, if it refused. */
    error?: string;
}

export interface AppliedPlan {
    crds: ApplyResult[];
    objects: ApplyResult[];
    accessPolicies: ApplyResult[];
}

function errorText(error: unknown): string {
    const e = error as { code?: number; body?: unknown; message?: string };
    const body = typeof e.body === "string" ? e.body : JSON.stringify(e.body);
    return `${e.code ?? ""} ${body ?? e.message ?? String(error)}`.trim();
}

async function applyAll(stack: string, objects: KubeObject[]): Promise<ApplyResult[]> {
    const results: ApplyResult[] = [];
    for (const object of objects) {
        try {
            await serverSideApply(object);
            results.push({ stack, object });
        } catch (error) {
            results.push({ stack, object, error: errorText(error) });
        }
    }
    return results;
}

/** Namespaces before what lives in them; the plan's own order otherwise (it is the programs' registration order). */
function inApplyOrder(objects: KubeObject[]): KubeObject[] {
    return [...objects.filter((o) => o.kind === "Namespace"), ...objects.filter((o) => o.kind !== "Namespace")];
}

async function established(crd: KubeObject): Promise<void> {
    const api = kubeConfig().makeApiClient(k8s.ApiextensionsV1Api);
    await eventually(`CRD ${crd.metadata.name} established`, async () => {
        const read = await api.readCustomResourceDefinition({ name: crd.metadata.name });
        return Boolean(read.status?.conditions?.some((c) => c.type === "Established" && c.status === "True"));
    });
}

async function applyPlan(): Promise<AppliedPlan> {
    const crdObjects = publishedCrds();
    const crds = await applyAll("crds", crdObjects);
    for (const crd of crds.filter((r) => !r.error)) await established(crd.object);
    const objects: ApplyResult[] = [];
    for (const stack of VERIFIED_STACKS) objects.push(...await applyAll(stack, inApplyOrder(kubernetesObjects(planReport(), stack))));
    const accessPolicies = await applyAll("eks-access-policies", accessPolicyBindings(session().identities));
    return { crds, objects, accessPolicies };
}

let applied: Promise<AppliedPlan> | undefined;
/** The CRDs, every planned object of every verified stack, and the access-policy emulation, applied once per run. */
export function appliedPlan(): Promise<AppliedPlan> {
    applied ??= applyPlan();
    return applied;
}
