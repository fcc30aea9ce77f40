import type { InstanceType } from "./instanceTypes";
import type { Tier } from "./tiers";

export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export interface NodeGroupSettings {
    name: "general" | "monitoring";
    instanceTypes: InstanceType[];
    capacityType: "ON_DEMAND" | "SPOT";
    minSize: number;
    desiredSize: number;
    maxSize: number;
    diskSizeGb: number;
    singleZone: boolean;
    taints: Array<{ key: string; value: string; effect: TaintEffect }>;
    labels: Record<string, string>;
}

/** The shared cluster's settings after validation, every default filled in. */
export interface ClusterSettings {
    region: string;
    clusterName: string;
    vpcCidr: string;
    availabilityZones: string[];
    publicSubnetCidrs: string[];
    privateSubnetCidrs: string[];
    /** Per tier, one subnet per zone: the tier's databases and nothing else. */
    databaseSubnetCidrs: Record<Tier, string[]>;
    serviceCidr: string;
    natGateways: "single" | "perZone";
    kubernetesVersion: string;
    endpointPublicAccessCidrs: string[];
    admins: string[];
    platformDeployment: { deployers: Record<Tier, string[]>; previewers: string[] };
    nodeGroups: { general: NodeGroupSettings; monitoring: NodeGroupSettings };
    ciRunners: { repository: string; connectionArn?: string; concurrentJobs: number };
    acmeEmail: string;
    /** Whether a webhook receiver is configured; its URL is read only as a Pulumi secret (cluster/index.ts). */
    alertWebhookConfigured: boolean;
    /** The Route53 zone external-dns writes the hosts into and cert-manager answers DNS-01 challenges in. */
    hostedZone: { domain: string; zoneId: string };
    protect: boolean;
    tags: { environment: "shared"; team: string; "cost-center": string };
}
