import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/**
 * The metrics every service exposes on its `http` port at `/metrics` (see docs/data-and-observability.md):
 * a request counter labelled with the HTTP status, and a request duration histogram whose buckets include
 * the alert thresholds below (the client libraries' default buckets do).
 */
export const METRICS_CONTRACT = {
    port: "http",
    path: "/metrics",
    requests: "http_requests_total",
    statusLabel: "status",
    duration: "http_request_duration_seconds",
} as const;

/** The database's free storage as the CloudWatch exporter (YACE) publishes RDS's FreeStorageSpace, in bytes. */
export const RDS_FREE_STORAGE_METRIC = "aws_rds_free_storage_space_average";
const RDS_INSTANCE_LABEL = "dimension_DBInstanceIdentifier";

/** The annotation the Grafana sidecar files a dashboard under (its `folderAnnotation`). */
export const GRAFANA_FOLDER_ANNOTATION = "grafana_folder";
export const GRAFANA_FOLDER = "Fintrax";

export const THRESHOLDS = {
    errorRatio: 0.05,
    /** Requests per second below which a service's error ratio is noise rather than news. */
    minimumRequestRate: 0.1,
    latencyP95Seconds: 0.5,
    latencyP99Seconds: 1,
    quotaRatio: 0.9,
    crashRestarts: 2,
    freeStorageRatio: 0.1,
} as const;

type Label = { key: string; value: string };

export interface MonitoredService {
    name: string;
    /** The labels of the service's Service and pods (AppService's `selector`). */
    selector: Record<string, string>;
}

export interface EnvironmentMonitoringArgs {
    environment: string;
    /** The environment's namespace, `<prefix><environment>`: where everything here lives, and every query's scope. */
    namespace: string;
    services: MonitoredService[];
    /** The label Prometheus selects ServiceMonitors and PrometheusRules by. */
    prometheusSelectorLabel: pulumi.Input<Label>;
    /** The label the Grafana sidecar loads dashboard ConfigMaps by. */
    grafanaDashboardLabel: pulumi.Input<Label>;
    /** `critical` pages (production); `warning` only notifies. */
    severity: "critical" | "warning";
    /** The environment's RDS instances, for the free-storage alerts (one pair of rules each). */
    databases?: Array<{ identifier: string; allocatedStorageGb: number }>;
    /** The environment's extra namespaces: their pods' crash loops and their quotas are alerted on too. */
    extraNamespaces?: string[];
    labels: Record<string, string>;
}

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: { summary: string; description: string };
}

/**
 * An environment's view on the shared Prometheus and Grafana: a ServiceMonitor per service, one
 * PrometheusRule with the alerts that matter for it (severity by tier), and a Grafana dashboard whose
 * `environment` variable starts at this environment.
 */
export class EnvironmentMonitoring extends pulumi.ComponentResource {
    readonly alerts: string[];

    constructor(name: string, args: EnvironmentMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:observability:EnvironmentMonitoring", name, {}, opts);
        const parent = { parent: this };
        const labelled = (label: pulumi.Input<Label>) =>
            pulumi.output(label).apply(({ key, value }) => ({ ...args.labels, [key]: value }));
        const prometheusLabels = labelled(args.prometheusSelectorLabel);

        for (const service of args.services) {
            new k8s.apiextensions.CustomResource(`${name}-${service.name}-monitor`, {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: { name: service.name, namespace: args.namespace, labels: prometheusLabels },
                spec: {
                    selector: { matchLabels: service.selector },
                    namespaceSelector: { matchNames: [args.namespace] },
                    endpoints: [{ port: METRICS_CONTRACT.port, path: METRICS_CONTRACT.path, interval: "30s", scrapeTimeout: "10s" }],
                },
            }, parent);
        }

        const rules = alertRules(args);
        this.alerts = rules.map((rule) => rule.alert);
        new k8s.apiextensions.CustomResource(`${name}-rules`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: { name: "fintrax-alerts", namespace: args.namespace, labels: prometheusLabels },
            spec: { groups: [{ name: `fintrax-${args.environment}`, rules }] },
        }, parent);

        new k8s.core.v1.ConfigMap(`${name}-dashboard`, {
            metadata: {
                name: "fintrax-dashboard",
                namespace: args.namespace,
                labels: labelled(args.grafanaDashboardLabel),
                annotations: { [GRAFANA_FOLDER_ANNOTATION]: GRAFANA_FOLDER },
            },
            data: { [`fintrax-${args.environment}.json`]: JSON.stringify(dashboard(args), null, 2) },
        }, parent);

        this.registerOutputs({ alerts: this.alerts });
    }
}

