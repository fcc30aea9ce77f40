import { describeObject, effectiveNamespace, isNamespaced, kindIn, metadataOf, valueAt } from "./lib/kubernetes";
import { quoteList, violation } from "./lib/messages";
import { deniedDirections } from "./lib/networkPolicy";
import { ENVIRONMENT_QUOTA_KEYS, ENVIRONMENT_TIERS, everyNamespaceHas, EXTERNAL_SERVICE_KEYS, isEnvironmentNamespace, NAMESPACE_TYPE, QUOTA_KEYS, quotaHard, TIER_LABEL } from "./lib/namespaces";
import { isQuantity, parseQuantity } from "./lib/quantity";
import { cpuAndMemory, POD_SECURITY_LEVELS, PodSecurityLevel, podSecurityLevel } from "./lib/schema";
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "./lib/types";
import { notApplicable } from "./lib/policy";

/**
 * Namespace guardrails: an environment is a namespace, so a namespace must be capped (quota, limit range),
 * closed by default (network policy), admitted at a Pod Security level, and the only place objects go.
 */

/** The hard value of `key` in a quota, under any spelling the API server accepts for it. */
function hardValue(quota: PolicyResource, key: string): unknown {
    return QUOTA_KEYS[key] ? quotaHard(quota.props.spec?.hard, key) : quota.props.spec?.hard?.[key];
}

/** What the unscoped quotas of a namespace leave uncapped; an environment's must also admit no external Service. */
function unsetQuotaKeys(quotas: PolicyResource[], isEnvironment: boolean): string | undefined {
    const required = [...Object.keys(QUOTA_KEYS), ...(isEnvironment ? ENVIRONMENT_QUOTA_KEYS : [])];
    const unset = required.filter((key) => quotas.every((quota) => hardValue(quota, key) === undefined));
    if (unset.length) return `has no ResourceQuota limit for ${quoteList(unset)}`;
    const isZero = (value: unknown) => isQuantity(value) && parseQuantity(value) === 0;
    const exposed = isEnvironment ? EXTERNAL_SERVICE_KEYS.filter((key) => !quotas.some((quota) => isZero(hardValue(quota, key)))) : [];
    return exposed.length ? `has a ResourceQuota admitting ${quoteList(exposed)} above 0, so anyone who may create a Service can open the namespace to the outside` : undefined;
}

export const namespaceQuota: StackValidationPolicy = everyNamespaceHas({
    name: "k8s-namespace-quota",
    description: "Every Namespace has a ResourceQuota setting requests.cpu, requests.memory, limits.cpu, limits.memory and pods; " +
        `an environment namespace (${TIER_LABEL} one of ${ENVIRONMENT_TIERS.join(", ")}) also ${ENVIRONMENT_QUOTA_KEYS.join(", ")}.`,
    kind: "ResourceQuota",
    missing: (quotas, namespace) => {
        // A scoped quota (BestEffort, a priority class…) caps only some pods, so it does not cap the namespace.
        const unscoped = quotas.filter((quota) => !quota.props.spec?.scopes?.length && !quota.props.spec?.scopeSelector);
        if (!unscoped.length) return quotas.length ? "has only scoped ResourceQuotas, which cap some pods, not the namespace" : "has no ResourceQuota";
        return unsetQuotaKeys(unscoped, isEnvironmentNamespace(namespace));
    },
    fix: "add a ResourceQuota in the namespace whose spec.hard sets requests.cpu, requests.memory, limits.cpu, limits.memory and pods " +
        `(in an environment namespace also services.loadbalancers: 0, services.nodeports: 0, requests.storage and persistentvolumeclaims)`,
});

const CONTAINER_DEFAULTS = ["defaultRequest.cpu", "defaultRequest.memory", "default.memory"];

export const namespaceLimitRange: StackValidationPolicy = everyNamespaceHas({
    name: "k8s-namespace-limit-range",
    description: "Every Namespace has a LimitRange giving containers default requests and limits.",
    kind: "LimitRange",
    // The three values k8s-container-resources asks of every container, so that a container naming none gets them.
    missing: (ranges) => {
        if (!ranges.length) return "has no LimitRange";
        const containerLimits = ranges.flatMap((range) => (range.props.spec?.limits ?? []).filter((limit: any) => limit?.type === "Container"));
        const absent = CONTAINER_DEFAULTS.filter((path) => !containerLimits.some((limit: any) => valueAt(limit, path.split(".")) !== undefined));
        return absent.length ? `has no LimitRange giving containers ${absent.join(", ")}` : undefined;
    },
    fix: "add a LimitRange with a limit of type Container that sets defaultRequest.cpu, defaultRequest.memory and default.memory (and default.cpu to cap CPU)",
});

export const namespaceDefaultDeny: StackValidationPolicy = everyNamespaceHas({
    name: "k8s-namespace-default-deny",
    description: "Every Namespace has a NetworkPolicy selecting all pods with policyTypes Ingress and Egress and no rules.",
    kind: "NetworkPolicy",
    missing: (policies) => {
        const denied = new Set(policies.flatMap((policy) => deniedDirections(policy.props.spec)));
        const open = ["Ingress", "Egress"].filter((direction) => !denied.has(direction));
        return open.length ? `has no NetworkPolicy denying all ${open.join(" and ").toLowerCase()} by default` : undefined;
    },
    fix: "add a NetworkPolicy with podSelector: {}, policyTypes: [Ingress, Egress] and no ingress or egress rules, then allow what each service needs",
});

