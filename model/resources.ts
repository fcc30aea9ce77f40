/** CPU, memory and pod budgets, as ResourceQuotas and containers state them (Kubernetes quantities). */
export interface Quota {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
    pods: number;
}

export interface ContainerResources {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
}

/**
 * A container's requests and limits, both always set: every namespace's quota caps limits as well as requests,
 * so a container that names neither gets its LimitRange's defaults, which are sized for no chart in particular.
 */
export function containerResources(cpu: string, memory: string, cpuLimit: string, memoryLimit: string): ContainerResources {
    return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}

/**
 * What persistent volumes a namespace may claim (ResourceQuota `requests.storage`, `persistentvolumeclaims`).
 * The services are stateless and their data lives in RDS, so this is scratch space, capped so that `kubectl
 * apply` of a PVC cannot buy EBS volumes without limit.
 */
export interface StorageBudget {
    requests: string;
    claims: number;
}
