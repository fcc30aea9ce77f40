import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { loadEnvironmentSettings } from "./config/environment";
import { stackFileName } from "./config/load";
import { AppService } from "./components/appService";
import { ClusterReference } from "./components/clusterReference";
import { EnvironmentAccess } from "./components/environmentAccess";
import { EnvironmentDatabase } from "./components/environmentDatabase";
import { EnvironmentIngress } from "./components/environmentIngress";
import { EnvironmentMonitoring } from "./components/environmentMonitoring";
import { GuardedNamespace } from "./components/guardedNamespace";
import { environmentLabels } from "./components/labels";
import { environmentNetworkPolicies } from "./components/networkPolicies";

/**
 * One Fintrax environment on the shared cluster: its namespace and guardrails, who may deploy to it, its
 * database, its services, its ingress and its monitoring. Everything comes from the `fintrax:` config of the stack
 * (see README).
 */
export = async () => {
    const { settings, warnings } = loadEnvironmentSettings(stackFileName());
    warnings.forEach((warning) => pulumi.log.warn(warning));
    const { environment, tier, preset } = settings;
    const labels = environmentLabels(environment, tier);

    const cluster = new ClusterReference("cluster", { stackName: settings.clusterStack, namespace: settings.namespace });
    const awsProvider = new aws.Provider("aws", {
        region: cluster.output("region") as pulumi.Output<aws.Region>,
        defaultTags: { tags: { environment, team: "fintrax", "cost-center": `fintrax-${environment}` } },
    });
    const kubernetes = { providers: [cluster.provider, awsProvider] };

    const namespace = new GuardedNamespace(`fintrax-${environment}`, {
        name: settings.namespace,
        labels,
        podSecurity: preset.podSecurity,
        quota: settings.quota,
        containerDefaults: preset.container,
        allow: environmentNetworkPolicies({
            ingressNamespace: cluster.output("ingressNamespace"),
            monitoringNamespace: cluster.output("monitoringNamespace"),
            vpcCidr: cluster.output("vpcCidr"),
            egress: preset.egress,
        }),
        protect: tier !== "development",
    }, kubernetes);
    const inNamespace = { ...kubernetes, dependsOn: [namespace] };

    const access = new EnvironmentAccess(`fintrax-${environment}-access`, {
        environment,
        namespace: namespace.namespaceName,
        clusterName: cluster.output("clusterName"),
        access: preset.deployerAccess,
        trustedPrincipals: settings.deployers,
        labels,
    }, inNamespace);

    const database = new EnvironmentDatabase(`fintrax-${environment}-database`, {
        environment,
        namespace: namespace.namespaceName,
        settings: settings.database,
        subnetGroupName: cluster.output("databaseSubnetGroupName"),
        vpcId: cluster.output("vpcId"),
        clientSecurityGroupId: cluster.output("nodeSecurityGroupId"),
        production: tier === "production",
        // Like the namespace: a change that would replace staging's database fails there before it reaches prod.
        protect: tier !== "development",
        labels,
    }, inNamespace);

    const services = settings.services.map((service) => new AppService(`fintrax-${environment}-${service.name}`, {
        serviceName: service.name,
        namespace: namespace.namespaceName,
        environment,
        image: service.image,
        port: service.port,
        path: service.path,
        replicas: service.replicas,
        resources: service.resources,
        env: service.env,
        envFromSecrets: [database.secretName],
        rollout: preset.rollout,
        spreadAcrossZones: preset.spreadAcrossZones,
        disruptionBudget: preset.disruptionBudget,
        labels,
    }, inNamespace));

    const routes = settings.services.flatMap((service, index) => service.path
        ? [{ path: service.path, serviceName: services[index].serviceName, servicePort: services[index].servicePort }]
        : []);
    const ingress = routes.length ? new EnvironmentIngress(`fintrax-${environment}-ingress`, {
        namespace: namespace.namespaceName,
        host: settings.host,
        ingressClassName: cluster.output("ingressClassName"),
        clusterIssuerName: cluster.output("clusterIssuerName"),
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
        severity: tier === "production" ? "critical" : "warning",
        database: { identifier: database.identifier, allocatedStorageGb: settings.database.allocatedStorageGb },
        labels,
    }, inNamespace);

    return {
        environment,
        tier,
        namespace: namespace.namespaceName,
        url: ingress?.url ?? null,
        deployerRoleArn: access.deployerRoleArn,
        services: settings.services.map((service) => service.name),
        databaseHost: database.address,
        databasePort: database.port,
        databaseName: database.databaseName,
    };
};
