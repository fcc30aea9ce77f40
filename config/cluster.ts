import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { z } from "zod";
import { INSTANCE_TYPE_NAMES } from "../model/instanceTypes";
import { TAINT_EFFECTS, type ClusterSettings, type NodeGroupSettings } from "../model/clusterSettings";
import { boolean, dnsLabel, dnsName, iamPrincipalArn, integer, ipv4Cidr, uniqueItems } from "./fields";
import { checkClusterAddresses, DEFAULT_DATABASE_SUBNET_CIDRS, DEFAULT_PRIVATE_SUBNET_CIDRS, DEFAULT_SERVICE_CIDR, serviceCidr } from "./clusterAddresses";
import { ConfigError, parseConfig, readNamespace } from "./load";
import { TIERS, type Tier } from "../model/tiers";

/** An IAM role: the platform identities get an inline policy, which IAM attaches to roles by name. */
const iamRoleArn = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/fintrax-platform-deployer");
/** IAM roles, each once; none unless listed. */
const roleList = () => z.array(iamRoleArn).superRefine(uniqueItems("the role")).default([]);
/** No deployer role for any tier. */
const noDeployers = () => Object.fromEntries(TIERS.map((tier) => [tier, [] as string[]])) as Record<Tier, string[]>;

export const CLUSTER_NAMESPACE = "fintrax-cluster";

/** The label and taint that reserve the monitoring node group for the monitoring stack (seed 000). */
export const MONITORING_NODE_LABEL = { key: "workload-type", value: "monitoring" } as const;

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const labelKey = z.string().refine((key) => {
    const parts = key.split("/");
    if (parts.length > 2) return false;
    const name = parts.pop()!;
    return LABEL_NAME.test(name) && (parts.length === 0 || DNS_SUBDOMAIN.test(parts[0]));
}, "must be a Kubernetes label key such as workload-type or example.com/team");

const labelValue = z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/,
    "must be a Kubernetes label value: at most 63 letters, digits, '-', '_' or '.'");


const taint = z.strictObject({
    key: labelKey,
    value: labelValue,
    effect: z.enum(TAINT_EFFECTS, { error: `must be one of ${TAINT_EFFECTS.join(", ")}` }),
});

const nodeGroup = z.strictObject({
    instanceTypes: z.array(z.enum(INSTANCE_TYPE_NAMES, {
        error: `must be an instance type the capacity table knows: ${INSTANCE_TYPE_NAMES.join(", ")} (add others to model/instanceTypes.ts)`,
    })).min(1, "must list at least one instance type").superRefine(uniqueItems("the instance type")),
    capacityType: z.enum(["ON_DEMAND", "SPOT"], { error: "must be ON_DEMAND or SPOT" }),
    minSize: integer(0, 100),
    desiredSize: integer(0, 100),
    maxSize: integer(1, 100),
    diskSizeGb: integer(20, 16384),
    /** Only the first zone's private subnet: for groups whose pods keep zonal EBS volumes (monitoring). */
    singleZone: boolean.optional(),
    taints: z.array(taint).max(50, "must have at most 50 taints (the EKS limit)").optional(),
    labels: z.record(labelKey, labelValue).optional(),
}).superRefine((group, ctx) => {
    if (group.minSize > group.desiredSize) {
        ctx.addIssue({ code: "custom", path: ["minSize"], message: `must be at most desiredSize (${group.desiredSize})` });
    }
    if (group.desiredSize > group.maxSize) {
        ctx.addIssue({ code: "custom", path: ["desiredSize"], message: `must be at most maxSize (${group.maxSize})` });
    }
});

/**
 * Seed 000's node configuration, the defaults `Pulumi.shared.yaml` spells out, but for one number: the
 * general group may grow to 10 nodes, not 6, because six cannot hold every namespace's quota at once
 * (README, "Capacity", has the arithmetic; the plan's capacity check enforces it).
 */
