import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { Quota } from "../../config/tiers";
import { GuardedNamespace, NamedNetworkPolicy } from "../guardedNamespace";
import { platformLabels, namespaceNameSelector } from "../labels";
import { allowDns, allowKubernetesApi, allowSameNamespace, KubernetesApiAddresses, METADATA_CIDR } from "../networkPolicies";
import { chartRelease, resources } from "./helm";
import { requestsOf } from "./versions";

export const MONITORING_NAMESPACE = "monitoring";
/** The monitoring namespace's quota (seed 000). */
export const MONITORING_QUOTA: Quota = { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: 15 };
const CONTAINER_DEFAULTS = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } };

export const PROMETHEUS_RELEASE = "kube-prometheus-stack";
/** Prometheus selects ServiceMonitors, PodMonitors, Probes and PrometheusRules in every namespace by this label. */
export const PROMETHEUS_SELECTOR_LABEL = { key: "release", value: PROMETHEUS_RELEASE } as const;
/** Grafana's sidecar loads a ConfigMap from any namespace as a dashboard when it carries this label. */
export const GRAFANA_DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const LOKI_PUSH_URL = `http://loki.${MONITORING_NAMESPACE}.svc.cluster.local:3100/loki/api/v1/push`;

/**
 * Requests and limits of every container the monitoring namespace runs, in one table: the Helm values
 * below read it, and the tests add it up against the namespace quota and the monitoring node's room.
 */
export const MONITORING_CONTAINERS = {
    prometheus: resources("300m", "768Mi", "1", "1536Mi"),
    configReloader: resources("10m", "32Mi", "50m", "64Mi"),
    alertmanager: resources("20m", "48Mi", "100m", "128Mi"),
    operator: resources("50m", "96Mi", "200m", "256Mi"),
    kubeStateMetrics: resources("20m", "64Mi", "100m", "192Mi"),
    grafana: resources("100m", "192Mi", "500m", "384Mi"),
    grafanaSidecar: resources("20m", "64Mi", "100m", "128Mi"),
    loki: resources("150m", "384Mi", "1", "1Gi"),
    webhookJob: resources("10m", "32Mi", "100m", "64Mi"),
};

/** The long-running containers, by pod: what the quota and the monitoring node must hold at once. */
export const MONITORING_PODS: Record<string, Array<keyof typeof MONITORING_CONTAINERS>> = {
    prometheus: ["prometheus", "configReloader"],
    alertmanager: ["alertmanager", "configReloader"],
    operator: ["operator"],
    kubeStateMetrics: ["kubeStateMetrics"],
    grafana: ["grafana", "grafanaSidecar", "grafanaSidecar"],
    loki: ["loki"],
};

export interface MonitoringStackArgs {
    vpcCidr: string;
    kubernetesApi: KubernetesApiAddresses;
    /** Node selector and tolerations that put a pod on the monitoring node group. */
    nodeSelector: Record<string, string>;
    tolerations: Array<{ key: string; operator: string; value: string; effect: string }>;
    storageClassName: pulumi.Input<string>;
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

const selectPods = (labels: Record<string, string>) => ({ matchLabels: labels });

/** The monitoring namespace's allows on top of its default deny. */
export function monitoringNetworkPolicies(vpcCidr: string, api: KubernetesApiAddresses): NamedNetworkPolicy[] {
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
                egress: [{
                    to: [{ ipBlock: { cidr: vpcCidr } }],
                    ports: [10250, 9100].map((port) => ({ protocol: "TCP", port })),
                }],
            },
        },
        {
            name: "allow-prometheus-scrape",
            spec: {
                podSelector: selectPods({ "app.kubernetes.io/name": "prometheus" }),
                policyTypes: ["Egress"],
                egress: [{ to: [{ namespaceSelector: {} }] }],
            },
        },
        {
            name: "allow-alertmanager-receivers",
            spec: {
                podSelector: selectPods({ "app.kubernetes.io/name": "alertmanager" }),
                policyTypes: ["Egress"],
                egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_CIDR] } }], ports: [{ protocol: "TCP", port: 443 }] }],
            },
        },
        {
            name: "allow-log-shipping",
            spec: {
                podSelector: selectPods({ "app.kubernetes.io/name": "loki" }),
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ namespaceSelector: namespaceNameSelector("kube-system") }], ports: [{ protocol: "TCP", port: 3100 }] }],
            },
        },
        {
            name: "allow-operator-webhook",
            spec: {
                podSelector: selectPods({ app: `${PROMETHEUS_RELEASE}-operator` }),
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ ipBlock: { cidr: vpcCidr } }], ports: [{ protocol: "TCP", port: 10250 }] }],
            },
        },
    ];
}

