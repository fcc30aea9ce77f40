import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { GatewayExport } from "../model/clusterExports";

export interface ServiceRoute {
    /** The service's name in the config: the route's name too. */
    name: string;
    serviceName: pulumi.Input<string>;
    path: string;
    servicePort: number;
}

export interface EnvironmentRoutesArgs {
    namespace: pulumi.Input<string>;
    /** `<env>.<domain>`, production's the domain itself. */
    host: string;
    gateway: pulumi.Input<GatewayExport>;
    routes: ServiceRoute[];
    labels: Record<string, string>;
}

/**
 * The listener of the shared Gateway that serves `host`: the apex one for the domain itself, the wildcard
 * one for anything else. A host outside the cluster's zone (`fintrax-cluster:hostedZone`) matches neither
 * listener's hostname, so the Gateway leaves its route unattached (status `NoMatchingListenerHostname`) and
 * external-dns's `domainFilters` leave it unpublished: the environment's domain must be the cluster's.
 */
export function listenerFor(host: string, gateway: GatewayExport): string {
    return host === gateway.domain ? gateway.apexListener : gateway.wildcardListener;
}

/**
 * The environment's way in: an HTTPRoute per routed service (gateway.networking.k8s.io/v1), its host on the
 * cluster's shared Gateway, a path prefix each. TLS ends at the Gateway (its certificate covers the domain
 * and `*.<domain>`) and external-dns publishes the host, so a new environment needs no step of its own.
 */
export class EnvironmentRoutes extends pulumi.ComponentResource {
    readonly url: string;

    constructor(name: string, args: EnvironmentRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:environment:EnvironmentRoutes", name, {}, opts);
        this.url = `https://${args.host}`;
        const parentRef = pulumi.output(args.gateway).apply((gateway) => {
            if (!gateway?.name || !gateway.namespace) {
                throw new pulumi.ResourceError("the cluster stack exports no `gateway` (name, namespace, domain, listeners): " +
                    "update the cluster stack first, it creates the shared Gateway the routes attach to", this);
            }
            return { group: "gateway.networking.k8s.io", kind: "Gateway", name: gateway.name, namespace: gateway.namespace, sectionName: listenerFor(args.host, gateway) };
        });

        for (const route of args.routes) {
            new k8s.apiextensions.CustomResource(`${name}-${route.name}`, {
                apiVersion: "gateway.networking.k8s.io/v1",
                kind: "HTTPRoute",
                metadata: { name: route.name, namespace: args.namespace, labels: args.labels },
                spec: {
                    parentRefs: [parentRef],
                    hostnames: [args.host],
                    rules: [{
                        matches: [{ path: { type: "PathPrefix", value: route.path } }],
                        backendRefs: [{ name: route.serviceName, port: route.servicePort }],
                    }],
                },
            }, { parent: this });
        }

        this.registerOutputs({ url: this.url });
    }
}