interface Budget {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
    pods: number;
}

export const quotaBudget: ResourceValidationPolicy = {
    name: "k8s-quota-budget",
    description: "A ResourceQuota's hard values stay within the environment's budget.",
    configSchema: {
        properties: {
            // Defaults are the development budget: preview environments (pr-42) are development stacks.
            requests: { ...cpuAndMemory, default: { cpu: "2", memory: "4Gi" } },
            limits: { ...cpuAndMemory, default: { cpu: "4", memory: "8Gi" } },
            pods: { type: "integer", minimum: 1, default: 10 },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!kindIn(args.type, ["ResourceQuota"], ["core"])) notApplicable(args, "not a ResourceQuota");
        // The budget mirrors the quota's keys: `requests.cpu` is held to budget.requests.cpu, `pods` to budget.pods.
        const budget = args.getConfig<Budget>();
        const subject = describeObject(args);
        for (const key of Object.keys(QUOTA_KEYS)) {
            const value = quotaHard(args.props.spec?.hard, key);
            const limit: string | number = valueAt(budget, key.split("."));
            if (value === undefined) continue;
            if (!isQuantity(value)) {
                reportViolation(violation(subject, `${key} is ${JSON.stringify(value)}, not a Kubernetes quantity`, "write it like 500m, 2, 4Gi or 512Mi"));
            } else if (parseQuantity(value) > parseQuantity(limit)) {
                reportViolation(violation(subject, `${key} is ${value}, above the budget of ${limit}`,
                    `lower spec.hard["${key}"] to at most ${limit}, or raise the budget in this stack's policies/config/<stack>.json (k8s-quota-budget)`));
            }
        }
    },
};

const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

export const namespacePssLabel: ResourceValidationPolicy = {
    name: "k8s-namespace-pss-label",
    description: `Every Namespace carries ${ENFORCE_LABEL} at least as strict as the level the config asks.`,
    configSchema: {
        properties: {
            level: { ...podSecurityLevel, default: "restricted", description: "the least strict level a namespace may enforce" },
            namespaces: {
                type: "object",
                additionalProperties: podSecurityLevel,
                default: {},
                description: "per-namespace exceptions to `level`, by namespace name (e.g. a monitoring namespace whose node agents need host access)",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (args.type !== NAMESPACE_TYPE) notApplicable(args, "not a Namespace");
        const { level, namespaces } = args.getConfig<{ level: PodSecurityLevel; namespaces: Record<string, PodSecurityLevel> }>();
        const { name, labels } = metadataOf(args.props);
        const required = namespaces[name ?? ""] ?? level;
        const enforced = labels[ENFORCE_LABEL] as PodSecurityLevel | undefined;
        const fix = `label the namespace ${ENFORCE_LABEL}: ${required}`;
        const subject = describeObject(args);
        if (enforced === undefined) {
            reportViolation(violation(subject, `has no ${ENFORCE_LABEL} label, so Pod Security admission enforces nothing`, fix));
        } else if (!POD_SECURITY_LEVELS.includes(enforced)) {
            reportViolation(violation(subject, `${ENFORCE_LABEL} is ${JSON.stringify(enforced)}, not one of ${POD_SECURITY_LEVELS.join(", ")}`, fix));
        } else if (POD_SECURITY_LEVELS.indexOf(enforced) < POD_SECURITY_LEVELS.indexOf(required)) {
            reportViolation(violation(subject, `enforces ${enforced}, less strict than the required ${required}`, fix));
        }
    },
};

export const noDefaultNamespace: ResourceValidationPolicy = {
    name: "k8s-no-default-namespace",
    description: "Nothing is placed in the default namespace.",
    validateResource: (args, reportViolation) => {
        if (!isNamespaced(args.type)) notApplicable(args, "not a namespaced Kubernetes object");
        if (effectiveNamespace(args) !== "default") return;
        const explicit = metadataOf(args.props).namespace ?? args.props.namespace;
        reportViolation(violation(describeObject(args),
            explicit ? "is placed in the default namespace" : "names no namespace and its Kubernetes provider sets none, so it lands in default",
            "set metadata.namespace to the environment's namespace (or give the Kubernetes provider a namespace)"));
    },
};

export const serviceExposure: ResourceValidationPolicy = {
    name: "k8s-service-exposure",
    description: "No Service of type LoadBalancer or NodePort and no externalIPs: traffic enters through the shared Gateway.",
    validateResource: (args, reportViolation) => {
        if (!kindIn(args.type, ["Service"], ["core"])) notApplicable(args, "not a Service");
        const spec = args.props.spec ?? {};
        const fix = "use a ClusterIP Service and route to it with an HTTPRoute on the shared Gateway";
        if (spec.type === "LoadBalancer" || spec.type === "NodePort") {
            reportViolation(violation(describeObject(args), `is of type ${spec.type}, exposed outside the cluster`, fix));
        }
        if (spec.externalIPs?.length) {
            reportViolation(violation(describeObject(args), `sets externalIPs ${spec.externalIPs.join(", ")}`, fix));
        }
    },
};

export const namespaceGuardrails = [
    namespaceQuota, namespaceLimitRange, namespaceDefaultDeny, quotaBudget, namespacePssLabel, noDefaultNamespace, serviceExposure,
];
