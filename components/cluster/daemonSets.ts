import { formatCpu, formatMemory, parseQuantity } from "../../model/quantity";

interface ContainerRequests { name: string; cpu: string; memory: string }

export interface NodeDaemonSet {
    name: string;
    namespace: string;
    /** Where the numbers come from: our own values, or the add-on's documented defaults. */
    source: string;
    containers: ContainerRequests[];
}

/**
 * The daemon sets that put one pod on every node, with their containers' requests: what every node loses
 * before any workload is scheduled. The node-exporter and Alloy values are set from this table (so it
 * cannot drift from what is installed); the EKS add-ons' are their documented defaults.
 */
export const NODE_DAEMON_SETS: NodeDaemonSet[] = [
    {
        name: "aws-node", namespace: "kube-system", source: "vpc-cni add-on default (the network policy agent requests nothing)",
        containers: [{ name: "aws-node", cpu: "25m", memory: "0" }, { name: "aws-eks-nodeagent", cpu: "0", memory: "0" }],
    },
    {
        // Not in the reference data (no EKS add-on configuration is public): counted as a pod per node whose
        // requests are unknown, taken as none until measured on a real node.
        name: "eks-pod-identity-agent", namespace: "kube-system", source: "eks-pod-identity-agent add-on default (requests not verified)",
        containers: [{ name: "eks-pod-identity-agent", cpu: "0", memory: "0" }],
    },
    { name: "kube-proxy", namespace: "kube-system", source: "kube-proxy add-on default", containers: [{ name: "kube-proxy", cpu: "100m", memory: "0" }] },
    {
        name: "ebs-csi-node", namespace: "kube-system", source: "aws-ebs-csi-driver add-on defaults",
        containers: [
            { name: "ebs-plugin", cpu: "10m", memory: "40Mi" },
            { name: "node-driver-registrar", cpu: "10m", memory: "40Mi" },
            { name: "liveness-probe", cpu: "10m", memory: "40Mi" },
        ],
    },
    {
        name: "prometheus-node-exporter", namespace: "kube-system", source: "kube-prometheus-stack values (ours)",
        containers: [{ name: "node-exporter", cpu: "20m", memory: "32Mi" }],
    },
    {
        name: "alloy", namespace: "kube-system", source: "alloy values (ours)",
        containers: [{ name: "alloy", cpu: "50m", memory: "128Mi" }, { name: "config-reloader", cpu: "10m", memory: "50Mi" }],
    },
];

function daemonSet(name: string): NodeDaemonSet {
    const found = NODE_DAEMON_SETS.find((d) => d.name === name);
    if (!found) throw new Error(`no daemon set named ${name} in NODE_DAEMON_SETS`);
    return found;
}

/**
 * One container's requests, for a chart's `resources.requests`: the values read them from NODE_DAEMON_SETS, so
 * the capacity check subtracts exactly what is installed.
 */
export function requestsOf(daemonSetName: string, container: string): { cpu: string; memory: string } {
    const found = daemonSet(daemonSetName).containers.find((c) => c.name === container);
    if (!found) throw new Error(`daemon set ${daemonSetName} has no container ${container}`);
    return { cpu: found.cpu, memory: found.memory };
}

/** What every node gives the daemon sets: the `daemonSetRequests` export. */
export function daemonSetRequests(): { cpu: string; memory: string; pods: number } {
    const containers = NODE_DAEMON_SETS.flatMap((d) => d.containers);
    return {
        cpu: formatCpu(containers.reduce((sum, c) => sum + parseQuantity(c.cpu), 0)),
        memory: formatMemory(containers.reduce((sum, c) => sum + parseQuantity(c.memory), 0)),
        pods: NODE_DAEMON_SETS.length,
    };
}
