import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Quota } from "../../config/tiers";
import { GuardedNamespace, NamedNetworkPolicy } from "../guardedNamespace";
import { EXPOSED_LABEL, namespaceNameSelector, platformLabels } from "../labels";
import { allowDns, allowKubernetesApi, allowSameNamespace, KubernetesApiAddresses, METADATA_CIDR } from "../networkPolicies";
import { chartRelease, resources } from "./helm";
import { MONITORING_NAMESPACE, PROMETHEUS_SELECTOR_LABEL } from "./monitoringStack";

export const INGRESS_NAMESPACE = "ingress-nginx";
export const INGRESS_CLASS_NAME = "nginx";
export const CERT_MANAGER_NAMESPACE = "cert-manager";
export const CLUSTER_ISSUER_NAME = "letsencrypt";
export const STAGING_CLUSTER_ISSUER_NAME = "letsencrypt-staging";

/** Quotas of the two platform namespaces: their pods at full size, one rolling-update surge and the hook jobs. */
export const INGRESS_QUOTA: Quota = { requests: { cpu: "500m", memory: "768Mi" }, limits: { cpu: "3", memory: "2Gi" }, pods: 6 };
export const CERT_MANAGER_QUOTA: Quota = { requests: { cpu: "300m", memory: "768Mi" }, limits: { cpu: "1", memory: "1Gi" }, pods: 6 };
const CONTAINER_DEFAULTS = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } };
const JOB_RESOURCES = resources("10m", "32Mi", "100m", "64Mi");

const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const everywhereButMetadata = { ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_CIDR] } };
const controllerPods = { matchLabels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" } };

/** Policies both platform namespaces need: DNS, their own pods, the API server, Prometheus. */
function platformBaseline(api: KubernetesApiAddresses, metricsPorts: number[]): NamedNetworkPolicy[] {
    return [
        allowDns,
        allowSameNamespace,
        allowKubernetesApi(api),
        {
            name: "allow-monitoring-scrape",
            spec: {
                podSelector: {},
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ namespaceSelector: namespaceNameSelector(MONITORING_NAMESPACE) }], ports: tcp(...metricsPorts) }],
            },
        },
    ];
}

export function ingressNetworkPolicies(vpcCidr: string, api: KubernetesApiAddresses): NamedNetworkPolicy[] {
    return [
        ...platformBaseline(api, [10254]),
        {
            // The NLB forwards clients with their own addresses (externalTrafficPolicy: Local).
            name: "allow-http-from-anywhere",
            spec: { podSelector: controllerPods, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(80, 443) }] },
        },
        {
            name: "allow-admission-webhook",
            spec: { podSelector: controllerPods, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: vpcCidr } }], ports: tcp(8443) }] },
        },
        {
            // The controller proxies to the services of every environment (each admits it in turn).
            name: "allow-egress-backends",
            spec: { podSelector: controllerPods, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] },
        },
    ];
}

export function certManagerNetworkPolicies(vpcCidr: string, api: KubernetesApiAddresses): NamedNetworkPolicy[] {
    return [
        ...platformBaseline(api, [9402]),
        {
            // Let's Encrypt's API (443) and the HTTP-01 self-check through the public load balancer (80).
            name: "allow-egress-acme",
            spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [everywhereButMetadata], ports: tcp(80, 443) }] },
        },
        {
            name: "allow-webhook",
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/name": "webhook" } },
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ ipBlock: { cidr: vpcCidr } }], ports: tcp(10250) }],
            },
        },
    ];
}

/** A Let's Encrypt ClusterIssuer solving HTTP-01 through the ingress controller. */
export function letsEncryptIssuer(name: string, server: string, email: string) {
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name },
        spec: {
            acme: {
                server,
                email,
                privateKeySecretRef: { name: `${name}-account-key` },
                solvers: [{
                    http01: {
                        ingress: {
                            ingressClassName: INGRESS_CLASS_NAME,
                            // Unset it is NodePort (cert-manager's API reference), which the environments' quotas refuse.
                            serviceType: "ClusterIP",
                            // The environments' network policies admit the ingress controller to exposed pods only.
                            podTemplate: { metadata: { labels: { [EXPOSED_LABEL]: "true" } } },
                        },
                    },
                }],
            },
        },
    };
}