const DEFAULT_NODE_GROUPS = {
    general: {
        instanceTypes: ["t3.medium"], capacityType: "ON_DEMAND",
        minSize: 2, desiredSize: 3, maxSize: 10, diskSizeGb: 50,
        labels: { "workload-type": "general" },
    },
    monitoring: {
        instanceTypes: ["t3.medium"], capacityType: "SPOT",
        minSize: 1, desiredSize: 1, maxSize: 2, diskSizeGb: 30, singleZone: true,
        labels: { [MONITORING_NODE_LABEL.key]: MONITORING_NODE_LABEL.value },
        taints: [{ key: MONITORING_NODE_LABEL.key, value: MONITORING_NODE_LABEL.value, effect: "NoSchedule" }],
    },
} satisfies Record<"general" | "monitoring", z.input<typeof nodeGroup>>;

/**
 * The API endpoint is private by default: deploys, previews and drift checks run on the CI runners inside
 * the VPC (components/cluster/ciRunners.ts, docs/delivery.md). List office or VPN ranges only to reach the
 * API from outside as well.
 */
const DEFAULT_API_CIDRS: string[] = [];

/** The CI runners' defaults; `repository` is the GitHub repository whose workflow jobs they run. */
const DEFAULT_CI_RUNNERS = { repository: "fintrax/fintrax-platform", concurrentJobs: 4 };

const ciRunners = z.strictObject({
    repository: z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, "must be a GitHub repository as owner/name"),
    // An existing AWS CodeConnections connection to GitHub; without one the stack creates it (pending until
    // its owner completes the handshake in the console, docs/delivery.md).
    connectionArn: z.string().regex(/^arn:aws:codeconnections:[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/,
        "must be an AWS CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<uuid>)").optional(),
    concurrentJobs: integer(1, 20),
}).default(DEFAULT_CI_RUNNERS);
const DEFAULT_REGION = "us-east-1";
/**
 * The oldest Kubernetes minor EKS still runs: 1.32, in extended support until 2027-03-23 (1.31's ended 2026-11-26).
 * A minor has 14 months of standard support from its EKS release, then 12 of extended support (EKS User Guide,
 * "Understand the Kubernetes version lifecycle on EKS"); the dates are endoflife.date/amazon-eks's; both read
 * 2026-12-01. Raise it when that version's extended support ends: EKS creates no cluster on it after that.
 */
const OLDEST_EKS_MINOR = 32;

/**
 * What a `secure:` value reads as in the offline plan, which cannot decrypt it (plan/stackConfig.ts): the
 * value is known to be a secret, and nothing else about it.
 */
export const OFFLINE_SECRET_PLACEHOLDER = "[secret]";
export const ALERT_WEBHOOK_KEY = "alertWebhookUrl";

const HTTPS_URL = /^https:\/\/[^\s/@]+(\/\S*)?$/;

/**
 * The webhook URL is checked here rather than by the schema, whose messages quote the value: a message
 * about a secret must not contain it.
 */
function webhookProblem(file: string, value: unknown, isSecret: boolean): string | undefined {
    const key = `${CLUSTER_NAMESPACE}:${ALERT_WEBHOOK_KEY}`;
    if (value === undefined) return undefined;
    if (!isSecret) return `${file}: ${key}: must be a secret (pulumi config set --secret ${key} https://…): the URL is a credential`;
    if (typeof value !== "string" || (value !== OFFLINE_SECRET_PLACEHOLDER && !HTTPS_URL.test(value))) {
        return `${file}: ${key}: must be an https:// URL (the webhook Alertmanager posts critical alerts to; the value is not shown, it is a secret)`;
    }
    return undefined;
}

/** Whether the stack file holds a key encrypted: the SDK knows (it warns on `get` of one) but does not type it. */
const isConfigSecret = (key: string): boolean => (runtimeConfig as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret(key);

const availabilityZone = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, "must be an availability zone name such as us-east-1a");

/**
 * The public Route53 hosted zone the environments' hosts live in (`<env>.<domain>`, production the domain).
 * A hosted zone id is `Z` and up to 31 more capitals and digits (Route53 API reference, `HostedZone.Id`,
 * "Maximum length of 32", read 2026-12-01); the placeholder is not a real zone.
 */
const PLACEHOLDER_HOSTED_ZONE = { domain: "fintrax.example.com", zoneId: "Z0000000000000EXAMPLE" } as const;

