import type { ClusterExports } from "../../model/clusterExports";
import { mockKubeconfig } from "../../plan/mockOutputs";

/**
 * The cluster stack's exports as an environment test needs them, typed against ClusterExports so that a
 * change of the cluster's interface breaks these tests at compile time.
 */
export const CLUSTER_FIXTURE: ClusterExports = {
    clusterName: "fintrax-eks-shared",
    kubeconfig: JSON.stringify(mockKubeconfig("fintrax-eks-shared", "https://EXAMPLE.gr7.us-east-1.eks.amazonaws.com")),
    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
    oidcProviderUrl: "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE",
    vpcId: "vpc-0123456789abcdef0",
    vpcCidr: "10.0.0.0/16",
    privateSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
    nodeSecurityGroupId: "sg-0000000000000000a",
    clusterSecurityGroupId: "sg-0000000000000000b",
    network: {
        serviceCidr: "172.20.0.0/16",
        kubernetesServiceIp: "172.20.0.1",
        controlPlaneSubnetCidrs: ["10.0.101.0/24", "10.0.102.0/24", "10.0.16.0/20", "10.0.32.0/20"],
        nodeSubnets: [
            { zone: "us-east-1a", cidr: "10.0.16.0/20", prefixReservationCidr: "10.0.24.0/21" },
            { zone: "us-east-1b", cidr: "10.0.32.0/20", prefixReservationCidr: "10.0.40.0/21" },
        ],
        publicSubnetCidrs: ["10.0.101.0/24", "10.0.102.0/24"],
        databaseSubnets: {
            development: { subnetGroupName: "fintrax-eks-shared-databases-development", cidrs: ["10.0.10.0/26", "10.0.10.64/26"] },
            staging: { subnetGroupName: "fintrax-eks-shared-databases-staging", cidrs: ["10.0.11.0/26", "10.0.11.64/26"] },
            production: { subnetGroupName: "fintrax-eks-shared-databases-production", cidrs: ["10.0.12.0/26", "10.0.12.64/26"] },
        },
    },
    ingressNamespace: "envoy-gateway-system",
    gateway: { name: "fintrax", namespace: "envoy-gateway-system", domain: "fintrax.example.com", apexListener: "https-apex", wildcardListener: "https-wildcard" },
    clusterIssuerName: "letsencrypt",
    monitoringNamespace: "monitoring",
    prometheusSelectorLabel: { key: "release", value: "kube-prometheus-stack" },
    grafanaDashboardLabel: { key: "grafana_dashboard", value: "1" },
    monitoringQuota: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: 15 },
    daemonSetRequests: { cpu: "235m", memory: "330Mi", pods: 6 },
    nodeGroups: [
        { name: "general", instanceType: "t3.medium", minSize: 2, desiredSize: 3, maxSize: 10, capacityType: "ON_DEMAND", allocatableCpu: "1930m", allocatableMemory: "2531Mi", maxPods: 110, taints: [] },
        {
            name: "monitoring", instanceType: "t3.medium", minSize: 1, desiredSize: 1, maxSize: 2, capacityType: "SPOT", allocatableCpu: "1930m", allocatableMemory: "2531Mi", maxPods: 110,
            taints: [{ key: "workload-type", value: "monitoring", effect: "NoSchedule" }],
        },
    ],
    priorityClasses: { critical: "fintrax-critical", standard: "fintrax-standard" },
    region: "us-east-1",
};

const CLUSTER_STACK = "organization/fintrax-cluster/shared";

export const clusterReferences = (exports: ClusterExports = CLUSTER_FIXTURE) => ({
    [CLUSTER_STACK]: { outputs: exports as unknown as Record<string, unknown>, secretOutputNames: ["kubeconfig"] },
});
