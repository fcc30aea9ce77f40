import * as pulumi from "@pulumi/pulumi";
import { containerResources, type Quota } from "../../model/resources";
import type { NamedNetworkPolicy } from "../guardedNamespace";
import type { KubernetesApiAddresses } from "../networkPolicies";
import { chartRelease } from "./helm";
import { IrsaRole } from "./iam";
import { PROMETHEUS_SELECTOR_LABEL } from "./monitoring/names";
import { allowEgressAwsApis, platformBaseline, platformNamespace } from "./platformNetwork";
import { externalDnsPolicy } from "./route53";

const EXTERNAL_DNS_NAMESPACE = "external-dns";
const EXTERNAL_DNS_SERVICE_ACCOUNT = "external-dns";
/** One replica (the chart's Recreate strategy: never two writers), its replacement and room for a second look. */
const EXTERNAL_DNS_QUOTA: Quota = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "400m", memory: "256Mi" }, pods: 2 };

function externalDnsNetworkPolicies(api: KubernetesApiAddresses): NamedNetworkPolicy[] {
    return [...platformBaseline(api, [7979]), allowEgressAwsApis];
}

export interface ExternalDnsArgs {
    kubernetesApi: KubernetesApiAddresses;
    region: string;
    clusterName: string;
    hostedZone: { domain: string; zoneId: string };
    gatewayNamespace: pulumi.Input<string>;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    /** The gateway (its Gateway is what external-dns reads) and the monitoring CRDs (the chart's ServiceMonitor). */
    afterPlatform: pulumi.Input<pulumi.Resource>[];
}

/**
 * external-dns values. It reads the hostnames of the HTTPRoutes attached to the Gateways of the gateway
 * namespace and points them at the Gateway's NLB (alias records, so the apex works too), in the one zone
 * (`domainFilters` and `--zone-id-filter`). `policy: sync` deletes the records of a removed route (a preview
 * that is destroyed leaves no name behind), and the TXT registry with this cluster's owner id limits every
 * change, deletions included, to records external-dns created for this cluster: what others wrote in the
 * zone is never touched.
 */
function externalDnsValues(args: Pick<ExternalDnsArgs, "region" | "clusterName" | "hostedZone" | "gatewayNamespace">, roleArn: pulumi.Input<string>) {
    return {
        provider: { name: "aws" },
        env: [{ name: "AWS_DEFAULT_REGION", value: args.region }],
        sources: ["gateway-httproute"],
        gatewayNamespace: args.gatewayNamespace,
        domainFilters: [args.hostedZone.domain],
        extraArgs: [`--zone-id-filter=${args.hostedZone.zoneId}`, "--aws-zone-type=public"],
        policy: "sync",
        registry: "txt",
        txtOwnerId: args.clusterName,
        // The record type, then a dot: the apex's registry record is `extdns-a.<domain>`, inside the zone. Without
        // the dot it would be `a-<domain>`, outside it, and the apex would go unowned (registry/mapper/mapper.go,
        // AffixNameMapper.ToTXTName, v0.21.0; kubernetes-sigs/external-dns#5863, read 2026-12-01).
        txtPrefix: "extdns-%{record_type}.",
        interval: "1m",
        serviceAccount: { create: true, name: EXTERNAL_DNS_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": roleArn } },
        resources: containerResources("50m", "64Mi", "200m", "128Mi"),
        serviceMonitor: { enabled: true, additionalLabels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value } },
    };
}

/** external-dns in a guarded namespace, with an IRSA role limited to the stack's hosted zone. */
export class ExternalDns extends pulumi.ComponentResource {
    constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:ExternalDns", name, {}, opts);
        const parent = { parent: this };
        const namespace = platformNamespace(`${name}-namespace`, {
            namespace: EXTERNAL_DNS_NAMESPACE,
            quota: EXTERNAL_DNS_QUOTA,
            allow: externalDnsNetworkPolicies(args.kubernetesApi),
        }, this);
        const role = new IrsaRole(`${name}-route53`, {
            oidcProviderArn: args.oidcProviderArn,
            oidcIssuer: args.oidcIssuer,
            namespace: EXTERNAL_DNS_NAMESPACE,
            serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT,
            inlinePolicy: externalDnsPolicy(args.hostedZone.zoneId),
        }, parent);
        chartRelease(`${name}-release`, {
            chart: "externalDns",
            releaseName: "external-dns",
            namespace: namespace.namespaceName,
            values: externalDnsValues(args, role.arn),
        }, { ...parent, dependsOn: [namespace, ...args.afterPlatform] });
        this.registerOutputs({});
    }
}
