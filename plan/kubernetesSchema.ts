import type { PlannedResource } from "./runtime";

/**
 * Validates planned Kubernetes objects against the real OpenAPI schemas shipped by `kubernetes-models`
 * (and its CRD packages for prometheus-operator, cert-manager and the Gateway API), the checks the API server would make
 * on `pulumi up` that a mock run cannot.
 */

const CRD_PACKAGES: Record<string, string> = {
    "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
    "cert-manager.io": "@kubernetes-models/cert-manager",
    "acme.cert-manager.io": "@kubernetes-models/cert-manager",
    "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
};

/** `kubernetes:apps/v1:Deployment` → the module that models it, or undefined for kinds with no model. */
export function modelModule(type: string): string | undefined {
    const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(type);
    if (!match) return undefined;
    const [, group, version, kind] = match;
    if (group === "helm.sh" || kind.endsWith("Patch") || kind.endsWith("List")) return undefined;
    if (group === "core") return `kubernetes-models/${version}/${kind}`;
    return CRD_PACKAGES[group] ? `${CRD_PACKAGES[group]}/${group}/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

export interface SchemaProblem {
    urn: string;
    message: string;
}

type Model = new (data: unknown) => { validate(): void };

/**
 * Every schema problem of the planned Kubernetes objects; kinds without a model are reported as such.
 * The model packages are ES modules only, hence the dynamic import.
 */
export async function validateKubernetesObjects(resources: PlannedResource[]): Promise<SchemaProblem[]> {
    const problems: SchemaProblem[] = [];
    for (const resource of resources) {
        if (!resource.custom || !resource.type.startsWith("kubernetes:")) continue;
        const module = modelModule(resource.type);
        if (!module) continue;
        let Model: Model;
        try {
            const exported = (await import(module)) as Record<string, Model>;
            Model = exported[resource.type.split(":")[2]];
        } catch {
            problems.push({ urn: resource.urn, message: `no schema model for ${resource.type} (${module})` });
            continue;
        }
        try {
            new Model(resource.inputs).validate();
        } catch (error) {
            problems.push({ urn: resource.urn, message: (error as Error).message });
        }
    }
    return problems;
}
