import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

export interface IngressRoute {
    path: string;
    serviceName: pulumi.Input<string>;
    servicePort: number;
}

export interface EnvironmentIngressArgs {
    namespace: pulumi.Input<string>;
    host: string;
    ingressClassName: pulumi.Input<string>;
    clusterIssuerName: pulumi.Input<string>;
    routes: IngressRoute[];
    labels: Record<string, string>;
}

/** The environment's one way in: a TLS host (certificate from cert-manager) with a path per service. */
export class EnvironmentIngress extends pulumi.ComponentResource {
    readonly url: string;

    constructor(name: string, args: EnvironmentIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:environment:EnvironmentIngress", name, {}, opts);
        this.url = `https://${args.host}`;
        // Longest paths first, so that a reader sees the same precedence the controller applies.
        const routes = [...args.routes].sort((a, b) => b.path.length - a.path.length || a.path.localeCompare(b.path));

        new k8s.networking.v1.Ingress(`${name}-ingress`, {
            metadata: {
                name: "web",
                namespace: args.namespace,
                labels: args.labels,
                annotations: {
                    "cert-manager.io/cluster-issuer": args.clusterIssuerName,
                    "nginx.ingress.kubernetes.io/ssl-redirect": "true",
                },
            },
            spec: {
                ingressClassName: args.ingressClassName,
                tls: [{ hosts: [args.host], secretName: "web-tls" }],
                rules: [{
                    host: args.host,
                    http: {
                        paths: routes.map((route) => ({
                            path: route.path,
                            pathType: "Prefix",
                            backend: { service: { name: route.serviceName, port: { number: route.servicePort } } },
                        })),
                    },
                }],
            },
        }, { parent: this });

        this.registerOutputs({ url: this.url });
    }
}
