import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ClusterExports } from "../model/clusterExports";
import { AdmissionPolicies } from "../components/cluster/admissionPolicies";
import { CiRunners } from "../components/cluster/ciRunners";
import { EksCluster } from "../components/cluster/eksCluster";
import { Certificates } from "../components/cluster/certificates";
import { ExternalDns } from "../components/cluster/externalDns";
import { EdgeGateway } from "../components/cluster/edgeGateway";
import { GRAFANA_DASHBOARD_LABEL, PROMETHEUS_SELECTOR_LABEL } from "../components/cluster/monitoring/names";
import { MONITORING_QUOTA, Observability } from "../components/cluster/observability";
import { kubernetesApiAddresses, Network } from "../components/cluster/network";
import { NodeGroups } from "../components/cluster/nodeGroups";
import { ClusterAddons } from "../components/cluster/clusterAddons";
import { PlatformAccess } from "../components/cluster/platformAccess";
import { PriorityClasses } from "../components/cluster/priorityClasses";
import { AUTOSCALER_KUBERNETES_MINOR } from "../components/cluster/charts";
import { daemonSetRequests } from "../components/cluster/daemonSets";
import { ALERT_WEBHOOK_KEY, CLUSTER_NAMESPACE, loadClusterSettings, MONITORING_NODE_LABEL } from "../config/cluster";
import { stackFileName } from "../config/load";
import { TIER_ADMISSION } from "../config/tiers";

/** Each export as the program may hand it over: a plain value or an output that resolves to it. */
type Exported<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/**
 * The shared cluster stack (`fintrax-cluster`, stack `shared`): VPC, EKS, node groups and the platform
 * add-ons every environment relies on. This file only wires the validated config to the components and
 * returns what the environment stacks read through their StackReference.
 */
