import * as pulumi from "@pulumi/pulumi";
import type { ContainerResources, Quota, StorageBudget } from "../model/resources";
import { TIER_LABEL } from "../model/labels";
import { GuardedNamespace, NamedNetworkPolicy } from "./guardedNamespace";
import { EnvironmentNetworkArgs, environmentNetworkPolicies, extraNamespaceNetworkPolicies } from "./networkPolicies";

export interface EnvironmentNamespacesArgs {
    /** The environment's own namespace, where its services, their routes and database Secrets live. */
    own: { name: string; quota: Quota };
    /** Namespaces it adds (seed 004's `data-<env>` and `monitoring-<env>`), empty ones with their own quota. */
    extra: Array<{ name: string; quota: Quota }>;
    labels: Record<string, string>;
    podSecurity: "baseline" | "restricted";
    containerDefaults: ContainerResources;
    /** Each namespace's persistent-volume budget; none of them admits a LoadBalancer or NodePort Service. */
    storage: StorageBudget;
    network: Omit<EnvironmentNetworkArgs, "peers">;
    protect: boolean;
}

/**
 * The namespaces of one environment, each a GuardedNamespace (quota, container defaults, default deny, Pod
 * Security level, `protect` as the tier asks) with the tier's egress; they exchange traffic with each other
 * and with nothing else of the cluster. Not a component itself, so that the environment's own namespace keeps
 * the URN it has always had (`<own name>`), and its allows are unchanged when there is no extra namespace.
 */
export function environmentNamespaces(args: EnvironmentNamespacesArgs, opts: pulumi.ComponentResourceOptions) {
    const all = [args.own, ...args.extra].map((namespace) => namespace.name);
    const peersOf = (name: string) => all.filter((other) => other !== name);
    const guarded = (namespace: { name: string; quota: Quota }, allow: NamedNetworkPolicy[]) => new GuardedNamespace(namespace.name, {
        name: namespace.name,
        labels: args.labels,
        podSecurity: args.podSecurity,
        quota: namespace.quota,
        closedWithStorage: args.storage,
        platformBindingsFor: args.labels[TIER_LABEL],
        containerDefaults: args.containerDefaults,
        allow,
        protect: args.protect,
    }, opts);
    return {
        own: guarded(args.own, environmentNetworkPolicies({ ...args.network, peers: peersOf(args.own.name) })),
        extra: args.extra.map((namespace) => guarded(namespace, extraNamespaceNetworkPolicies({ ...args.network, peers: peersOf(namespace.name) }))),
    };
}