/** Alloy's pipeline: the pod logs of its own node, tailed from /var/log/pods, labelled and pushed to Loki. */
export const ALLOY_CONFIG = `
discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + sys.env("HOSTNAME")
  }
}

discovery.relabel "pods" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "app"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"]
    separator     = "/"
    target_label  = "__path__"
    replacement   = "/var/log/pods/*$1/*.log"
  }
}

local.file_match "pods" {
  path_targets = discovery.relabel.pods.output
}

loki.source.file "pods" {
  targets    = local.file_match.pods.targets
  forward_to = [loki.process.pods.receiver]
}

loki.process "pods" {
  stage.cri {}
  forward_to = [loki.write.default.receiver]
}

loki.write "default" {
  endpoint {
    url = "${LOKI_PUSH_URL}"
  }
}
`.trimStart();

/**
 * The shared observability of seed 000: the `monitoring` namespace (with its quota, container defaults,
 * default deny and the allows the stack needs), kube-prometheus-stack (Prometheus, Alertmanager, Grafana
 * with a generated admin password from a Secret, kube-state-metrics) and Loki, all on the monitoring node
 * group; and the per-node agents — node-exporter and the Alloy log shipper — in kube-system, where they
 * neither count against the monitoring quota (a pod per node would exhaust its 15 pods) nor need the
 * host access the namespace's Pod Security level (restricted, like every namespace we create) forbids.
 */
export class MonitoringStack extends pulumi.ComponentResource {
    readonly namespaceName: pulumi.Output<string>;
    readonly prometheusStack: k8s.helm.v3.Release;