export = async (): Promise<Exported<ClusterExports>> => {
    const settings = loadClusterSettings(stackFileName("cluster/"));
    if (settings.kubernetesVersion !== AUTOSCALER_KUBERNETES_MINOR) {
        pulumi.log.warn(`Kubernetes ${settings.kubernetesVersion} runs with Cluster Autoscaler ${AUTOSCALER_KUBERNETES_MINOR}: ` +
            "their minor versions should match (bump the cluster-autoscaler chart in components/cluster/charts.ts).");
    }

    if (!settings.alertWebhookConfigured) {
        pulumi.log.warn(`${CLUSTER_NAMESPACE}:${ALERT_WEBHOOK_KEY} is not set: critical alerts (production's among them) reach no one.`);
    }
    // Validated above; read again through the Config API so that it stays a secret from here on.
    const alertWebhookUrl = new pulumi.Config(CLUSTER_NAMESPACE).getSecret(ALERT_WEBHOOK_KEY);

    const awsProvider = new aws.Provider("aws", { region: settings.region as aws.Region, defaultTags: { tags: settings.tags } });
    const onAws = { providers: { aws: awsProvider } };

    const accountId = aws.getCallerIdentityOutput({}, { provider: awsProvider }).accountId;
    const network = new Network("network", { ...settings, accountId }, onAws);

    const cluster = new EksCluster("cluster", {
        clusterName: settings.clusterName,
        kubernetesVersion: settings.kubernetesVersion,
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        privateSubnetIds: network.privateSubnetIds,
        serviceCidr: settings.serviceCidr,
        endpointPublicAccessCidrs: settings.endpointPublicAccessCidrs,
        admins: settings.admins,
        protect: settings.protect,
    }, onAws);

    const groups = [settings.nodeGroups.general, settings.nodeGroups.monitoring];
    const nodes = new NodeGroups("nodes", {
        clusterName: settings.clusterName,
        kubernetesVersion: settings.kubernetesVersion,
        cluster: cluster.cluster,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
        groups,
        tags: settings.tags,
        networkingAddons: cluster.networkingAddons,
    }, onAws);

    const onCluster = { providers: { aws: awsProvider, kubernetes: cluster.provider } };
    const addons = new ClusterAddons("addons", {
        clusterName: settings.clusterName,
        cluster,
        region: settings.region,
        accountId,
        afterNodes: [nodes],
    }, onCluster);

    const kubernetesApi = kubernetesApiAddresses(settings);
    const monitoringGroup = settings.nodeGroups.monitoring;
    const monitoring = new Observability("monitoring", {
        vpcCidr: settings.vpcCidr,
        kubernetesApi,
        nodeSelector: { [MONITORING_NODE_LABEL.key]: MONITORING_NODE_LABEL.value },
        tolerations: monitoringGroup.taints.map((t) => ({ key: t.key, operator: "Equal", value: t.value, effect: t.effect })),
        storageClassName: addons.storageClass.metadata.name,
        clusterName: cluster.clusterName,
        region: settings.region,
        accountId,
        alertWebhookUrl,
        afterAddons: addons.ready,
    }, onCluster);

    const oidc = { oidcProviderArn: cluster.oidcProvider.arn, oidcIssuer: cluster.oidcIssuer };
    // The edge's charts ship ServiceMonitors, whose CRD comes with the kube-prometheus-stack release.
    const platformReady = [monitoring.prometheusStack, ...addons.ready];
    const certificates = new Certificates("certificates", {
        ...oidc,
        vpcCidr: settings.vpcCidr,
        kubernetesApi,
        acmeEmail: settings.acmeEmail,
        hostedZone: settings.hostedZone,
        region: settings.region,
        afterPlatform: platformReady,
    }, onCluster);
    const edge = new EdgeGateway("edge", {
        vpcCidr: settings.vpcCidr,
        kubernetesApi,
        domain: settings.hostedZone.domain,
        clusterIssuerName: certificates.clusterIssuerName,
        afterPlatform: [...certificates.issuers, ...platformReady],
        protect: settings.protect,
    }, onCluster);
    new ExternalDns("external-dns", {
        ...oidc,
        kubernetesApi,
        region: settings.region,
        clusterName: settings.clusterName,
        hostedZone: settings.hostedZone,
        gatewayNamespace: edge.namespaceName,
        afterPlatform: [...edge.ready, ...platformReady],
    }, onCluster);

    const priorities = new PriorityClasses("priorities", onCluster);
    new PlatformAccess("platform-access", {
        clusterName: cluster.clusterName,
        region: settings.region,
        accountId,
        ...settings.platformDeployment,
    }, onCluster);
    new AdmissionPolicies("admission", {
        tiers: TIER_ADMISSION,
    }, onCluster);

    // The API endpoint is private by default: deploys, previews and drift checks run on these (docs/delivery.md).
    new CiRunners("ci-runners", {
        ...settings.ciRunners,
        region: settings.region,
        accountId,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    }, onAws);

    return {
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        oidcProviderArn: cluster.oidcProvider.arn,
        oidcProviderUrl: cluster.oidcIssuer,
        vpcId: network.vpcId,
        vpcCidr: settings.vpcCidr,
        privateSubnetIds: pulumi.all(network.privateSubnetIds),
        nodeSecurityGroupId: nodes.nodeSecurityGroup.id,
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
        network: network.exported(settings.serviceCidr),
        ingressNamespace: edge.namespaceName,
        gateway: edge.gateway,
        clusterIssuerName: certificates.clusterIssuerName,
        monitoringNamespace: monitoring.namespaceName,
        prometheusSelectorLabel: { ...PROMETHEUS_SELECTOR_LABEL },
        grafanaDashboardLabel: { ...GRAFANA_DASHBOARD_LABEL },
        monitoringQuota: MONITORING_QUOTA,
        daemonSetRequests: daemonSetRequests(),
        nodeGroups: nodes.capacity,
        priorityClasses: priorities.names,
        region: settings.region,
    };
};
