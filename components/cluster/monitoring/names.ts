/** The names the monitoring stack's parts and its consumers share. */
export const MONITORING_NAMESPACE = "monitoring";
export const PROMETHEUS_RELEASE = "kube-prometheus-stack";
/** Prometheus selects ServiceMonitors, PodMonitors, Probes and PrometheusRules in every namespace by this label. */
export const PROMETHEUS_SELECTOR_LABEL = { key: "release", value: PROMETHEUS_RELEASE } as const;
/** Grafana's sidecar loads a ConfigMap from any namespace as a dashboard when it carries this label. */
export const GRAFANA_DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const LOKI_PORT = 3100;
/** Loki's Service: Grafana queries it, Alloy pushes to it. */
export const LOKI_URL = `http://loki.${MONITORING_NAMESPACE}.svc.cluster.local:${LOKI_PORT}`;
export const LOKI_PUSH_URL = `${LOKI_URL}/loki/api/v1/push`;
