import * as pulumi from "@pulumi/pulumi";
import type { NamedNetworkPolicy } from "./guardedNamespace";
import { EXPOSED_LABEL, namespaceNameSelector } from "./labels";

/** The EC2 instance metadata service: a pod that reaches it can take the node's IAM credentials. */
export const METADATA_CIDR = "169.254.169.254/32";

/** NetworkPolicy ports: these TCP ports. */
export const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
/** A NetworkPolicy peer: any address but the instance metadata service's. */
export const everywhereButMetadata = { ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_CIDR] } };
/** A pod selector: the pods carrying all these labels. */
export const podsLabelled = (labels: Record<string, string>) => ({ matchLabels: labels });

/** Where pods reach the API server: the `kubernetes` Service's ClusterIP and the control plane's interfaces. */
export interface KubernetesApiAddresses {
    serviceIp: string;
    controlPlaneSubnetCidrs: string[];
}

/**
 * HTTPS to the API server, for namespaces whose pods talk to it (operators, controllers, sidecars, hook jobs).
 * Clients dial the `kubernetes` Service's ClusterIP, and the VPC CNI's policy agent judges a packet before
 * kube-proxy rewrites that address to an endpoint, so the ClusterIP itself must be allowed; an ipBlock never
 * gets Service addresses added by the policy controller (cluster-audit A1, env-audit A2). The control plane's
 * interfaces (the endpoints, in the cluster's subnets) are allowed too, for clients that dial them directly.
 */
export function allowKubernetesApi(api: KubernetesApiAddresses): NamedNetworkPolicy {
    return {
        name: "allow-egress-kube-api",
        spec: {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [{
                to: [`${api.serviceIp}/32`, ...api.controlPlaneSubnetCidrs].map((cidr) => ({ ipBlock: { cidr } })),
                ports: tcp(443),
            }],
        },
    };
}

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
function allowFromNamespace(
    name: string,
    namespace: pulumi.Input<string>,
    podLabels: Record<string, string> = {},
    ports?: Array<{ protocol: string; port: number | string }>,
): NamedNetworkPolicy {
    return {
        name,
        spec: {
            // Every pod is `{}`: the API server stores an empty matchLabels as `{}`, so writing it would make every
            // server-side apply a change (seen on a real kube-apiserver, tests/verify/apply.test.ts).
            podSelector: Object.keys(podLabels).length ? { matchLabels: podLabels } : {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ namespaceSelector: namespaceNameSelector(namespace) }], ...(ports ? { ports } : {}) }],
        },
    };
}

/** Traffic both ways between the namespaces of one environment (its own and its extra ones), and no other. */
function allowEnvironmentNamespaces(peers: pulumi.Input<string>[]): NamedNetworkPolicy[] {
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
    /** The VPC's and the Services' CIDRs: never reached through the tier's open or HTTPS egress. */
    vpcCidr: pulumi.Input<string>;
    serviceCidr: pulumi.Input<string>;
    /** The environment's tier's database subnets: PostgreSQL is reachable there and nowhere else. */
    databaseCidrs: pulumi.Input<string[]>;
    egress: "open" | "allowlist";
    /** The environment's other namespaces, which this one exchanges traffic with. @default none */
    peers?: pulumi.Input<string>[];
}

type TierEgressArgs = Pick<EnvironmentNetworkArgs, "egress" | "vpcCidr" | "serviceCidr" | "databaseCidrs">;

/**
 * Outside the cluster and the VPC: other namespaces' pods, the nodes, the API server and other tiers' databases
 * are VPC or Service addresses, the node's IAM credentials the metadata address; none is reachable this way.
 */
const internetOnly = (args: TierEgressArgs) => ({ ipBlock: { cidr: "0.0.0.0/0", except: [args.vpcCidr, args.serviceCidr, METADATA_CIDR] } });

/**
 * Egress to the internet (any port in development, HTTPS elsewhere), and PostgreSQL to the tier's own database
 * subnets only: an environment cannot open a connection to another tier's database.
 */
function tierEgress(args: TierEgressArgs): NamedNetworkPolicy[] {
    const internet: NamedNetworkPolicy = args.egress === "open"
        ? { name: "allow-egress-internet", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [internetOnly(args)] }] } }
        : { name: "allow-egress-https", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [internetOnly(args)], ports: tcp(443) }] } };
    const databases = pulumi.output(args.databaseCidrs).apply((cidrs) => cidrs.map((cidr) => ({ ipBlock: { cidr } })));
    return [internet, {
        name: "allow-egress-postgres",
        spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: databases, ports: tcp(5432) }] },
    }];
}

/**
 * An environment's allows on top of default deny: DNS, its own pods, the ingress controller to exposed
 * services, Prometheus scraping; egress to the internet (any port in development, only HTTPS elsewhere: seed
 * 000's "limited egress (HTTPS, PostgreSQL only)"), PostgreSQL to its tier's database subnets; its extra namespaces.
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
