import { METRICS_CONTRACT, THRESHOLDS } from "./metrics";

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
export function dashboard(args: { environment: string; namespacePrefix: string }): Record<string, unknown> {
    const scope = `namespace="${args.namespacePrefix}$environment"`;
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
    const environments = `label_values(kube_resourcequota{namespace=~"${args.namespacePrefix}.+"}, namespace)`;
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
                    regex: `/^${args.namespacePrefix}(.+)$/`,
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
