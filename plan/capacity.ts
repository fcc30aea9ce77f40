import { formatCpu, formatMemory, parseQuantity } from "../policies/lib/quantity";
import type { NodeGroupCapacity } from "../components/clusterExports";
import type { PlannedResource } from "./runtime";

/**
 * Does the cluster hold what the namespaces may ask for? Every namespace quota's requests are a promise
 * that much can be scheduled; they are compared with what the node groups offer at their maximum size,
 * per node the allocatable CPU, memory and pods less what the add-ons' daemon sets take on every node.
 * Namespaces of dedicated (tainted) node groups — monitoring — are held against those groups only.
 */

interface Amounts { cpu: number; memory: number; pods: number }

export interface NamespaceQuota {
    stack: string;
    namespace: string;
    requests: Amounts;
}

export interface PoolCapacity {
    nodeGroups: string[];
    namespaces: string[];
    allocatable: { cpu: string; memory: string; pods: number };
    requested: { cpu: string; memory: string; pods: number };
    headroom: { cpu: string; memory: string; pods: number };
    fits: boolean;
}

export interface CapacityReport {
    allocatable: { cpu: string; memory: string; pods: number };
    requested: { cpu: string; memory: string; pods: number };
    fits: boolean;
    pools: PoolCapacity[];
}

export interface ClusterCapacityInputs {
    nodeGroups: NodeGroupCapacity[];
    daemonSetRequests: { cpu: string; memory: string; pods: number };
    monitoringNamespace: string;
}

/** The ResourceQuota objects a stack creates, as requests per namespace. */
export function quotasOf(stack: string, resources: PlannedResource[]): NamespaceQuota[] {
    return resources
        .filter((r) => r.type === "kubernetes:core/v1:ResourceQuota")
        .map((r) => {
            const hard = r.inputs.spec?.hard ?? {};
            return {
                stack,
                namespace: String(r.inputs.metadata?.namespace),
                requests: {
                    cpu: parseQuantity(hard["requests.cpu"] ?? hard.cpu ?? 0),
                    memory: parseQuantity(hard["requests.memory"] ?? hard.memory ?? 0),
                    pods: Number(hard.pods ?? 0),
                },
            };
        });
}

const zero = (): Amounts => ({ cpu: 0, memory: 0, pods: 0 });
const show = (a: Amounts) => ({ cpu: formatCpu(a.cpu), memory: formatMemory(a.memory), pods: a.pods });

function poolReport(groups: NodeGroupCapacity[], quotas: NamespaceQuota[], perNodeDaemons: Amounts): PoolCapacity {
    const allocatable = zero();
    for (const group of groups) {
        allocatable.cpu += group.maxSize * Math.max(0, parseQuantity(group.allocatableCpu) - perNodeDaemons.cpu);
        allocatable.memory += group.maxSize * Math.max(0, parseQuantity(group.allocatableMemory) - perNodeDaemons.memory);
        allocatable.pods += group.maxSize * Math.max(0, group.maxPods - perNodeDaemons.pods);
    }
    const requested = zero();
    for (const quota of quotas) {
        requested.cpu += quota.requests.cpu;
        requested.memory += quota.requests.memory;
        requested.pods += quota.requests.pods;
    }
    const headroom = { cpu: allocatable.cpu - requested.cpu, memory: allocatable.memory - requested.memory, pods: allocatable.pods - requested.pods };
    return {
        nodeGroups: groups.map((g) => `${g.name} (${g.maxSize} × ${g.instanceType})`),
        namespaces: quotas.map((q) => q.namespace),
        allocatable: show(allocatable),
        requested: show(requested),
        headroom: { cpu: (headroom.cpu < 0 ? "-" : "") + formatCpu(Math.abs(headroom.cpu)), memory: (headroom.memory < 0 ? "-" : "") + formatMemory(Math.abs(headroom.memory)), pods: headroom.pods },
        fits: headroom.cpu >= -1e-9 && headroom.memory >= 0 && headroom.pods >= 0,
    };
}

export function checkCapacity(cluster: ClusterCapacityInputs, quotas: NamespaceQuota[]): CapacityReport {
    const daemons: Amounts = {
        cpu: parseQuantity(cluster.daemonSetRequests.cpu),
        memory: parseQuantity(cluster.daemonSetRequests.memory),
        pods: cluster.daemonSetRequests.pods,
    };
    const dedicated = cluster.nodeGroups.filter((g) => g.taints.length > 0);
    const shared = cluster.nodeGroups.filter((g) => g.taints.length === 0);
    const isMonitoring = (q: NamespaceQuota) => q.namespace === cluster.monitoringNamespace && dedicated.length > 0;
    const pools = [
        poolReport(shared, quotas.filter((q) => !isMonitoring(q)), daemons),
        ...(dedicated.length ? [poolReport(dedicated, quotas.filter(isMonitoring), daemons)] : []),
    ];
    const total = (pick: (p: PoolCapacity) => { cpu: string; memory: string; pods: number }) => show(pools.reduce((sum, pool) => {
        const amounts = pick(pool);
        return { cpu: sum.cpu + parseQuantity(amounts.cpu), memory: sum.memory + parseQuantity(amounts.memory), pods: sum.pods + amounts.pods };
    }, zero()));
    return {
        allocatable: total((p) => p.allocatable),
        requested: total((p) => p.requested),
        fits: pools.every((p) => p.fits),
        pools,
    };
}
