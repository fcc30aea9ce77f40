import { PlannedResource, UNKNOWN } from "./runtime";

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
function modelModule(type: string): string | undefined {
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

/** What kubernetes-models throws: ajv's errors. */
interface SchemaError { errors: Array<{ instancePath: string; keyword: string; message?: string }> }

function valueAt(object: unknown, pointer: string): unknown {
    return pointer.split("/").slice(1).reduce<any>((value, key) => value?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], object);
}

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    return value !== null && typeof value === "object" && Object.values(value).some(containsUnknown);
}

/**
 * The schema problems a value known only at `up` cannot be blamed for (a first preview has unknowns: a generated
 * password, a role's ARN): an error at an unknown value, or a composite (anyOf, oneOf) one over a part holding one.
 */
function knownProblems(error: SchemaError, object: unknown): string | undefined {
    const remaining = error.errors.filter((e) => {
        const value = valueAt(object, e.instancePath);
        return !(value === UNKNOWN || (["anyOf", "oneOf", "allOf", "not", "if"].includes(e.keyword) && containsUnknown(value)));
    });
    // As ajv's errorsText() words them (the error's own message), each once.
    return remaining.length ? [...new Set(remaining.map((e) => `data${e.instancePath} ${e.message}`))].join(", ") : undefined;
}

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
            const schemaError = error as Partial<SchemaError>;
            const message = Array.isArray(schemaError.errors) ? knownProblems(schemaError as SchemaError, resource.inputs) : (error as Error).message;
            if (message) problems.push({ urn: resource.urn, message });
        }
    }
    return problems;
}
