/**
 * One guardrail as the API server's ValidatingAdmissionPolicy judges it: what it matches and the CEL that
 * must hold. Each rule names the CrossGuard policy that judges the same thing in Pulumi's plan, so the two
 * are generated from (the admission side) and checked against (the pack's side) one definition; the tests
 * run both over the same probe objects and require them to agree.
 */

/** What a binding does with a failed validation (admissionregistration.k8s.io/v1 validationActions). */
export type ValidationAction = "Deny" | "Warn" | "Audit";

/**
 * Which tiers a rule binds in: `every-tier` mirrors the pack's `k8s-*` policies (mandatory everywhere),
 * `production` its `prod-*` ones (mandatory in production, advisory in staging, off in development).
 */
export type RuleScope = "every-tier" | "production";

export interface ResourceRule {
    apiGroups: string[];
    apiVersions: string[];
    resources: string[];
    operations: Array<"CREATE" | "UPDATE" | "DELETE">;
}

export interface NamedExpression {
    name: string;
    expression: string;
}

export interface Validation {
    expression: string;
    /** Shown to whoever the API server refuses (or warns); says what to change. */
    message: string;
}

export interface AdmissionRule {
    /** The ValidatingAdmissionPolicy's metadata.name. */
    name: string;
    /** The CrossGuard policy that judges the same objects in Pulumi's plan. */
    crossGuardPolicy: string;
    description: string;
    scope: RuleScope;
    resourceRules: ResourceRule[];
    /** Requests a rule does not judge at all (e.g. the `default` ServiceAccount the controller creates). */
    matchConditions?: NamedExpression[];
    variables?: NamedExpression[];
    validations: Validation[];
}

/** Every kind that carries a pod template, as `resourceRules` name them; a Pod is its own template. */
export const POD_BEARING_RESOURCES: ResourceRule[] = [
    { apiGroups: [""], apiVersions: ["v1"], resources: ["pods", "replicationcontrollers"], operations: ["CREATE", "UPDATE"] },
    { apiGroups: ["apps"], apiVersions: ["v1"], resources: ["deployments", "replicasets", "statefulsets", "daemonsets"], operations: ["CREATE", "UPDATE"] },
    { apiGroups: ["batch"], apiVersions: ["v1"], resources: ["jobs", "cronjobs"], operations: ["CREATE", "UPDATE"] },
];

/**
 * The pod template of any pod-bearing object and its containers, as CEL variables. The API server
 * evaluates variables lazily, so a rule that also matches ServiceAccounts never reads these for one.
 */
export const POD_TEMPLATE_VARIABLES: NamedExpression[] = [
    {
        name: "template",
        expression: "object.kind == 'Pod' ? object : (object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template : object.spec.template)",
    },
    { name: "podSpec", expression: "variables.template.spec" },
    {
        name: "podLabels",
        expression: "has(variables.template.metadata) && has(variables.template.metadata.labels) ? variables.template.metadata.labels : {}",
    },
    /** Containers and init containers: what resources and most security fields apply to. */
    {
        name: "regularContainers",
        expression: "variables.podSpec.containers + (has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : [])",
    },
    {
        name: "containers",
        expression: "variables.regularContainers + (has(variables.podSpec.ephemeralContainers) ? variables.podSpec.ephemeralContainers : [])",
    },
];

/** CEL for "the map-valued field `map` has `key` set to `value`", safe when the key is absent. */
export function celHasEntry(map: string, key: string, value: string): string {
    return `('${key}' in ${map} && ${map}['${key}'] == '${value}')`;
}

/** A CEL list literal of strings. */
export function celStrings(values: readonly string[]): string {
    return `[${values.map((value) => `'${value}'`).join(", ")}]`;
}
