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
