import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { loadEnvironmentSettings } from "./config/environment";
import { stackFileName } from "./config/load";
import { AppService } from "./components/appService";
import { ClusterReference } from "./components/clusterReference";
import { EnvironmentAccess } from "./components/environmentAccess";
import { EnvironmentDatabases } from "./components/environmentDatabase";
import { EnvironmentRoutes } from "./components/environmentRoutes";
import { EnvironmentMonitoring } from "./components/environmentMonitoring";
import { environmentNamespaces } from "./components/environmentNamespaces";
import { environmentLabels } from "./components/labels";

/**
 * One Fintrax environment on the shared cluster: its namespace (and any extra ones) and guardrails, who may
 * deploy to it, its database(s), its services, its routes on the shared Gateway and its monitoring. Everything comes from the
 * `fintrax:` config of the stack (see README).
 */
export = async () => {
    const { settings } = loadEnvironmentSettings(stackFileName());
    const { environment, tier, preset } = settings;
    const labels = environmentLabels(environment, tier);

    const cluster = new ClusterReference("cluster", { stackName: settings.clusterStack, namespace: settings.namespace });
    const awsProvider = new aws.Provider("aws", {
        region: cluster.output("region") as pulumi.Output<aws.Region>,
        defaultTags: { tags: { environment, team: "fintrax", "cost-center": `fintrax-${environment}` } },
    });
    const onCluster = { providers: [cluster.provider, awsProvider] };
    const clusterNetwork = cluster.output("network");
    const tierDatabases = clusterNetwork.apply((network) => network.databaseSubnets[tier]);

    const namespaces = environmentNamespaces({
        own: { name: settings.namespace, quota: settings.quota },
        extra: settings.extraNamespaces,
        labels,
        podSecurity: preset.podSecurity,
        containerDefaults: preset.container,
        storage: preset.storage,
        network: {
            ingressNamespace: cluster.output("ingressNamespace"),
            monitoringNamespace: cluster.output("monitoringNamespace"),
            vpcCidr: cluster.output("vpcCidr"),
            serviceCidr: clusterNetwork.serviceCidr,
            databaseCidrs: tierDatabases.cidrs,
            egress: preset.egress,
        },
        protect: preset.protect,
    }, onCluster);
    const namespace = namespaces.own;
    const extraNamespaces = settings.extraNamespaces.map((extra) => extra.name);
    // Everything in the namespaces waits for the whole GuardedNamespace, not only the Namespace: a pod admitted
    // before its quota, LimitRange and default-deny policy exist would run uncapped, without defaults, unfiltered.
    const inNamespace = { ...onCluster, dependsOn: [namespace, ...namespaces.extra] };

    const access = new EnvironmentAccess(`fintrax-${environment}-access`, {
        environment,
        namespace: namespace.namespaceName,
        extraNamespaces,
        clusterName: cluster.output("clusterName"),
        access: preset.deployerAccess,
        trustedPrincipals: settings.deployers,
        labels,
    }, inNamespace);

    const databases = new EnvironmentDatabases(`fintrax-${environment}-database`, {
        environment,
        namespace: namespace.namespaceName,
        databases: settings.databases,
        region: cluster.output("region"),
        subnetGroupName: tierDatabases.subnetGroupName,
        vpcId: cluster.output("vpcId"),
        clientSecurityGroupId: cluster.output("nodeSecurityGroupId"),
        hardened: preset.hardenedDatabase,
        protect: preset.protect,
        labels,
    }, inNamespace);

    const priorityClasses = cluster.output("priorityClasses");
    const services = settings.services.map((service) => new AppService(`fintrax-${environment}-${service.name}`, {
        ...service,
        serviceName: service.name,
        namespace: namespace.namespaceName,
        environment,
        envFromSecrets: databases.secretsFor(service.database),
        configMapMounts: databases.mountFor(service.database),
        priorityClassName: priorityClasses[service.priority],
        rollout: preset.rollout,
        spreadAcrossZones: preset.spreadAcrossZones,
        disruptionBudget: preset.disruptionBudget,
        labels,
    }, inNamespace));

    const routes = settings.services.flatMap((service, index) => service.path
        ? [{ name: service.name, path: service.path, serviceName: services[index].serviceName, servicePort: services[index].servicePort }]
        : []);
    const edge = routes.length ? new EnvironmentRoutes(`fintrax-${environment}-routes`, {
        namespace: namespace.namespaceName,
        host: settings.host,
        gateway: cluster.output("gateway"),
        routes,
        labels,
    }, inNamespace) : undefined;

    // Not made to wait for the services' rollouts: a rollout that hangs is when the alerts are needed.
    new EnvironmentMonitoring(`fintrax-${environment}-monitoring`, {
        environment,
        namespace: settings.namespace,
        services: settings.services.map((service, index) => ({ name: service.name, selector: services[index].selector })),
        prometheusSelectorLabel: cluster.output("prometheusSelectorLabel"),
        grafanaDashboardLabel: cluster.output("grafanaDashboardLabel"),
        severity: preset.alertSeverity,
        databases: databases.monitored,
        extraNamespaces,
        labels,
    }, inNamespace);

    return {
        environment,
        tier,
        namespace: namespace.namespaceName,
        url: edge?.url ?? null,
        deployerRoleArn: access.deployerRoleArn,
        services: settings.services.map((service) => service.name),
        ...databases.outputs,
        ...(extraNamespaces.length ? { extraNamespaces } : {}),
    };
};