export interface IngressAndCertificatesArgs {
    vpcCidr: string;
    kubernetesApi: KubernetesApiAddresses;
    acmeEmail: string;
    /** Kube-prometheus-stack's CRDs: the charts' ServiceMonitors need them. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * How traffic enters: ingress-nginx (two replicas across zones, behind an AWS NLB) as the cluster's default
 * ingress class, and cert-manager with Let's Encrypt ClusterIssuers (production, and staging for trying
 * things without its rate limits), each in a namespace with the same guardrails as any other.
 */
export class IngressAndCertificates extends pulumi.ComponentResource {
    readonly clusterIssuerName: pulumi.Output<string>;

    constructor(name: string, args: IngressAndCertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:IngressAndCertificates", name, {}, opts);
        const parent = { parent: this };
        const labels = platformLabels({ "fintrax.io/tier": "platform" });
        const monitored = { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value };

        const ingressNamespace = new GuardedNamespace(`${name}-nginx`, {
            name: INGRESS_NAMESPACE,
            labels,
            podSecurity: "restricted",
            quota: INGRESS_QUOTA,
            containerDefaults: CONTAINER_DEFAULTS,
            allow: ingressNetworkPolicies(args.vpcCidr, args.kubernetesApi),
        }, parent);
        chartRelease(`${name}-ingress-nginx`, {
            chart: "ingressNginx",
            releaseName: "ingress-nginx",
            namespace: ingressNamespace.namespaceName,
            values: {
                controller: {
                    replicaCount: 2,
                    minAvailable: 1,
                    ingressClass: INGRESS_CLASS_NAME,
                    ingressClassResource: { name: INGRESS_CLASS_NAME, enabled: true, default: true, controllerValue: "k8s.io/ingress-nginx" },
                    watchIngressWithoutClass: false,
                    resources: resources("100m", "192Mi", "1", "512Mi"),
                    topologySpreadConstraints: [{
                        maxSkew: 1,
                        topologyKey: "topology.kubernetes.io/zone",
                        whenUnsatisfiable: "ScheduleAnyway",
                        labelSelector: { matchLabels: { "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/component": "controller" } },
                    }],
                    service: {
                        type: "LoadBalancer",
                        externalTrafficPolicy: "Local",
                        annotations: {
                            "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                            "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
                        },
                    },
                    config: {
                        "allow-snippet-annotations": "false",
                        "server-tokens": "false",
                        "ssl-protocols": "TLSv1.2 TLSv1.3",
                    },
                    metrics: { enabled: true, serviceMonitor: { enabled: true, additionalLabels: monitored } },
                    admissionWebhooks: { createSecretJob: { resources: JOB_RESOURCES }, patchWebhookJob: { resources: JOB_RESOURCES } },
                },
            },
        }, { ...parent, dependsOn: [ingressNamespace, ...args.dependsOn] });

        const certManagerNamespace = new GuardedNamespace(`${name}-cert-manager`, {
            name: CERT_MANAGER_NAMESPACE,
            labels,
            podSecurity: "restricted",
            quota: CERT_MANAGER_QUOTA,
            containerDefaults: CONTAINER_DEFAULTS,
            allow: certManagerNetworkPolicies(args.vpcCidr, args.kubernetesApi),
        }, parent);
        const certManager = chartRelease(`${name}-cert-manager`, {
            chart: "certManager",
            releaseName: "cert-manager",
            namespace: certManagerNamespace.namespaceName,
            values: {
                crds: { enabled: true, keep: true },
                resources: resources("50m", "128Mi", "200m", "256Mi"),
                webhook: { resources: resources("20m", "32Mi", "100m", "64Mi") },
                cainjector: { resources: resources("20m", "128Mi", "100m", "256Mi") },
                startupapicheck: { resources: JOB_RESOURCES },
                prometheus: { enabled: true, servicemonitor: { enabled: true, labels: monitored } },
            },
        }, { ...parent, dependsOn: [certManagerNamespace, ...args.dependsOn] });

        const issuers = [
            [CLUSTER_ISSUER_NAME, "https://acme-v02.api.letsencrypt.org/directory"],
            [STAGING_CLUSTER_ISSUER_NAME, "https://acme-staging-v02.api.letsencrypt.org/directory"],
        ].map(([issuer, server]) => new k8s.apiextensions.CustomResource(`${name}-${issuer}`,
            letsEncryptIssuer(issuer, server, args.acmeEmail), { ...parent, dependsOn: [certManager] }));
        this.clusterIssuerName = issuers[0].metadata.name;

        this.registerOutputs({ clusterIssuerName: this.clusterIssuerName });
    }
}