const hostedZone = z.strictObject({
    domain: dnsName.refine((name) => name.includes("."), "must be a registered domain with at least two labels, such as fintrax.example.com"),
    zoneId: z.string().regex(/^Z[0-9A-Z]{1,31}$/, "must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ (without the /hostedzone/ prefix)"),
});

const tagValue = z.string().regex(/^[\w .:/=+\-@]{1,256}$/, "must be 1-256 letters, digits, spaces or _ . : / = + - @ (an AWS tag value)");

function clusterSchema(region: string) {
    return z.strictObject({
        clusterName: dnsLabel(40).default("fintrax-eks-shared"),
        vpcCidr: ipv4Cidr.refine((cidr) => {
            const bits = Number(cidr.split("/")[1]);
            return bits >= 16 && bits <= 24;
        }, "must be a /16 to /24 block (AWS allows /16 to /28; a cluster needs room for pods)").default("10.0.0.0/16"),
        availabilityZones: z.array(availabilityZone)
            .min(2, "must list at least 2 availability zones (EKS needs subnets in two zones)")
            .superRefine(uniqueItems("the zone"))
            .default([`${DEFAULT_REGION}a`, `${DEFAULT_REGION}b`]),
        publicSubnetCidrs: z.array(ipv4Cidr).default(["10.0.101.0/24", "10.0.102.0/24"]),
        privateSubnetCidrs: z.array(ipv4Cidr.refine((cidr) => Number(cidr.split("/")[1]) <= 26,
            "must be /26 or larger: its upper half is reserved for the nodes' /28 prefixes")).default(DEFAULT_PRIVATE_SUBNET_CIDRS),
        databaseSubnetCidrs: z.strictObject(Object.fromEntries(TIERS.map((tier) => [tier, z.array(ipv4Cidr)])) as Record<Tier, z.ZodArray<typeof ipv4Cidr>>)
            .default(DEFAULT_DATABASE_SUBNET_CIDRS),
        serviceCidr: serviceCidr.default(DEFAULT_SERVICE_CIDR),
        natGateways: z.enum(["single", "perZone"], { error: "must be single (one NAT gateway, the cheaper) or perZone (one per zone, survives a zone outage)" })
            .default("single"),
        kubernetesVersion: z.string().regex(/^1\.\d{2}$/, "must be a Kubernetes minor version such as \"1.35\" (quote it in YAML)")
            .refine((v) => Number(v.split(".")[1]) >= OLDEST_EKS_MINOR,
                `must be 1.${OLDEST_EKS_MINOR} or newer (older versions are out of EKS support, extended support included)`)
            .default("1.35"),
        endpointPublicAccessCidrs: z.array(ipv4Cidr.refine((cidr) => Number(cidr.split("/")[1]) > 0,
            "must not be 0.0.0.0/0: list the office or VPN ranges that may reach the API, or [] for a private-only endpoint"))
            .max(40, "must list at most 40 CIDR blocks (the EKS limit)")
            .superRefine(uniqueItems("the CIDR"))
            .default(DEFAULT_API_CIDRS),
        admins: z.array(iamPrincipalArn).superRefine(uniqueItems("the principal")).default([]),
        /** Who runs the environment stacks (docs/access.md): `pulumi up` (deployers) and `pulumi preview` (previewers). */
        platformDeployment: z.strictObject({
            /** Per tier: the development pipeline's role never reaches staging's or production's namespaces. */
            deployers: z.strictObject(Object.fromEntries(TIERS.map((tier) => [tier, roleList()])) as Record<Tier, ReturnType<typeof roleList>>)
                .default(noDeployers),
            previewers: roleList(),
        }).default(() => ({ deployers: noDeployers(), previewers: [] })),
        nodeGroups: z.strictObject({ general: nodeGroup, monitoring: nodeGroup }).superRefine((groups, ctx) => {
            if (groups.general.minSize < 1) {
                ctx.addIssue({ code: "custom", path: ["general", "minSize"], message: "must be at least 1: the platform add-ons (CoreDNS, the gateway, cert-manager) run on this group" });
            }
            const labels = groups.monitoring.labels ?? {};
            if (labels[MONITORING_NODE_LABEL.key] !== MONITORING_NODE_LABEL.value) {
                ctx.addIssue({
                    code: "custom",
                    path: ["monitoring", "labels"],
                    message: `must include ${MONITORING_NODE_LABEL.key}: ${MONITORING_NODE_LABEL.value} (the monitoring stack selects its nodes by it)`,
                });
            }
        }).default(DEFAULT_NODE_GROUPS),
        ciRunners,
        acmeEmail: z.string().regex(/^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/, "must be an email address (the ACME account contact)")
            .default("platform@fintrax.io"),
        /** Secret: set with `pulumi config set --secret fintrax-cluster:alertWebhookUrl https://…`. */
        [ALERT_WEBHOOK_KEY]: z.unknown().optional(),
        hostedZone: hostedZone.default(PLACEHOLDER_HOSTED_ZONE),
        protect: boolean.default(true),
        team: tagValue.default("platform"),
        costCenter: tagValue.default("fintrax-shared"),
    }).superRefine((c, ctx) => {
        (Array.isArray(c.availabilityZones) ? c.availabilityZones : []).forEach((zone, index) => {
            if (typeof zone !== "string") return;
            if (!zone.startsWith(region) || !/^[a-z]$/.test(zone.slice(region.length))) {
                ctx.addIssue({ code: "custom", path: ["availabilityZones", index], message: `must be a zone of the stack's region ${region} (aws:region)` });
            }
        });
        checkClusterAddresses(c, ctx);
    });
}

