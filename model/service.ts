import type { ContainerResources } from "./resources";

/** What a service is, as its stack config describes it (config/environment.ts fills in the defaults). */
export interface ServiceSpec {
    image: string;
    /** The container's HTTP port; the Service listens on 80 and forwards here. */
    port: number;
    /** Served through the shared Gateway at this path (an HTTPRoute); unset keeps the service internal. */
    path?: string;
    replicas: { min: number; max: number };
    resources: ContainerResources;
    env: Record<string, string>;
}

/** How much a workload matters when the cluster is short of room: `critical` is scheduled first and evicted last. */
export const WORKLOAD_PRIORITIES = ["critical", "standard"] as const;
export type WorkloadPriority = (typeof WORKLOAD_PRIORITIES)[number];
