import { isCelError, run } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import type { validatingAdmissionPolicy } from "../../../policies/admission/objects";

/**
 * A ValidatingAdmissionPolicy judged the way the API server judges it, with @bufbuild/cel for the CEL:
 * resource rules, then match conditions (all must hold), then variables (in order, each seeing the ones
 * before), then every validation. An expression that fails to evaluate counts as a refusal, as
 * `failurePolicy: Fail` makes it.
 */

type Policy = ReturnType<typeof validatingAdmissionPolicy>;

/** JSON as CEL sees a Kubernetes object: objects as maps, whole numbers as int. */
export function toCel(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(toCel);
    if (value !== null && typeof value === "object") return new Map(Object.entries(value).map(([key, item]) => [key, toCel(item)]));
    return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : value;
}

/** The resource a kind is served as (`Deployment` → `deployments`), and its API group. */
function resourceOf(object: any): { group: string; resource: string } {
    const apiVersion = String(object.apiVersion);
    return { group: apiVersion.includes("/") ? apiVersion.split("/")[0] : "", resource: `${String(object.kind).toLowerCase()}s` };
}

export interface Verdict {
    /** False when the policy's resource rules or match conditions leave the request alone. */
    matched: boolean;
    /** The messages of the validations that failed (or could not be evaluated). */
    failures: string[];
}

function evaluate(expression: string, bindings: Record<string, unknown>): unknown {
    const result = run(expression, bindings as any, { funcs: strings });
    if (isCelError(result)) throw new Error(`${expression}: ${result.message}`);
    return result;
}

/** What else the API server binds: the request's user, the old object (updates, deletes), the namespace. */
export interface RequestContext {
    request?: Record<string, unknown>;
    oldObject?: unknown;
    namespaceObject?: unknown;
}

export function judge(policy: Policy, object: any, operation: "CREATE" | "UPDATE" | "DELETE" = "CREATE", context: RequestContext = {}): Verdict {
    const { group, resource } = resourceOf(object ?? context.oldObject);
    const matched = policy.spec.matchConstraints.resourceRules.some((rule) =>
        rule.apiGroups.includes(group) && rule.resources.includes(resource) && (rule.operations as string[]).includes(operation));
    const variables = new Map<string, unknown>();
    const bindings = {
        object: toCel(object), oldObject: toCel(context.oldObject ?? null), namespaceObject: toCel(context.namespaceObject ?? null),
        request: toCel({ operation, ...context.request }), variables,
    };
    const holds = (expression: string) => {
        try {
            return evaluate(expression, bindings) === true;
        } catch {
            return false;
        }
    };
    if (!matched || !(policy.spec.matchConditions ?? []).every(({ expression }) => holds(expression))) return { matched: false, failures: [] };
    for (const { name, expression } of policy.spec.variables ?? []) {
        // Variables are lazy on the API server: one that cannot be evaluated only matters where it is used.
        try {
            variables.set(name, evaluate(expression, bindings));
        } catch {
            continue;
        }
    }
    return { matched: true, failures: policy.spec.validations.filter(({ expression }) => !holds(expression)).map(({ message }) => message) };
}