    constructor(name: string, args: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:MonitoringStack", name, {}, opts);
        const parent = { parent: this };
        const scheduling = { nodeSelector: args.nodeSelector, tolerations: args.tolerations };
        const everyNode = [{ operator: "Exists" }];
        const c = MONITORING_CONTAINERS;

        const namespace = new GuardedNamespace(name, {
            name: MONITORING_NAMESPACE,
            labels: platformLabels({ "fintrax.io/tier": "platform" }),
            podSecurity: "restricted",
            quota: MONITORING_QUOTA,
            containerDefaults: CONTAINER_DEFAULTS,
            allow: monitoringNetworkPolicies(args.vpcCidr, args.kubernetesApi),
        }, parent);
        this.namespaceName = namespace.namespaceName;

        const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: true, overrideSpecial: "-_.~" }, parent);
        const adminSecret = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
            metadata: { name: GRAFANA_ADMIN_SECRET, namespace: this.namespaceName, labels: platformLabels() },
            type: "Opaque",
            stringData: { "admin-user": "admin", "admin-password": password.result },
        }, parent);

        const selectByRelease = { matchLabels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value } };
        this.prometheusStack = chartRelease(`${name}-kube-prometheus-stack`, {
            chart: "kubePrometheusStack",
            releaseName: PROMETHEUS_RELEASE,
            namespace: this.namespaceName,
            values: {
                // The control plane is AWS's: its components cannot be scraped on EKS.
                kubeControllerManager: { enabled: false },
                kubeScheduler: { enabled: false },
                kubeEtcd: { enabled: false },
                kubeProxy: { enabled: false },
                defaultRules: {
                    rules: { etcd: false, kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeProxy: false },
                },
                prometheusOperator: {
                    ...scheduling,
                    resources: c.operator,
                    prometheusConfigReloader: { resources: c.configReloader },
                    admissionWebhooks: { patch: { ...scheduling, resources: c.webhookJob } },
                },
                prometheus: {
                    prometheusSpec: {
                        ...scheduling,
                        replicas: 1,
                        retention: "10d",
                        retentionSize: "18GB",
                        resources: c.prometheus,
                        storageSpec: {
                            volumeClaimTemplate: {
                                spec: { storageClassName: args.storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } },
                            },
                        },
                        // Select by the release label in every namespace, whoever created the object.
                        serviceMonitorSelectorNilUsesHelmValues: false,
                        podMonitorSelectorNilUsesHelmValues: false,
                        ruleSelectorNilUsesHelmValues: false,
                        probeSelectorNilUsesHelmValues: false,
                        serviceMonitorSelector: selectByRelease,
                        podMonitorSelector: selectByRelease,
                        ruleSelector: selectByRelease,
                        probeSelector: selectByRelease,
                        serviceMonitorNamespaceSelector: {},
                        podMonitorNamespaceSelector: {},
                        ruleNamespaceSelector: {},
                        probeNamespaceSelector: {},
                    },
                },
                alertmanager: { alertmanagerSpec: { ...scheduling, replicas: 1, resources: c.alertmanager } },
                "kube-state-metrics": { ...scheduling, resources: c.kubeStateMetrics },
                grafana: {
                    ...scheduling,
                    resources: c.grafana,
                    admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
                    persistence: { enabled: false },
                    testFramework: { enabled: false },
                    sidecar: {
                        resources: c.grafanaSidecar,
                        dashboards: {
                            enabled: true,
                            label: GRAFANA_DASHBOARD_LABEL.key,
                            labelValue: GRAFANA_DASHBOARD_LABEL.value,
                            searchNamespace: "ALL",
                        },
                        datasources: { enabled: true },
                    },
                    additionalDataSources: [{
                        name: "Loki",
                        type: "loki",
                        access: "proxy",
                        url: `http://loki.${MONITORING_NAMESPACE}.svc.cluster.local:3100`,
                    }],
                },
                // A pod on every node (all taints tolerated), in kube-system: see the class comment.
                "prometheus-node-exporter": {
                    namespaceOverride: "kube-system",
                    resources: { requests: requestsOf("prometheus-node-exporter", "node-exporter"), limits: { memory: "64Mi" } },
                    tolerations: everyNode,
                },
            },
        }, { ...parent, dependsOn: [namespace, adminSecret, ...args.dependsOn] });

        const loki = chartRelease(`${name}-loki`, {
            chart: "loki",
            releaseName: "loki",
            namespace: this.namespaceName,
            values: {
                deploymentMode: "SingleBinary",
                loki: {
                    auth_enabled: false,
                    // The chart's non-root defaults plus the seccomp profile the restricted level requires.
                    podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
                    commonConfig: { replication_factor: 1 },
                    storage: { type: "filesystem" },
                    schemaConfig: {
                        configs: [{
                            from: "2024-04-01",
                            store: "tsdb",
                            object_store: "filesystem",
                            schema: "v13",
                            index: { prefix: "loki_index_", period: "24h" },
                        }],
                    },
                    limits_config: { retention_period: "168h" },
                    compactor: { retention_enabled: true, delete_request_store: "filesystem" },
                },
                singleBinary: {
                    ...scheduling,
                    replicas: 1,
                    resources: c.loki,
                    persistence: { enabled: true, size: "10Gi", storageClass: args.storageClassName },
                },
                // Single binary only: no scalable targets, gateway, caches, canary or test pods.
                read: { replicas: 0 },
                write: { replicas: 0 },
                backend: { replicas: 0 },
                gateway: { enabled: false },
                chunksCache: { enabled: false },
                resultsCache: { enabled: false },
                lokiCanary: { enabled: false },
                test: { enabled: false },
                sidecar: { rules: { enabled: false } },
                monitoring: {
                    serviceMonitor: { enabled: true, labels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value } },
                },
            },
        }, { ...parent, dependsOn: [this.prometheusStack] });

        chartRelease(`${name}-alloy`, {
            chart: "alloy",
            releaseName: "alloy",
            namespace: "kube-system",
            values: {
                controller: { type: "daemonset", tolerations: everyNode, priorityClassName: "system-node-critical" },
                alloy: {
                    configMap: { create: true, content: ALLOY_CONFIG },
                    mounts: { varlog: true },
                    resources: { requests: requestsOf("alloy", "alloy"), limits: { memory: "256Mi" } },
                },
                configReloader: { resources: { requests: requestsOf("alloy", "config-reloader"), limits: { memory: "64Mi" } } },
            },
        }, { ...parent, dependsOn: [loki] });

        this.registerOutputs({ namespaceName: this.namespaceName });
    }
}
