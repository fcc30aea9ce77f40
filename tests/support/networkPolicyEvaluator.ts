import * as ipaddr from "ipaddr.js";

/**
 * Kubernetes NetworkPolicy semantics (networking.k8s.io/v1, as the API reference and the "Network Policies"
 * concept page define them), for tests that ask whether planned policies let one endpoint reach another.
 *
 * - A pod is isolated for a direction iff some policy of its namespace selects it (podSelector) and lists that
 *   direction in policyTypes (defaulted as the API server does: Ingress always, Egress when there are egress rules).
 * - A connection is allowed in a direction iff the pod is not isolated for it, or some rule of some policy
 *   selecting it allows it: every peer when `to`/`from` is empty, every port when `ports` is empty.
 * - Peers: ipBlock (cidr less except) matches addresses; podSelector alone the pods of the policy's namespace;
 *   namespaceSelector alone every pod of the selected namespaces; both, the selected pods of those namespaces.
 *   Empty selectors select everything; matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) are ANDed.
 * - Ports: protocol (TCP when absent), a number, a named container port of the destination pod, an endPort range.
 * - A connection from one pod to another needs the source's egress and the destination's ingress.
 *
 * What it does not model: Services. As the VPC CNI's policy agent judges egress before kube-proxy rewrites a
 * ClusterIP, a ClusterIP is judged here as the plain address it is (ipBlock peers match it, selectors do not).
 */

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }>;
}

export interface NetworkPolicyPeer {
    ipBlock?: { cidr: string; except?: string[] };
    namespaceSelector?: LabelSelector;
    podSelector?: LabelSelector;
}

export interface NetworkPolicyPort { protocol?: string; port?: number | string; endPort?: number }

export interface NetworkPolicyRule { to?: NetworkPolicyPeer[]; from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }

/** A NetworkPolicy object as the API server holds it (only the fields the semantics read). */
export interface NetworkPolicy {
    metadata: { name?: string; namespace: string };
    spec: { podSelector: LabelSelector; policyTypes?: string[]; ingress?: NetworkPolicyRule[]; egress?: NetworkPolicyRule[] };
}

export interface Namespace { name: string; labels?: Record<string, string> }

/** A pod: where it runs, its labels, its address and (for named ports) its containers' ports. */
export interface Pod {
    namespace: string;
    labels: Record<string, string>;
    ip: string;
    ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
}

/** Something outside the pod network: an address only (a node, a database, the API server's ClusterIP). */
export interface Address { ip: string }

export type Endpoint = Pod | Address;

export interface Connection { from: Endpoint; to: Endpoint; port: number; protocol?: "TCP" | "UDP" | "SCTP" }

const isPod = (endpoint: Endpoint): endpoint is Pod => "namespace" in endpoint;

/** Does the selector select these labels? */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
    const byLabel = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
    return byLabel && (selector?.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
        switch (operator) {
            case "In": return key in labels && values.includes(labels[key]);
            case "NotIn": return !(key in labels) || !values.includes(labels[key]);
            case "Exists": return key in labels;
            case "DoesNotExist": return !(key in labels);
            default: throw new Error(`unknown selector operator ${String(operator)}`);
        }
    });
}

/** Is the address in the block and in none of its exceptions? */
export function inIpBlock(block: { cidr: string; except?: string[] }, ip: string): boolean {
    const address = ipaddr.parse(ip);
    const within = (cidr: string) => {
        const range = ipaddr.parseCIDR(cidr);
        return address.kind() === range[0].kind() && address.match(range);
    };
    return within(block.cidr) && !(block.except ?? []).some(within);
}

/** policyTypes as the API server defaults them. */
function policyTypesOf(policy: NetworkPolicy): string[] {
    return policy.spec.policyTypes?.length ? policy.spec.policyTypes : ["Ingress", ...(policy.spec.egress?.length ? ["Egress"] : [])];
}

export class NetworkPolicyEvaluator {
    private readonly namespaceLabels = new Map<string, Record<string, string>>();

    /** `namespaces`: every namespace pods may run in; each gets its `kubernetes.io/metadata.name` label. */
    constructor(private readonly policies: NetworkPolicy[], namespaces: Namespace[]) {
        for (const namespace of namespaces) {
            this.namespaceLabels.set(namespace.name, { ...namespace.labels, "kubernetes.io/metadata.name": namespace.name });
        }
    }

    /** Is the connection allowed: the source pod's egress (if a pod) and the destination pod's ingress (if a pod)? */
    allows(connection: Connection): boolean {
        return this.egressAllowed(connection) && this.ingressAllowed(connection);
    }

    /** Does the source's egress allow it? Anything but a pod is not policed. */
    egressAllowed({ from, to, port, protocol = "TCP" }: Connection): boolean {
        return !isPod(from) || this.directionAllows(from, "Egress", to, port, protocol);
    }

    /** Does the destination's ingress allow it? */
    ingressAllowed({ from, to, port, protocol = "TCP" }: Connection): boolean {
        return !isPod(to) || this.directionAllows(to, "Ingress", from, port, protocol, to);
    }

    /** The policies of the pod's namespace that select it for the direction. */
    policiesSelecting(pod: Pod, direction: "Ingress" | "Egress"): NetworkPolicy[] {
        return this.policies.filter((policy) => policy.metadata.namespace === pod.namespace
            && selects(policy.spec.podSelector, pod.labels) && policyTypesOf(policy).includes(direction));
    }

    private directionAllows(pod: Pod, direction: "Ingress" | "Egress", peer: Endpoint, port: number, protocol: string, destination?: Pod): boolean {
        const selecting = this.policiesSelecting(pod, direction);
        if (!selecting.length) return true;
        // Named ports are the destination pod's: the pod itself on ingress, the peer on egress.
        const target = destination ?? (isPod(peer) ? peer : undefined);
        return selecting.some((policy) => {
            const rules = (direction === "Ingress" ? policy.spec.ingress : policy.spec.egress) ?? [];
            return rules.some((rule) => {
                const peers = (direction === "Ingress" ? rule.from : rule.to) ?? [];
                const peerMatches = !peers.length || peers.some((p) => this.peerMatches(p, policy.metadata.namespace, peer));
                const portOk = !rule.ports?.length || rule.ports.some((p) => portMatches(p, port, protocol, target));
                return peerMatches && portOk;
            });
        });
    }

    private peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, endpoint: Endpoint): boolean {
        if (peer.ipBlock) return inIpBlock(peer.ipBlock, endpoint.ip);
        if (!isPod(endpoint)) return false;
        const namespaceOk = peer.namespaceSelector
            ? selects(peer.namespaceSelector, this.namespaceLabels.get(endpoint.namespace) ?? { "kubernetes.io/metadata.name": endpoint.namespace })
            : endpoint.namespace === policyNamespace;
        return namespaceOk && (peer.podSelector === undefined || selects(peer.podSelector, endpoint.labels));
    }
}

function portMatches(rule: NetworkPolicyPort, port: number, protocol: string, destination: Pod | undefined): boolean {
    if ((rule.protocol ?? "TCP") !== protocol) return false;
    if (rule.port === undefined) return true;
    if (typeof rule.port === "string") {
        return (destination?.ports ?? []).some((p) => p.name === rule.port && p.containerPort === port && (p.protocol ?? "TCP") === protocol);
    }
    return rule.endPort === undefined ? rule.port === port : rule.port <= port && port <= rule.endPort;
}