const regionSchema = z.strictObject({
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1").default(DEFAULT_REGION),
});

/**
 * Reads and validates the `fintrax-cluster:` namespace (and `aws:region`, which the zones must belong to);
 * throws one ConfigError naming the stack file and the key path before anything is registered. `isSecret`
 * says which keys the stack file holds encrypted (the program's own config by default).
 */
export function loadClusterSettings(
    file: string,
    all?: Record<string, string>,
    isSecret: (key: string) => boolean = isConfigSecret,
): ClusterSettings {
    const awsRegion = readNamespace("aws", all).region;
    const { region } = parseConfig(regionSchema, "aws", awsRegion === undefined ? {} : { region: awsRegion }, file);
    const raw = parseConfig(clusterSchema(region), CLUSTER_NAMESPACE, readNamespace(CLUSTER_NAMESPACE, all), file);
    const webhook = webhookProblem(file, raw[ALERT_WEBHOOK_KEY], isSecret(`${CLUSTER_NAMESPACE}:${ALERT_WEBHOOK_KEY}`));
    if (webhook) throw new ConfigError([webhook]);
    const group = (name: "general" | "monitoring"): NodeGroupSettings => ({
        name,
        ...raw.nodeGroups[name],
        singleZone: raw.nodeGroups[name].singleZone ?? false,
        taints: raw.nodeGroups[name].taints ?? [],
        labels: raw.nodeGroups[name].labels ?? {},
    });
    return {
        region,
        clusterName: raw.clusterName,
        vpcCidr: raw.vpcCidr,
        availabilityZones: raw.availabilityZones,
        publicSubnetCidrs: raw.publicSubnetCidrs,
        privateSubnetCidrs: raw.privateSubnetCidrs,
        databaseSubnetCidrs: raw.databaseSubnetCidrs,
        serviceCidr: raw.serviceCidr,
        natGateways: raw.natGateways,
        kubernetesVersion: raw.kubernetesVersion,
        endpointPublicAccessCidrs: raw.endpointPublicAccessCidrs,
        admins: raw.admins,
        platformDeployment: raw.platformDeployment,
        nodeGroups: { general: group("general"), monitoring: group("monitoring") },
        ciRunners: raw.ciRunners,
        acmeEmail: raw.acmeEmail,
        alertWebhookConfigured: raw[ALERT_WEBHOOK_KEY] !== undefined,
        hostedZone: raw.hostedZone,
        protect: raw.protect,
        tags: { environment: "shared", team: raw.team, "cost-center": raw.costCenter },
    };
}