/** The environment's alerts; every expression is limited to its namespace (or, for RDS, its instance). */
export function alertRules(args: Pick<EnvironmentMonitoringArgs, "environment" | "namespace" | "severity" | "databases" | "extraNamespaces">): AlertRule[] {
    const scope = `namespace="${args.namespace}"`;
    // Pods and quotas of every namespace of the environment; the services' metrics are in its own namespace only.
    const extra = args.extraNamespaces ?? [];
    const everyNamespace = extra.length ? `namespace=~"${[args.namespace, ...extra].join("|")}"` : scope;
    const { requests, statusLabel, duration } = METRICS_CONTRACT;
    const requestRate = `sum by (namespace, service) (rate(${requests}{${scope}}[5m]))`;
    const latency = (quantile: number) =>
        `histogram_quantile(${quantile}, sum by (namespace, service, le) (rate(${duration}_bucket{${scope}}[5m])))`;
    const rule = (alert: string, expr: string, forDuration: string, summary: string, description: string, severity = args.severity): AlertRule => ({
        alert,
        expr,
        for: forDuration,
        labels: { severity, environment: args.environment, namespace: args.namespace },
        annotations: { summary: `${args.environment}: ${summary}`, description },
    });

    const rules = [
        rule("FintraxPodCrashLooping",
            `max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total{${everyNamespace}}[15m]) > ${THRESHOLDS.crashRestarts}` +
            ` or max_over_time(kube_pod_container_status_waiting_reason{${everyNamespace}, reason="CrashLoopBackOff"}[5m]) >= 1)`,
            "5m", "a container is crash-looping",
            "Container {{ $labels.container }} of pod {{ $labels.pod }} keeps restarting (CrashLoopBackOff or more than " +
            `${THRESHOLDS.crashRestarts} restarts in 15 minutes).`),
        rule("FintraxServiceErrorRateHigh",
            `sum by (namespace, service) (rate(${requests}{${scope}, ${statusLabel}=~"5.."}[5m])) / ${requestRate} > ${THRESHOLDS.errorRatio}` +
            ` and ${requestRate} > ${THRESHOLDS.minimumRequestRate}`,
            "10m", "a service answers with too many server errors",
            `{{ $labels.service }} answers {{ $value | humanizePercentage }} of its requests with 5xx (threshold ${THRESHOLDS.errorRatio * 100} %).`),
        rule("FintraxServiceLatencyP95High", `${latency(0.95)} > ${THRESHOLDS.latencyP95Seconds}`,
            "10m", "a service is slow (p95)",
            `{{ $labels.service }}'s 95th percentile latency is {{ $value | humanizeDuration }} (threshold ${THRESHOLDS.latencyP95Seconds}s).`),
        rule("FintraxServiceLatencyP99High", `${latency(0.99)} > ${THRESHOLDS.latencyP99Seconds}`,
            "10m", "a service is slow (p99)",
            `{{ $labels.service }}'s 99th percentile latency is {{ $value | humanizeDuration }} (threshold ${THRESHOLDS.latencyP99Seconds}s).`),
        rule("FintraxNamespaceQuotaNearlyFull",
            `max by (namespace, resource) (kube_resourcequota{${everyNamespace}, type="used"}` +
            ` / ignoring(instance, job, type) (kube_resourcequota{${everyNamespace}, type="hard"} > 0)) > ${THRESHOLDS.quotaRatio}`,
            "15m", "the namespace quota is nearly used up",
            `{{ $labels.resource }} is at {{ $value | humanizePercentage }} of the namespace quota (threshold ${THRESHOLDS.quotaRatio * 100} %): ` +
            "new pods, rollouts and scale-ups will be refused.",
        ),
        rule("FintraxAutoscalerAtMaximum",
            `max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_status_current_replicas{${scope}})` +
            ` >= max by (namespace, horizontalpodautoscaler) (kube_horizontalpodautoscaler_spec_max_replicas{${scope}})`,
            "15m", "an autoscaler is pinned at its maximum",
            "{{ $labels.horizontalpodautoscaler }} has run at its maximum replicas for 15 minutes: it cannot absorb more load.",
        ),
    ];
    for (const { identifier, allocatedStorageGb } of args.databases ?? []) {
        const instance = `${RDS_FREE_STORAGE_METRIC}{${RDS_INSTANCE_LABEL}="${identifier}"}`;
        const minimumBytes = Math.round(allocatedStorageGb * 1024 ** 3 * THRESHOLDS.freeStorageRatio);
        rules.push(
            rule("FintraxDatabaseStorageLow", `${instance} < ${minimumBytes}`,
                "15m", "the database is running out of storage",
                `${identifier} has {{ $value | humanize1024 }}B free, less than ${THRESHOLDS.freeStorageRatio * 100} % of its ` +
                `${allocatedStorageGb} GiB; a full RDS volume stops writes.`),
            // Without the CloudWatch exporter the alert above could never fire: say so instead of staying silent.
            // A gap in monitoring is worth a ticket, not a page at night, whatever the tier.
            rule("FintraxDatabaseStorageMetricsMissing", `absent(${instance})`,
                "1h", "the database's storage is not monitored",
                `No ${RDS_FREE_STORAGE_METRIC} for ${identifier} in Prometheus for an hour: is the CloudWatch exporter running?`,
                "warning"),
        );
    }
    return rules;
}

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

