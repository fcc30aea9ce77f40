import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { containerResources, type Quota } from "../../model/resources";
import type { GatewayExport } from "../../model/clusterExports";
import type { NamedNetworkPolicy } from "../guardedNamespace";
import { type KubernetesApiAddresses, podsLabelled, tcp } from "../networkPolicies";
import { ENVIRONMENT_NAMESPACE_LABEL } from "../labels";
import { TIER_LABEL } from "../../model/labels";
import { chartRelease, chartSource } from "./helm";
import { JOB_RESOURCES, platformBaseline, platformNamespace } from "./platformNetwork";

const GATEWAY_NAMESPACE = "envoy-gateway-system";
const GATEWAY_CLASS_NAME = "envoy";
const GATEWAY_CONTROLLER_NAME = "gateway.envoyproxy.io/gatewayclass-controller";
/** The listeners of the shared Gateway: environments attach to the two HTTPS ones, `http` only redirects. */
const LISTENERS = { http: "http", apex: "https-apex", wildcard: "https-wildcard" } as const;
const TLS_SECRET = "edge-tls";

/**
 * The controller (100m/256Mi), two Envoy proxies (envoy 100m/128Mi and the shutdown manager's 10m/32Mi
 * default each), a rolling-update surge of each and the certgen job.
 */
const GATEWAY_QUOTA: Quota = { requests: { cpu: "600m", memory: "1Gi" }, limits: { cpu: "4", memory: "3Gi" }, pods: 8 };

/** Envoy Gateway's labels on every proxy pod (internal/infrastructure/kubernetes/proxy/resource.go, EnvoyAppLabel, v1.9.0). */
const proxyPods = podsLabelled({ "app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway" });
/** Envoy listens 10000 above a privileged listener port (internal/gatewayapi/translator.go, wellKnownPortShift, v1.9.0). */
const PROXY_PORTS = [10080, 10443];

function gatewayNetworkPolicies(vpcCidr: string, api: KubernetesApiAddresses): NamedNetworkPolicy[] {
    return [
        // 19001: the controller's metrics and the proxies' stats.
        ...platformBaseline(api, [19001]),
        {
            // The NLB forwards clients with their own addresses (externalTrafficPolicy: Local).
            name: "allow-http-from-anywhere",
            spec: { podSelector: proxyPods, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcp(...PROXY_PORTS) }] },
        },
        {
            // The controller's topology injector, a mutating webhook the API server calls on 9443; the chart labels
            // the controller's pods with its name (charts/gateway-helm/templates/_helpers.tpl, eg.selectorLabels, v1.9.0).
            name: "allow-admission-webhook",
            spec: {
                podSelector: podsLabelled({ "app.kubernetes.io/name": "gateway-helm" }),
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ ipBlock: { cidr: vpcCidr } }], ports: tcp(9443) }],
            },
        },
        {
            // The proxies reach the services of every environment (each admits them in turn).
            name: "allow-egress-backends",
            spec: { podSelector: proxyPods, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] },
        },
    ];
}

/**
 * The default EnvoyProxy (the chart's `config.envoyGateway.envoyProxy`): two proxies spread over the zones
 * behind one internet-facing NLB per Gateway, keeping clients' addresses. No security context is set:
 * Envoy Gateway's own already meets Pod Security `restricted` (non-root 65532, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp) and leaves the root filesystem writable, which Envoy and the
 * shutdown manager need; one set here would replace it whole (internal/infrastructure/kubernetes/proxy/
 * resource.go, expectedEnvoySecurityContext, v1.9.0).
 */
function envoyProxyDefaults() {
    return {
        provider: {
            type: "Kubernetes",
            kubernetes: {
                envoyDeployment: {
                    replicas: 2,
                    pod: {
                        topologySpreadConstraints: [{
                            maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: proxyPods,
                        }],
                    },
                    container: { resources: containerResources("100m", "128Mi", "1", "512Mi") },
                },
                envoyPDB: { minAvailable: 1 },
                envoyService: {
                    type: "LoadBalancer",
                    externalTrafficPolicy: "Local",
                    annotations: {
                        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
                        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                        "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled": "true",
                    },
                },
            },
        },
    };
}

/**
 * Routes are admitted from environment namespaces only, by the label every one of them carries (namespaces
 * are cluster-scoped: no deployer can label one); the apex only from production's.
 */
const fromEnvironments = (matchLabels: Record<string, string>) => ({
    namespaces: { from: "Selector", selector: { matchLabels, matchExpressions: [{ key: ENVIRONMENT_NAMESPACE_LABEL, operator: "Exists" }] } },
    kinds: [{ kind: "HTTPRoute" }],
});

/**
 * The shared Gateway: HTTPS for the apex (production) and for `*.<domain>` (every other environment,
 * previews included, with no step per preview), one certificate for both, and plain HTTP only to redirect.
 */
