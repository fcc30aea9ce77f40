import { effectiveNamespace, kindIn, metadataOf } from "./kubernetes";
import { violation } from "./messages";
import type { PolicyResource, StackValidationPolicy } from "./types";
import { notApplicable } from "./policy";

/**
 * The shape of the namespace guardrails that need the whole stack: for every Namespace the stack creates,
 * look at the objects of one kind placed in it (by `metadata.namespace`, or the provider's namespace) and say
 * what they fail to provide. Matching is by the Namespace's `metadata.name`.
 */

export const NAMESPACE_TYPE = "kubernetes:core/v1:Namespace";

export interface NamespaceRequirement {
    name: string;
    description: string;
    /** The kind the namespace must hold, e.g. ResourceQuota. */
    kind: string;
    /** What the objects of that kind in the namespace fail to provide, or undefined when they suffice. */
    missing: (objects: PolicyResource[], namespace: PolicyResource) => string | undefined;
    fix: string;
}

export function everyNamespaceHas(requirement: NamespaceRequirement): StackValidationPolicy {
    return {
        name: requirement.name,
        description: requirement.description,
        validateStack: (args, reportViolation) => {
            const namespaces = args.resources.filter((resource) => resource.type === NAMESPACE_TYPE);
            if (!namespaces.length) notApplicable(args, "the stack creates no Namespace");
            const candidates = args.resources.filter((resource) => kindIn(resource.type, [requirement.kind]));
            for (const namespace of namespaces) {
                const name = metadataOf(namespace.props).name ?? namespace.name;
                const problem = requirement.missing(candidates.filter((object) => effectiveNamespace(object) === name), namespace);
                if (problem) reportViolation(violation(`Namespace ${name}`, problem, requirement.fix), namespace.urn);
            }
        },
    };
}

/** ResourceQuota keys and the older spellings the API server treats the same (`cpu` is `requests.cpu`). */
export const QUOTA_KEYS: Record<string, string[]> = {
    "requests.cpu": ["requests.cpu", "cpu"],
    "requests.memory": ["requests.memory", "memory"],
    "limits.cpu": ["limits.cpu"],
    "limits.memory": ["limits.memory"],
    "pods": ["pods"],
};

/**
 * What an environment namespace's quota sets besides: no LoadBalancer or NodePort Service (a user with
 * `edit` could otherwise buy a public load balancer) and a persistent-storage budget.
 */
export const EXTERNAL_SERVICE_KEYS = ["services.loadbalancers", "services.nodeports"];
export const ENVIRONMENT_QUOTA_KEYS = [...EXTERNAL_SERVICE_KEYS, "requests.storage", "persistentvolumeclaims"];

/** Every namespace carries its tier: an environment's (these three), or `platform` for the cluster's own. */
export const TIER_LABEL = "fintrax.io/tier";
export const ENVIRONMENT_TIERS = ["development", "staging", "production"] as const;

export function isEnvironmentNamespace(namespace: { props: any }): boolean {
    return (ENVIRONMENT_TIERS as readonly string[]).includes(metadataOf(namespace.props).labels[TIER_LABEL]);
}

/** The hard limit a quota sets for `key` under any of its spellings. */
export function quotaHard(hard: Record<string, unknown> | undefined, key: string): unknown {
    return QUOTA_KEYS[key].map((spelling) => hard?.[spelling]).find((value) => value !== undefined);
}
