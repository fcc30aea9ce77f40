import * as pulumi from "@pulumi/pulumi";
import type { NamedNetworkPolicy } from "./guardedNamespace";
import { EXPOSED_LABEL, namespaceNameSelector } from "./labels";

/** The EC2 instance metadata service: a pod that reaches it can take the node's IAM credentials. */
export const METADATA_CIDR = "169.254.169.254/32";

const everywhereButMetadata = { ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_CIDR] } };

/** Name resolution through CoreDNS in kube-system, the one egress every namespace needs. */
export const allowDns: NamedNetworkPolicy = {
    name: "allow-dns",
    spec: {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{
            to: [{ namespaceSelector: namespaceNameSelector("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        }],
    },
};

/** Pods of one namespace may talk to each other, and to nothing in another namespace. */
export const allowSameNamespace: NamedNetworkPolicy = {
    name: "allow-same-namespace",
    spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
    },
};

/** Ingress from every pod of another namespace (the ingress controller's, Prometheus's) to selected pods. */
export function allowFromNamespace(
    name: string,
    namespace: pulumi.Input<string>,
    podLabels: Record<string, string> = {},
    ports?: Array<{ protocol: string; port: number | string }>,
): NamedNetworkPolicy {
    return {
        name,
        spec: {
            podSelector: { matchLabels: podLabels },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: namespaceNameSelector(namespace) }], ...(ports ? { ports } : {}) }],
        },
    };
}

/** Traffic both ways between the namespaces of one environment (its own and its extra ones), and no other. */
export function allowEnvironmentNamespaces(peers: pulumi.Input<string>[]): NamedNetworkPolicy[] {
    if (!peers.length) return [];
    const namespaces = peers.map((namespace) => ({ namespaceSelector: namespaceNameSelector(namespace) }));
    return [{
        name: "allow-environment-namespaces",
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: namespaces }], egress: [{ to: namespaces }] },
    }];
}

export interface EnvironmentNetworkArgs {
    ingressNamespace: pulumi.Input<string>;
    monitoringNamespace: pulumi.Input<string>;
    /** The VPC's CIDR: PostgreSQL is reachable there and nowhere else. */
    vpcCidr: pulumi.Input<string>;
    egress: "open" | "allowlist";
    /** The environment's other namespaces, which this one exchanges traffic with. */
    peers?: pulumi.Input<string>[];
}

/** Egress open but for the metadata service in development, only HTTPS and PostgreSQL (to the VPC) elsewhere. */
function tierEgress(args: Pick<EnvironmentNetworkArgs, "egress" | "vpcCidr">): NamedNetworkPolicy[] {
    return args.egress === "open"
        ? [{
            name: "allow-egress-internet",
            spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [everywhereButMetadata] }] },
        }]
        : [{
            name: "allow-egress-https",
            spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [everywhereButMetadata], ports: [{ protocol: "TCP", port: 443 }] }] },
        }, {
            name: "allow-egress-postgres",
            spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: args.vpcCidr } }], ports: [{ protocol: "TCP", port: 5432 }] }] },
        }];
}

/**
 * An environment's allows on top of default deny: DNS, its own pods, the ingress controller to exposed
 * services, Prometheus scraping; egress open but for the metadata service in development, and only
 * HTTPS and PostgreSQL elsewhere (seed 000: "limited egress (HTTPS, PostgreSQL only)"); its extra namespaces.
 */
export function environmentNetworkPolicies(args: EnvironmentNetworkArgs): NamedNetworkPolicy[] {
    return [
        allowDns,
        allowSameNamespace,
        allowFromNamespace("allow-from-ingress-controller", args.ingressNamespace, { [EXPOSED_LABEL]: "true" }, [{ protocol: "TCP", port: "http" }]),
        allowFromNamespace("allow-monitoring-scrape", args.monitoringNamespace, {}, [{ protocol: "TCP", port: "http" }]),
        ...tierEgress(args),
        ...allowEnvironmentNamespaces(args.peers ?? []),
    ];
}

/**
 * An extra namespace's allows (seed 004's data and insight layers): as the environment's own, but nothing from
 * the ingress controller (the environment's ingress routes to its own services only), and Prometheus on any
 * port (the exporters of data stores have their own: 9121 Redis, 9187 PostgreSQL…).
 */
export function extraNamespaceNetworkPolicies(args: Omit<EnvironmentNetworkArgs, "ingressNamespace">): NamedNetworkPolicy[] {
    return [
        allowDns,
        allowSameNamespace,
        allowFromNamespace("allow-monitoring-scrape", args.monitoringNamespace),
        ...tierEgress(args),
        ...allowEnvironmentNamespaces(args.peers ?? []),
    ];
}