interface PanelSpec {
    title: string;
    unit: string;
    targets: Array<[expr: string, legend: string]>;
    type?: "timeseries" | "bargauge";
    /** A ratio panel: 0 to 1, red from the alert's threshold on. */
    redFrom?: number;
}

/**
 * The environment's dashboard. Its `environment` variable lists every environment that has a namespace
 * quota (all of them) and starts at this one, so one dashboard per environment shows them all.
 */
export function dashboard(args: Pick<EnvironmentMonitoringArgs, "environment" | "namespace">): Record<string, unknown> {
    if (!args.namespace.endsWith(args.environment)) {
        throw new Error(`the namespace ${args.namespace} must end with the environment's name ${args.environment}`);
    }
    const prefix = args.namespace.slice(0, args.namespace.length - args.environment.length);
    const scope = `namespace="${prefix}$environment"`;
    const { requests, statusLabel, duration } = METRICS_CONTRACT;
    const rate = (filter = "") => `sum by (service) (rate(${requests}{${scope}${filter}}[$__rate_interval]))`;
    const latency = (quantile: number) =>
        `histogram_quantile(${quantile}, sum by (service, le) (rate(${duration}_bucket{${scope}}[$__rate_interval])))`;
    const panels: PanelSpec[] = [
        { title: "Request rate", unit: "reqps", targets: [[rate(), "{{service}}"]] },
        { title: "Server errors (5xx ratio)", unit: "percentunit", targets: [[`${rate(`, ${statusLabel}=~"5.."`)} / ${rate()}`, "{{service}}"]] },
        { title: "Latency p95", unit: "s", targets: [[latency(0.95), "{{service}}"]] },
        { title: "Latency p99", unit: "s", targets: [[latency(0.99), "{{service}}"]] },
        {
            title: "Pods ready by deployment",
            unit: "short",
            targets: [[`sum by (deployment) (kube_deployment_status_replicas_available{${scope}})`, "{{deployment}}"]],
        },
        {
            title: "Container restarts (1h)",
            unit: "short",
            targets: [[`sum by (pod) (increase(kube_pod_container_status_restarts_total{${scope}}[1h]))`, "{{pod}}"]],
        },
        {
            title: "Autoscalers: replicas and maximum",
            unit: "short",
            targets: [
                [`kube_horizontalpodautoscaler_status_current_replicas{${scope}}`, "{{horizontalpodautoscaler}}"],
                [`kube_horizontalpodautoscaler_spec_max_replicas{${scope}}`, "{{horizontalpodautoscaler}} max"],
            ],
        },
        {
            title: "Namespace quota used",
            unit: "percentunit",
            type: "bargauge",
            redFrom: THRESHOLDS.quotaRatio,
            targets: [[
                `max by (resource) (kube_resourcequota{${scope}, type="used"} / ignoring(instance, job, type) (kube_resourcequota{${scope}, type="hard"} > 0))`,
                "{{resource}}",
            ]],
        },
    ];
    const environments = `label_values(kube_resourcequota{namespace=~"${prefix}.+"}, namespace)`;
    return {
        uid: `fintrax-${args.environment}`,
        title: `Fintrax: ${args.environment}`,
        tags: ["fintrax"],
        timezone: "utc",
        editable: false,
        schemaVersion: 39,
        version: 1,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        templating: {
            list: [
                {
                    name: "datasource",
                    label: "Data source",
                    type: "datasource",
                    query: "prometheus",
                    current: { text: "Prometheus", value: "prometheus" },
                    hide: 0,
                },
                {
                    name: "environment",
                    label: "Environment",
                    type: "query",
                    datasource: DATASOURCE,
                    definition: environments,
                    query: { query: environments, refId: "environments" },
                    regex: `/^${prefix}(.+)$/`,
                    current: { selected: true, text: args.environment, value: args.environment },
                    options: [],
                    refresh: 1,
                    sort: 1,
                    includeAll: false,
                    multi: false,
                    hide: 0,
                },
            ],
        },
        panels: panels.map((panel, index) => ({
            id: index + 1,
            title: panel.title,
            type: panel.type ?? "timeseries",
            datasource: DATASOURCE,
            gridPos: { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 },
            fieldConfig: {
                defaults: {
                    unit: panel.unit,
                    min: 0,
                    ...(panel.redFrom !== undefined ? {
                        max: 1,
                        thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: panel.redFrom }] },
                    } : {}),
                },
                overrides: [],
            },
            targets: panel.targets.map(([expr, legendFormat], target) => ({
                refId: String.fromCharCode(65 + target),
                datasource: DATASOURCE,
                expr,
                legendFormat,
            })),
        })),
    };
}
