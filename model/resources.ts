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
 * What persistent volumes a namespace may claim (ResourceQuota `requests.storage`, `persistentvolumeclaims`).
 * The services are stateless and their data lives in RDS, so this is scratch space, capped so that `kubectl
 * apply` of a PVC cannot buy EBS volumes without limit.
 */
export interface StorageBudget {
    requests: string;
    claims: number;
}