function sharedGateway(domain: string) {
    const https = (name: string, hostname: string, matchLabels: Record<string, string>) => ({
        name, hostname, port: 443, protocol: "HTTPS",
        tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: TLS_SECRET }] },
        allowedRoutes: fromEnvironments(matchLabels),
    });
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: { name: "fintrax", namespace: GATEWAY_NAMESPACE },
        spec: {
            gatewayClassName: GATEWAY_CLASS_NAME,
            listeners: [
                { name: LISTENERS.http, port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "Same" }, kinds: [{ kind: "HTTPRoute" }] } },
                https(LISTENERS.apex, domain, { [TIER_LABEL]: "production" }),
                https(LISTENERS.wildcard, `*.${domain}`, {}),
            ],
        },
    };
}

/** Every plain-HTTP request, whatever its host, answered with a permanent redirect to HTTPS. */
function httpsRedirect(gatewayName: string) {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name: "https-redirect", namespace: GATEWAY_NAMESPACE },
        spec: {
            parentRefs: [{ name: gatewayName, sectionName: LISTENERS.http }],
            rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        },
    };
}

export interface EdgeGatewayArgs {
    vpcCidr: string;
    kubernetesApi: KubernetesApiAddresses;
    domain: string;
    clusterIssuerName: pulumi.Input<string>;
    /** cert-manager and its issuers (the Certificate), the monitoring CRDs. */
    afterPlatform: pulumi.Input<pulumi.Resource>[];
    /** Keep the CRDs: deleting one deletes every object of its kind, every environment's routes included. */
    protect: boolean;
}

/**
 * How traffic enters: Envoy Gateway in a guarded namespace (Gateway API CRDs of the standard channel, from
 * the chart made for them), its GatewayClass, the one shared Gateway with its certificate, and the redirect.
 */
export class EdgeGateway extends pulumi.ComponentResource {
    readonly gateway: GatewayExport;
    readonly namespaceName: pulumi.Output<string>;
    /** The Gateway: external-dns publishes what attaches to it. */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: EdgeGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:EdgeGateway", name, {}, opts);
        const parent = { parent: this };

        const namespace = platformNamespace(`${name}-envoy-gateway`, {
            namespace: GATEWAY_NAMESPACE,
            quota: GATEWAY_QUOTA,
            allow: gatewayNetworkPolicies(args.vpcCidr, args.kubernetesApi),
        }, this);
        this.namespaceName = namespace.namespaceName;

        // As Envoy Gateway's docs install them: rendered and applied server-side (the CRDs are too large for a
        // Helm release's history), the standard channel only, so no experimental kind can change under us.
        const crds = new k8s.helm.v4.Chart(`${name}-crds`, {
            ...chartSource("envoyGatewayCrds"),
            namespace: GATEWAY_NAMESPACE,
            values: { crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } } },
        }, { ...parent, protect: args.protect });
        const controller = chartRelease(`${name}-envoy-gateway`, {
            chart: "envoyGateway",
            releaseName: "envoy-gateway",
            namespace: namespace.namespaceName,
            values: {
                crds: { enabled: false },
                deployment: {
                    replicas: 1,
                    envoyGateway: { resources: containerResources("100m", "256Mi", "500m", "512Mi") },
                },
                podDisruptionBudget: { minAvailable: 0 },
                certgen: { job: { resources: JOB_RESOURCES } },
                config: { envoyGateway: { gateway: { controllerName: GATEWAY_CONTROLLER_NAME }, envoyProxy: envoyProxyDefaults() } },
            },
        }, { ...parent, dependsOn: [namespace, crds] });

        const gatewayClass = new k8s.apiextensions.CustomResource(`${name}-class`, {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "GatewayClass",
            metadata: { name: GATEWAY_CLASS_NAME },
            spec: { controllerName: GATEWAY_CONTROLLER_NAME },
        }, { ...parent, dependsOn: [controller] });
        const definition = sharedGateway(args.domain);
        const certificate = new k8s.apiextensions.CustomResource(`${name}-certificate`, {
            apiVersion: "cert-manager.io/v1",
            kind: "Certificate",
            metadata: { name: TLS_SECRET, namespace: GATEWAY_NAMESPACE },
            spec: {
                secretName: TLS_SECRET,
                dnsNames: [args.domain, `*.${args.domain}`],
                issuerRef: { kind: "ClusterIssuer", name: args.clusterIssuerName },
                privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
            },
        }, { ...parent, dependsOn: [namespace, ...args.afterPlatform] });
        const gateway = new k8s.apiextensions.CustomResource(`${name}-gateway`, definition, { ...parent, dependsOn: [gatewayClass, certificate] });
        new k8s.apiextensions.CustomResource(`${name}-https-redirect`, httpsRedirect(definition.metadata.name), { ...parent, dependsOn: [gateway] });

        this.gateway = {
            name: definition.metadata.name,
            namespace: GATEWAY_NAMESPACE,
            domain: args.domain,
            apexListener: LISTENERS.apex,
            wildcardListener: LISTENERS.wildcard,
        };
        this.ready = [gateway];
        this.registerOutputs({ gateway: this.gateway });
    }
}
