/**
 * Every Helm chart the cluster stack installs, pinned. tests/reference checks each version against the
 * released versions in reference/helm-charts.json and every values key the stack sets against that
 * version's reference/helm-values-<chart>-<version>.json; bump a chart here, one at a time, after adding
 * its facts (reference/README.md, "Refreshing") and reading its upgrade notes.
 */
export const CHARTS = {
    metricsServer: { chart: "metrics-server", version: "3.13.1", repo: "https://kubernetes-sigs.github.io/metrics-server/" },
    /** 9.59.0 ships Cluster Autoscaler 1.35: its minor must match the cluster's Kubernetes minor. */
    clusterAutoscaler: { chart: "cluster-autoscaler", version: "9.59.0", repo: "https://kubernetes.github.io/autoscaler" },
    /**
     * The edge (docs/cluster.md, "Edge"): Envoy Gateway and its CRD chart, released together from the same tag
     * of envoyproxy/gateway to the OCI repository; external-dns. Versions read on 2026-12-01 from
     * reference/helm-charts.json (`ingressNginxReplacements`: v1.9.0 is gateway-helm's newest release, of
     * 2026-08-15, bundling Gateway API v1.6.1; 1.21.1, of 2026-04-30, external-dns's, app 0.21.0).
     */
    envoyGateway: { chart: "gateway-helm", version: "v1.9.0", repo: "oci://docker.io/envoyproxy" },
    envoyGatewayCrds: { chart: "gateway-crds-helm", version: "v1.9.0", repo: "oci://docker.io/envoyproxy" },
    externalDns: { chart: "external-dns", version: "1.21.1", repo: "https://kubernetes-sigs.github.io/external-dns/" },
    /** v1.21.1: the newest release the reference data confirms (v1.21.2 could not be found, 2026-12-01). */
    certManager: { chart: "cert-manager", version: "v1.21.1", repo: "https://charts.jetstack.io" },
    kubePrometheusStack: { chart: "kube-prometheus-stack", version: "83.7.0", repo: "https://prometheus-community.github.io/helm-charts" },
    loki: { chart: "loki", version: "6.53.0", repo: "https://grafana.github.io/helm-charts" },
    alloy: { chart: "alloy", version: "1.8.1", repo: "https://grafana.github.io/helm-charts" },
    /** YACE, the CloudWatch exporter behind the database storage alerts (facts: reference/helm-charts-added.json). */
    cloudwatchExporter: { chart: "prometheus-yet-another-cloudwatch-exporter", version: "0.47.0", repo: "https://prometheus-community.github.io/helm-charts" },
} as const;

export type ChartName = keyof typeof CHARTS;

/** The Kubernetes minor the pinned Cluster Autoscaler is built for (see above). */
export const AUTOSCALER_KUBERNETES_MINOR = "1.35";
