import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { containerResources, type Quota } from "../../model/resources";
import type { NamedNetworkPolicy } from "../guardedNamespace";
import { everywhereButMetadata, type KubernetesApiAddresses, podsLabelled, tcp } from "../networkPolicies";
import { chartRelease } from "./helm";
import { IrsaRole } from "./iam";
import { PROMETHEUS_SELECTOR_LABEL } from "./monitoring/names";
import { JOB_RESOURCES, platformBaseline, platformNamespace } from "./platformNetwork";
import { certManagerDns01Policy } from "./route53";

const CERT_MANAGER_NAMESPACE = "cert-manager";
const CERT_MANAGER_SERVICE_ACCOUNT = "cert-manager";
const CLUSTER_ISSUER_NAME = "letsencrypt";
const STAGING_CLUSTER_ISSUER_NAME = "letsencrypt-staging";

/** Its pods at full size, one rolling-update surge and the hook job. */
const CERT_MANAGER_QUOTA: Quota = { requests: { cpu: "300m", memory: "768Mi" }, limits: { cpu: "1", memory: "1Gi" }, pods: 6 };

function certManagerNetworkPolicies(vpcCidr: string, api: KubernetesApiAddresses): NamedNetworkPolicy[] {
    return [
        ...platformBaseline(api, [9402]),
        {
            // Let's Encrypt's API, Route53 and STS (443); the DNS-01 self-check asks the zone's own nameservers (53).
            name: "allow-egress-acme",
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [{ to: [everywhereButMetadata], ports: [...tcp(443, 53), { protocol: "UDP", port: 53 }] }],
            },
        },
        {
            name: "allow-webhook",
            spec: {
                podSelector: podsLabelled({ "app.kubernetes.io/name": "webhook" }),
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ ipBlock: { cidr: vpcCidr } }], ports: tcp(10250) }],
            },
        },
    ];
}

/**
 * A Let's Encrypt ClusterIssuer answering DNS-01 in the stack's Route53 zone with cert-manager's own IRSA
 * role (ambient credentials, which ClusterIssuers may use by default). DNS-01 is the one challenge that
 * certifies a wildcard (the previews' `*.<domain>`), and it needs no route from the internet to the cluster.
 */
function letsEncryptIssuer(name: string, server: string, email: string, zone: { domain: string; zoneId: string }, region: string) {
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name },
        spec: {
            acme: {
                server,
                email,
                privateKeySecretRef: { name: `${name}-account-key` },
                solvers: [{ selector: { dnsZones: [zone.domain] }, dns01: { route53: { region, hostedZoneID: zone.zoneId } } }],
            },
        },
    };
}

export interface CertificatesArgs {
    vpcCidr: string;
    kubernetesApi: KubernetesApiAddresses;
    acmeEmail: string;
    hostedZone: { domain: string; zoneId: string };
    region: string;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    /** Kube-prometheus-stack's CRDs (the chart's ServiceMonitor needs them) and the cluster add-ons. */
    afterPlatform: pulumi.Input<pulumi.Resource>[];
}

/**
 * cert-manager (CRDs included) in a guarded namespace, with an IRSA role that may write only
 * `_acme-challenge` TXT records of the stack's zone, and the Let's Encrypt ClusterIssuers (production, and
 * staging for trying things without its rate limits).
 */
export class Certificates extends pulumi.ComponentResource {
    readonly clusterIssuerName: pulumi.Output<string>;
    /** The ClusterIssuers: a Certificate waits for them. */
    readonly issuers: k8s.apiextensions.CustomResource[];

    constructor(name: string, args: CertificatesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:Certificates", name, {}, opts);
        const parent = { parent: this };
        const monitored = { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value };

        const namespace = platformNamespace(`${name}-cert-manager`, {
            namespace: CERT_MANAGER_NAMESPACE,
            quota: CERT_MANAGER_QUOTA,
            allow: certManagerNetworkPolicies(args.vpcCidr, args.kubernetesApi),
        }, this);
        const role = new IrsaRole(`${name}-cert-manager-dns01`, {
            oidcProviderArn: args.oidcProviderArn,
            oidcIssuer: args.oidcIssuer,
            namespace: CERT_MANAGER_NAMESPACE,
            serviceAccount: CERT_MANAGER_SERVICE_ACCOUNT,
            inlinePolicy: certManagerDns01Policy(args.hostedZone.zoneId),
        }, parent);
        const certManager = chartRelease(`${name}-cert-manager`, {
            chart: "certManager",
            releaseName: "cert-manager",
            namespace: namespace.namespaceName,
            values: {
                crds: { enabled: true, keep: true },
                serviceAccount: { name: CERT_MANAGER_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
                resources: containerResources("50m", "128Mi", "200m", "256Mi"),
                webhook: { resources: containerResources("20m", "32Mi", "100m", "64Mi") },
                cainjector: { resources: containerResources("20m", "128Mi", "100m", "256Mi") },
                startupapicheck: { resources: JOB_RESOURCES },
                prometheus: { enabled: true, servicemonitor: { enabled: true, labels: monitored } },
            },
        }, { ...parent, dependsOn: [namespace, ...args.afterPlatform] });

        this.issuers = [
            [CLUSTER_ISSUER_NAME, "https://acme-v02.api.letsencrypt.org/directory"],
            [STAGING_CLUSTER_ISSUER_NAME, "https://acme-staging-v02.api.letsencrypt.org/directory"],
        ].map(([issuer, server]) => new k8s.apiextensions.CustomResource(`${name}-${issuer}`,
            letsEncryptIssuer(issuer, server, args.acmeEmail, args.hostedZone, args.region), { ...parent, dependsOn: [certManager] }));
        this.clusterIssuerName = this.issuers[0].metadata.name;

        this.registerOutputs({ clusterIssuerName: this.clusterIssuerName });
    }
}
