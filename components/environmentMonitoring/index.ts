import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { alertRules, type AlertScope } from "./alerts";
import { dashboard } from "./dashboard";
import { METRICS_CONTRACT } from "./metrics";

/** The annotation the Grafana sidecar files a dashboard under (its `folderAnnotation`). */
const GRAFANA_FOLDER_ANNOTATION = "grafana_folder";
const GRAFANA_FOLDER = "Fintrax";

type Label = { key: string; value: string };

export interface MonitoredService {
    name: string;
    /** The labels of the service's Service and pods (AppService's `selector`). */
    selector: Record<string, string>;
}

export interface EnvironmentMonitoringArgs extends AlertScope {
    services: MonitoredService[];
    /** The label Prometheus selects ServiceMonitors and PrometheusRules by. */
    prometheusSelectorLabel: pulumi.Input<Label>;
    /** The label the Grafana sidecar loads dashboard ConfigMaps by. */
    grafanaDashboardLabel: pulumi.Input<Label>;
    labels: Record<string, string>;
}

/**
 * An environment's view on the shared Prometheus and Grafana: a ServiceMonitor per service, one
 * PrometheusRule with the alerts that matter for it (severity by tier), and a Grafana dashboard whose
 * `environment` variable starts at this environment.
 */
export class EnvironmentMonitoring extends pulumi.ComponentResource {
    constructor(name: string, args: EnvironmentMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:observability:EnvironmentMonitoring", name, {}, opts);
        // The dashboard's `environment` variable stands for the namespace's last part.
        if (!args.namespace.endsWith(args.environment)) {
            throw new pulumi.ResourceError(`the namespace ${args.namespace} must end with the environment's name ${args.environment}`, this);
        }
        const namespacePrefix = args.namespace.slice(0, args.namespace.length - args.environment.length);
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
            data: { [`fintrax-${args.environment}.json`]: JSON.stringify(dashboard({ environment: args.environment, namespacePrefix }), null, 2) },
        }, parent);

        this.registerOutputs({ alerts: rules.map((rule) => rule.alert) });
    }
}
