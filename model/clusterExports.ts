import type { WorkloadPriority } from "./service";
import type { Tier } from "./tiers";

/**
 * What the cluster stack exports and the environment stacks read through their StackReference. One
 * interface for both sides, so that a renamed export fails the type check instead of a deployment.
 */
export interface NodeGroupCapacity {
    name: string;
    instanceType: string;
    minSize: number;
    desiredSize: number;
    maxSize: number;
    capacityType: "ON_DEMAND" | "SPOT";
    /** Per node, after the kubelet's and the system's reservations (Kubernetes quantities). */
    allocatableCpu: string;
    allocatableMemory: string;
    /** Per node, with VPC CNI prefix delegation on and the EKS cap of 110 for small instances. */
    maxPods: number;
    /** Only pods tolerating these taints run here (the monitoring group's `workload-type=monitoring`). */
    taints: Array<{ key: string; value: string; effect: string }>;
}

/** One tier's databases: the DB subnet group its environments' instances go in, and its subnets' CIDRs. */
export interface DatabaseSubnets {
    subnetGroupName: string;
    /** The only addresses the tier's NetworkPolicies allow PostgreSQL (5432) to. */
    cidrs: string[];
}

/** The cluster's addresses, as the NetworkPolicies and the plan's address check need them (docs/cluster.md). */
export interface ClusterNetwork {
    /** Where Services get their ClusterIPs (the EKS `serviceIpv4Cidr`, pinned). */
    serviceCidr: string;
    /** The `kubernetes` Service's ClusterIP, the first address of the service CIDR: where in-cluster clients reach the API. */
    kubernetesServiceIp: string;
    /** The subnets the API server's network interfaces sit in (the subnets the EKS cluster was given). */
    controlPlaneSubnetCidrs: string[];
    /** Per zone: the nodes' subnet and the part of it reserved for the pods' /28 prefixes. */
    nodeSubnets: Array<{ zone: string; cidr: string; prefixReservationCidr: string }>;
    publicSubnetCidrs: string[];
    databaseSubnets: Record<Tier, DatabaseSubnets>;
}

/** The shared Gateway environments attach their HTTPRoutes to (gateway.networking.k8s.io/v1). */
export interface GatewayExport {
    name: string;
    namespace: string;
    /** The hosted zone's domain: production's host, and the parent of every other environment's. */
    domain: string;
    /** The HTTPS listener for the domain itself, admitting production's namespaces only. */
    apexListener: string;
    /** The HTTPS listener for `*.<domain>`, admitting every environment's namespaces. */
    wildcardListener: string;
}

export interface ClusterExports {
    clusterName: string;
    /** Secret: an exec-based kubeconfig for the cluster (JSON). */
    kubeconfig: string;
    oidcProviderArn: string;
    oidcProviderUrl: string;
    vpcId: string;
    vpcCidr: string;
    privateSubnetIds: string[];
    nodeSecurityGroupId: string;
    clusterSecurityGroupId: string;
    network: ClusterNetwork;
    /** Where the gateway's proxies run: environments admit traffic from this namespace only. */
    ingressNamespace: string;
    gateway: GatewayExport;
    clusterIssuerName: string;
    monitoringNamespace: string;
    /** The label Prometheus selects ServiceMonitors and rules by, and the one Grafana loads dashboards by. */
    prometheusSelectorLabel: { key: string; value: string };
    grafanaDashboardLabel: { key: string; value: string };
    /** CPU, memory and pods the monitoring namespace's quota reserves (seed 000). */
    monitoringQuota: { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string }; pods: number };
    /** Requests of the add-ons' per-node daemon sets, subtracted from every node's allocatable. */
    daemonSetRequests: { cpu: string; memory: string; pods: number };
    nodeGroups: NodeGroupCapacity[];
    /** The PriorityClass each workload priority maps to (cluster-scoped objects, so the cluster stack owns them). */
    priorityClasses: Record<WorkloadPriority, string>;
    region: string;
}
