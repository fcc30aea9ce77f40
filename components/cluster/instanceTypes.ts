import { formatCpu, formatMemory } from "../../policies/lib/quantity";

/**
 * The EC2 facts the capacity check needs, for the instance types this cluster may use. Every row is
 * checked by tests/reference against reference/eks-max-pods.json (vCPUs and memory from Cluster
 * Autoscaler's static EC2 list, ENIs and IPv4 per ENI from the VPC CNI's limits table, and max pods
 * without prefix delegation from its `eni-max-pods.txt`: ENIs × (IPs − 1) + 2, t3.medium → 17).
 * A type missing here is refused by the config check rather than guessed: add a row to use it.
 */
export interface InstanceFacts {
    vcpus: number;
    memoryMib: number;
    maxEnis: number;
    ipv4PerEni: number;
}

export const INSTANCE_TYPES = {
    "t3.small": { vcpus: 2, memoryMib: 2048, maxEnis: 3, ipv4PerEni: 4 },
    "t3.medium": { vcpus: 2, memoryMib: 4096, maxEnis: 3, ipv4PerEni: 6 },
    "t3.large": { vcpus: 2, memoryMib: 8192, maxEnis: 3, ipv4PerEni: 12 },
    "t3.xlarge": { vcpus: 4, memoryMib: 16384, maxEnis: 4, ipv4PerEni: 15 },
    "t3a.small": { vcpus: 2, memoryMib: 2048, maxEnis: 2, ipv4PerEni: 4 },
    "t3a.medium": { vcpus: 2, memoryMib: 4096, maxEnis: 3, ipv4PerEni: 6 },
    "t3a.large": { vcpus: 2, memoryMib: 8192, maxEnis: 3, ipv4PerEni: 12 },
    "t3a.xlarge": { vcpus: 4, memoryMib: 16384, maxEnis: 4, ipv4PerEni: 15 },
    "m5.large": { vcpus: 2, memoryMib: 8192, maxEnis: 3, ipv4PerEni: 10 },
    "m5.xlarge": { vcpus: 4, memoryMib: 16384, maxEnis: 4, ipv4PerEni: 15 },
    "m6i.large": { vcpus: 2, memoryMib: 8192, maxEnis: 3, ipv4PerEni: 10 },
    "m6i.xlarge": { vcpus: 4, memoryMib: 16384, maxEnis: 4, ipv4PerEni: 15 },
    "c5.large": { vcpus: 2, memoryMib: 4096, maxEnis: 3, ipv4PerEni: 10 },
} as const satisfies Record<string, InstanceFacts>;

export type InstanceType = keyof typeof INSTANCE_TYPES;
export const INSTANCE_TYPE_NAMES = Object.keys(INSTANCE_TYPES) as [InstanceType, ...InstanceType[]];

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
