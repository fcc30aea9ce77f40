import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { loadEnvironmentSettings } from "./config/environment";
import { stackFileName } from "./config/load";
import { AppService } from "./components/appService";
import { ClusterReference } from "./components/clusterReference";
import { EnvironmentAccess } from "./components/environmentAccess";
import { EnvironmentIngress } from "./components/environmentIngress";
import { GuardedNamespace } from "./components/guardedNamespace";
import { environmentLabels } from "./components/labels";
import { environmentNetworkPolicies } from "./components/networkPolicies";

/**
 * One Fintrax environment on the shared cluster: its namespace and guardrails, who may deploy to it, its
 * services and its ingress. Everything comes from the `fintrax:` config of the stack (see README).
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

    return {
        environment,
        tier,
        namespace: namespace.namespaceName,
        url: ingress?.url ?? null,
        deployerRoleArn: access.deployerRoleArn,
        services: settings.services.map((service) => service.name),
    };
};
