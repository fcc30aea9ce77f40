import { formatCpu, formatMemory } from "../../model/quantity";
import { INSTANCE_TYPES, type InstanceFacts, type InstanceType } from "../../model/instanceTypes";

/**
 * Pods per node with VPC CNI prefix delegation, as the EKS max-pods calculator computes it: every secondary
 * address slot of every ENI holds a /28 prefix (16 addresses), plus 2 host-network pods; EKS then caps the
 * value at 110 below 30 vCPUs and at 250 above (the kubelet's scalability recommendation).
 */
export function maxPodsWithPrefixDelegation(facts: InstanceFacts): number {
    const addresses = facts.maxEnis * (facts.ipv4PerEni - 1) * 16 + 2;
    return Math.min(addresses, facts.vcpus < 30 ? 110 : 250);
}

/**
 * CPU the kubelet reserves for the system (millicores), the EKS AMI's rule: 6% of the first core, 1% of
 * the second, 0.5% of the third and fourth, 0.25% of every core beyond.
 */
export function kubeReservedCpuMillis(vcpus: number): number {
    const bands: Array<[number, number]> = [[1, 0.06], [1, 0.01], [2, 0.005], [Infinity, 0.0025]];
    let left = vcpus;
    let reserved = 0;
    for (const [cores, share] of bands) {
        const used = Math.min(left, cores);
        reserved += used * 1000 * share;
        left -= used;
        if (left <= 0) break;
    }
    return Math.round(reserved * 1000) / 1000;
}

/** Memory the kubelet reserves (MiB), the EKS AMI's rule: 255Mi + 11Mi per pod the node may run. */
export function kubeReservedMemoryMib(maxPods: number): number {
    return 255 + 11 * maxPods;
}

/** The kubelet's hard eviction threshold, `memory.available<100Mi`, is not allocatable either. */
export const EVICTION_MEMORY_MIB = 100;

export interface NodeAllocatable {
    instanceType: InstanceType;
    cpuMillis: number;
    memoryMib: number;
    maxPods: number;
    /** The same as Kubernetes quantities, the form the cluster exports. */
    cpu: string;
    memory: string;
}

export function allocatable(instanceType: InstanceType): NodeAllocatable {
    const facts: InstanceFacts = INSTANCE_TYPES[instanceType];
    const maxPods = maxPodsWithPrefixDelegation(facts);
    const cpuMillis = facts.vcpus * 1000 - kubeReservedCpuMillis(facts.vcpus);
    const memoryMib = facts.memoryMib - kubeReservedMemoryMib(maxPods) - EVICTION_MEMORY_MIB;
    return {
        instanceType,
        cpuMillis,
        memoryMib,
        maxPods,
        cpu: formatCpu(cpuMillis / 1000),
        memory: formatMemory(memoryMib * 2 ** 20),
    };
}

/**
 * A node group that mixes instance types may get its smallest one: capacity is planned for the type with
 * the least allocatable memory (then CPU), so that the plan never promises more than a node can hold.
 */
export function smallestAllocatable(instanceTypes: readonly InstanceType[]): NodeAllocatable {
    return instanceTypes
        .map(allocatable)
        .reduce((min, next) =>
            next.memoryMib < min.memoryMib || (next.memoryMib === min.memoryMib && next.cpuMillis < min.cpuMillis) ? next : min);
}
