import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Quota } from "../../model/resources";
import type { NamedNetworkPolicy } from "../guardedNamespace";
import { platformLabels, namespaceNameSelector } from "../labels";
import { allowDns, allowKubernetesApi, allowSameNamespace, everywhereButMetadata, KubernetesApiAddresses, podsLabelled, tcp } from "../networkPolicies";
import { chartRelease } from "./helm";
import { platformNamespace } from "./platformNetwork";
import { PlatformAlerting } from "./monitoring/alerting";
import { CloudWatchExporter } from "./monitoring/cloudwatchExporter";
import { GRAFANA_ADMIN_SECRET, LOKI_PORT, MONITORING_NAMESPACE, PROMETHEUS_RELEASE, PROMETHEUS_SELECTOR_LABEL } from "./monitoring/names";
import { alloyValues, lokiValues, MonitoringScheduling, prometheusStackValues } from "./monitoring/values";

/** The monitoring namespace's quota (seed 000). */
export const MONITORING_QUOTA: Quota = { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: 15 };

export interface ObservabilityArgs {
    vpcCidr: string;
    kubernetesApi: KubernetesApiAddresses;
    /** Node selector and tolerations that put a pod on the monitoring node group. */
    nodeSelector: MonitoringScheduling["nodeSelector"];
    tolerations: MonitoringScheduling["tolerations"];
    storageClassName: pulumi.Input<string>;
    /** For the CloudWatch exporter's Pod Identity role and its configuration. */
    clusterName: pulumi.Input<string>;
    region: string;
    accountId: pulumi.Input<string>;
    /** Where critical alerts go: a webhook URL, as a Pulumi secret; undefined leaves them in Alertmanager's UI. @default no receiver */
    alertWebhookUrl?: pulumi.Output<string>;
    /** The cluster add-ons (the StorageClass and CSI driver for the volumes, CoreDNS): the first release waits for them. */
    afterAddons: pulumi.Input<pulumi.Resource>[];
}

/**
 * The monitoring namespace's exceptions to its default deny, one per flow its releases need (scrapes, log
 * shipping, alert delivery, the operator's webhook), so that each open path says who needs it.
 */
function monitoringNetworkPolicies(vpcCidr: string, api: KubernetesApiAddresses): NamedNetworkPolicy[] {
    return [
        allowDns,
        allowSameNamespace,
        // The operator, kube-state-metrics, Grafana's sidecars and the chart's hook jobs.
        allowKubernetesApi(api),
        {
            // The kubelets and node exporters Prometheus scrapes live on VPC addresses.
            name: "allow-egress-cluster-hosts",
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [{ to: [{ ipBlock: { cidr: vpcCidr } }], ports: tcp(10250, 9100) }],
            },
        },
        {
            name: "allow-prometheus-scrape",
            spec: {
                podSelector: podsLabelled({ "app.kubernetes.io/name": "prometheus" }),
                policyTypes: ["Egress"],
                egress: [{ to: [{ namespaceSelector: {} }] }],
            },
        },
        {
            name: "allow-alertmanager-receivers",
            spec: {
                podSelector: podsLabelled({ "app.kubernetes.io/name": "alertmanager" }),
                policyTypes: ["Egress"],
                egress: [{ to: [everywhereButMetadata], ports: tcp(443) }],
            },
        },
        {
            name: "allow-log-shipping",
            spec: {
                podSelector: podsLabelled({ "app.kubernetes.io/name": "loki" }),
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ namespaceSelector: namespaceNameSelector("kube-system") }], ports: tcp(LOKI_PORT) }],
            },
        },
        {
            name: "allow-operator-webhook",
            spec: {
                podSelector: podsLabelled({ app: `${PROMETHEUS_RELEASE}-operator` }),
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ ipBlock: { cidr: vpcCidr } }], ports: tcp(10250) }],
            },
        },
    ];
}


/**
 * The shared observability of seed 000 (docs/cluster.md, "What it creates", lists each resource): Prometheus,
 * Alertmanager, Grafana and Loki in the guarded `monitoring` namespace, on the monitoring node group; and the
 * per-node agents — node-exporter and the Alloy log shipper — in kube-system, where they neither count against
 * the monitoring quota (a pod per node would exhaust its 15 pods) nor need the host access the namespace's Pod
 * Security level (restricted, like every namespace we create) forbids.
 */
export class Observability extends pulumi.ComponentResource {
    readonly namespaceName: pulumi.Output<string>;
    readonly prometheusStack: k8s.helm.v3.Release;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        // The type token predates the class's name; changing it would change every child's URN.
        super("fintrax:cluster:MonitoringStack", name, {}, opts);
        const parent = { parent: this };
        const scheduling = { nodeSelector: args.nodeSelector, tolerations: args.tolerations };

        const namespace = platformNamespace(name, {
            namespace: MONITORING_NAMESPACE,
            quota: MONITORING_QUOTA,
            allow: monitoringNetworkPolicies(args.vpcCidr, args.kubernetesApi),
        }, this);
        this.namespaceName = namespace.namespaceName;

        const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: true, overrideSpecial: "-_.~" }, parent);
        const adminSecret = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
            metadata: { name: GRAFANA_ADMIN_SECRET, namespace: this.namespaceName, labels: platformLabels() },
            type: "Opaque",
            stringData: { "admin-user": "admin", "admin-password": password.result },
        }, parent);

        this.prometheusStack = chartRelease(`${name}-kube-prometheus-stack`, {
            chart: "kubePrometheusStack",
            releaseName: PROMETHEUS_RELEASE,
            namespace: this.namespaceName,
            values: prometheusStackValues(scheduling, args.storageClassName),
        }, { ...parent, dependsOn: [namespace, adminSecret, ...args.afterAddons] });

        new PlatformAlerting(`${name}-alerting`, {
            namespace: this.namespaceName,
            webhookUrl: args.alertWebhookUrl,
            ruleLabels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value },
            crdsFrom: [this.prometheusStack],
        }, parent);

        new CloudWatchExporter(`${name}-cloudwatch-exporter`, {
            namespace: this.namespaceName,
            clusterName: args.clusterName,
            region: args.region,
            accountId: args.accountId,
            scheduling,
            crdsFrom: [this.prometheusStack],
        }, parent);

        const loki = chartRelease(`${name}-loki`, {
            chart: "loki",
            releaseName: "loki",
            namespace: this.namespaceName,
            values: lokiValues(scheduling, args.storageClassName),
        }, { ...parent, dependsOn: [this.prometheusStack] });

        chartRelease(`${name}-alloy`, {
            chart: "alloy",
            releaseName: "alloy",
            namespace: "kube-system",
            values: alloyValues(),
        }, { ...parent, dependsOn: [loki] });

        this.registerOutputs({ namespaceName: this.namespaceName });
    }
}
