import { METRICS_CONTRACT, RDS_FREE_STORAGE_METRIC, RDS_INSTANCE_LABEL, THRESHOLDS } from "./metrics";

/** What the alerts are about: the environment, its namespaces and its databases. */
export interface AlertScope {
    environment: string;
    /** The environment's namespace, `<prefix><environment>`: where everything here lives, and every query's scope. */
    namespace: string;
    /** `critical` pages (production); `warning` only notifies. */
    severity: "critical" | "warning";
    /** The environment's RDS instances, for the free-storage alerts (one pair of rules each). @default none */
    databases?: Array<{ identifier: string; allocatedStorageGb: number }>;
    /** The environment's extra namespaces: their pods' crash loops and their quotas are alerted on too. @default none */
    extraNamespaces?: string[];
}

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: Record<string, string>;
    annotations: { summary: string; description: string };
}

/** The environment's alerts; every expression is limited to its namespace (or, for RDS, its instance). */
export function alertRules(args: AlertScope): AlertRule[] {
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
