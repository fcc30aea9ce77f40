import type * as pulumi from "@pulumi/pulumi";
import { containerResources, type Quota } from "../../model/resources";
import { GuardedNamespace, NamedNetworkPolicy } from "../guardedNamespace";
import { namespaceNameSelector, platformLabels } from "../labels";
import { allowDns, allowKubernetesApi, allowSameNamespace, everywhereButMetadata, KubernetesApiAddresses, tcp } from "../networkPolicies";
import { MONITORING_NAMESPACE } from "./monitoring/names";
import { TIER_LABEL } from "../../model/labels";

/** What a platform container that names no resources gets (the platform namespaces' LimitRange). */
const PLATFORM_CONTAINER_DEFAULTS = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } };
/** The charts' hook and certificate jobs: short-lived, small. */
export const JOB_RESOURCES = containerResources("10m", "32Mi", "100m", "64Mi");

/** Policies every edge platform namespace needs: DNS, their own pods, the API server, Prometheus. */
export function platformBaseline(api: KubernetesApiAddresses, metricsPorts: number[]): NamedNetworkPolicy[] {
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

/** AWS APIs (Route53, STS for the IRSA token exchange) over HTTPS: the egress of the controllers that call them. */
export const allowEgressAwsApis: NamedNetworkPolicy = {
    name: "allow-egress-aws-apis",
    spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [everywhereButMetadata], ports: tcp(443) }] },
};

/** A namespace of the platform's components (monitoring, the edge's): guarded like an environment's, Pod Security `restricted`. */
export function platformNamespace(name: string, args: { namespace: string; quota: Quota; allow: NamedNetworkPolicy[] }, parent: pulumi.Resource): GuardedNamespace {
    return new GuardedNamespace(name, {
        name: args.namespace,
        labels: platformLabels({ [TIER_LABEL]: "platform" }),
        podSecurity: "restricted",
        quota: args.quota,
        containerDefaults: PLATFORM_CONTAINER_DEFAULTS,
        allow: args.allow,
    }, { parent });
}
