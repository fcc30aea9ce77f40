import * as pulumi from "@pulumi/pulumi";
import { RESTRICTED_POD_SECURITY } from "../../podSecurity";
import { requestsOf } from "../daemonSets";
import { ALERTMANAGER_CONFIG_NAME } from "./alerting";
import { ALLOY_CONFIG } from "./alloyPipeline";
import { GRAFANA_ADMIN_SECRET, GRAFANA_DASHBOARD_LABEL, LOKI_URL, PROMETHEUS_SELECTOR_LABEL } from "./names";
import { containerResources } from "../../../model/resources";

/**
 * The Helm values of the monitoring releases, one pure function each: the component passes them to the
 * releases, the tests read them (tests/cluster/monitoringValues.test.ts) and check them against each chart
 * version's keys (tests/reference/).
 */

/**
 * Requests and limits of every container the monitoring namespace runs, in one table: the Helm values
 * below read it, and the tests add it up against the namespace quota and the monitoring node's room.
 */
export const MONITORING_CONTAINERS = {
    prometheus: containerResources("300m", "768Mi", "1", "1536Mi"),
    configReloader: containerResources("10m", "32Mi", "50m", "64Mi"),
    alertmanager: containerResources("20m", "48Mi", "100m", "128Mi"),
    operator: containerResources("50m", "96Mi", "200m", "256Mi"),
    kubeStateMetrics: containerResources("20m", "64Mi", "100m", "192Mi"),
    grafana: containerResources("100m", "192Mi", "500m", "384Mi"),
    grafanaSidecar: containerResources("20m", "64Mi", "100m", "128Mi"),
    loki: containerResources("150m", "384Mi", "1", "1Gi"),
    webhookJob: containerResources("10m", "32Mi", "100m", "64Mi"),
    cloudwatchExporter: containerResources("10m", "48Mi", "100m", "128Mi"),
};

/** The long-running containers, by pod: what the quota and the monitoring node must hold at once. */
export const MONITORING_PODS: Record<string, Array<keyof typeof MONITORING_CONTAINERS>> = {
    prometheus: ["prometheus", "configReloader"],
    alertmanager: ["alertmanager", "configReloader"],
    operator: ["operator"],
    kubeStateMetrics: ["kubeStateMetrics"],
    grafana: ["grafana", "grafanaSidecar", "grafanaSidecar"],
    loki: ["loki"],
    cloudwatchExporter: ["cloudwatchExporter"],
};

/** Node selector and tolerations that put a pod on the monitoring node group. */
export interface MonitoringScheduling {
    nodeSelector: Record<string, string>;
    tolerations: Array<{ key: string; operator: string; value: string; effect: string }>;
}

/** A pod on every node, whatever its taints: the per-node agents. */
const EVERY_NODE = [{ operator: "Exists" }];

/** kube-prometheus-stack: Prometheus, Alertmanager, the operator, kube-state-metrics and Grafana on the monitoring nodes; node-exporter everywhere. */
export function prometheusStackValues(scheduling: MonitoringScheduling, storageClassName: pulumi.Input<string>) {
    const selectByRelease = { matchLabels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value } };
    return {
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
            resources: MONITORING_CONTAINERS.operator,
            prometheusConfigReloader: { resources: MONITORING_CONTAINERS.configReloader },
            admissionWebhooks: { patch: { ...scheduling, resources: MONITORING_CONTAINERS.webhookJob } },
        },
        prometheus: {
            prometheusSpec: {
                ...scheduling,
                replicas: 1,
                retention: "10d",
                retentionSize: "18GB",
                resources: MONITORING_CONTAINERS.prometheus,
                storageSpec: {
                    volumeClaimTemplate: {
                        spec: { storageClassName: storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "20Gi" } } },
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
        alertmanager: {
            alertmanagerSpec: {
                ...scheduling, replicas: 1, resources: MONITORING_CONTAINERS.alertmanager,
                // The whole routing comes from our AlertmanagerConfig (monitoring/alerting.ts), not the chart's.
                alertmanagerConfiguration: { name: ALERTMANAGER_CONFIG_NAME },
            },
        },
        "kube-state-metrics": { ...scheduling, resources: MONITORING_CONTAINERS.kubeStateMetrics },
        grafana: {
            ...scheduling,
            resources: MONITORING_CONTAINERS.grafana,
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
            persistence: { enabled: false },
            testFramework: { enabled: false },
            sidecar: {
                resources: MONITORING_CONTAINERS.grafanaSidecar,
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
                url: LOKI_URL,
            }],
        },
        // A pod on every node (all taints tolerated), in kube-system: see the class comment.
        "prometheus-node-exporter": {
            namespaceOverride: "kube-system",
            resources: { requests: requestsOf("prometheus-node-exporter", "node-exporter"), limits: { memory: "64Mi" } },
            tolerations: EVERY_NODE,
        },
    };
}

/** Loki as a single binary on filesystem storage, 7 days of logs, on the monitoring nodes. */
export function lokiValues(scheduling: MonitoringScheduling, storageClassName: pulumi.Input<string>) {
    return {
        deploymentMode: "SingleBinary",
        loki: {
            auth_enabled: false,
            // The chart's non-root defaults (user 10001) plus the seccomp profile the restricted level requires.
            podSecurityContext: RESTRICTED_POD_SECURITY,
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
            resources: MONITORING_CONTAINERS.loki,
            persistence: { enabled: true, size: "10Gi", storageClass: storageClassName },
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
    };
}

/** Alloy as a daemon set on every node, tailing its node's pod logs to Loki. */
export function alloyValues() {
    return {
        controller: { type: "daemonset", tolerations: EVERY_NODE, priorityClassName: "system-node-critical" },
        alloy: {
            configMap: { create: true, content: ALLOY_CONFIG },
            mounts: { varlog: true },
            resources: { requests: requestsOf("alloy", "alloy"), limits: { memory: "256Mi" } },
        },
        configReloader: { resources: { requests: requestsOf("alloy", "config-reloader"), limits: { memory: "64Mi" } } },
    };
}
