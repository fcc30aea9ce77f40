import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { platformLabels } from "../../labels";

/** The AlertmanagerConfig the Alertmanager takes as its whole configuration (`alertmanagerConfiguration`). */
export const ALERTMANAGER_CONFIG_NAME = "platform-alerting";
export const ALERT_RECEIVER_SECRET = "alert-receivers";
export const WEBHOOK_URL_KEY = "webhook-url";
/** Production's alerts carry `severity: critical` (index.ts sets it by tier), as do the platform's pages. */
const PAGING_SEVERITY = "critical";

/**
 * The Alertmanager routing: alerts of severity critical go to the webhook receiver (when one is
 * configured); everything else stays in Alertmanager's UI. The receiver reads its URL from a Secret, so the
 * URL is in neither the Helm values nor the AlertmanagerConfig.
 */
function alertmanagerConfigSpec(webhookConfigured: boolean) {
    const onCall = webhookConfigured
        ? [{
            name: "on-call",
            webhookConfigs: [{ urlSecret: { name: ALERT_RECEIVER_SECRET, key: WEBHOOK_URL_KEY }, sendResolved: true }],
        }]
        : [];
    return {
        route: {
            receiver: "ui-only",
            groupBy: ["alertname", "namespace"],
            groupWait: "30s",
            groupInterval: "5m",
            repeatInterval: "4h",
            routes: onCall.map((receiver) => ({
                receiver: receiver.name,
                matchers: [{ name: "severity", value: PAGING_SEVERITY, matchType: "=" }],
            })),
        },
        receivers: [{ name: "ui-only" }, ...onCall],
    };
}

/** cert-manager's own metric; renewal starts at two thirds of the lifetime (30 days before for Let's Encrypt). */
export const CERTIFICATE_ALERTS = [
    {
        alert: "CertificateExpiringSoon",
        expr: "certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 24 * 3600",
        for: "1h",
        labels: { severity: PAGING_SEVERITY },
        annotations: {
            summary: "a certificate expires in less than 14 days",
            description: "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}: " +
                "cert-manager has not renewed it (Let's Encrypt sends no expiry mail).",
        },
    },
    {
        alert: "CertificateNotReady",
        expr: "max by (namespace, name) (certmanager_certificate_ready_status{condition=\"False\"}) == 1",
        for: "30m",
        labels: { severity: "warning" },
        annotations: {
            summary: "a certificate is not ready",
            description: "Certificate {{ $labels.namespace }}/{{ $labels.name }} has not been Ready for 30 minutes.",
        },
    },
];

export interface PlatformAlertingArgs {
    namespace: pulumi.Input<string>;
    /** The webhook URL, a Pulumi secret (cluster config `alertWebhookUrl`). @default no receiver */
    webhookUrl?: pulumi.Output<string>;
    /** Labels the shared Prometheus selects rules by. */
    ruleLabels: Record<string, string>;
    /** The Prometheus Operator's CRDs come with the kube-prometheus-stack release. */
    crdsFrom: pulumi.Input<pulumi.Resource>[];
}

/**
 * Alerts that reach someone: the receiver Secret, the AlertmanagerConfig that routes critical alerts to it,
 * and the platform's own rules (certificate expiry).
 */
export class PlatformAlerting extends pulumi.ComponentResource {
    constructor(name: string, args: PlatformAlertingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:PlatformAlerting", name, {}, opts);
        const after = { parent: this, dependsOn: args.crdsFrom };
        if (args.webhookUrl) {
            new k8s.core.v1.Secret(`${name}-receivers`, {
                metadata: { name: ALERT_RECEIVER_SECRET, namespace: args.namespace, labels: platformLabels() },
                type: "Opaque",
                stringData: { [WEBHOOK_URL_KEY]: pulumi.secret(args.webhookUrl) },
            }, { parent: this });
        }
        new k8s.apiextensions.CustomResource(`${name}-routing`, {
            apiVersion: "monitoring.coreos.com/v1alpha1",
            kind: "AlertmanagerConfig",
            metadata: { name: ALERTMANAGER_CONFIG_NAME, namespace: args.namespace, labels: platformLabels() },
            spec: alertmanagerConfigSpec(args.webhookUrl !== undefined),
        }, after);
        new k8s.apiextensions.CustomResource(`${name}-certificates`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: { name: "platform-certificates", namespace: args.namespace, labels: { ...platformLabels(), ...args.ruleLabels } },
            spec: { groups: [{ name: "certificates", rules: CERTIFICATE_ALERTS }] },
        }, after);
        this.registerOutputs({});
    }
}
