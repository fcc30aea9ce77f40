import { block, effectiveTags, isFalse, isTaggable, isTrue, OPEN_CIDRS, RDS_CLUSTER, RDS_INSTANCE } from "./lib/aws";
import { describeResource, quoteList, violation } from "./lib/messages";
import { failed, Finding, isSet, Judge, judgeByType, notApplicable } from "./lib/policy";
import { stringList } from "./lib/schema";
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs } from "./lib/types";

/**
 * AWS hardening. Each policy judges the AWS resources the engine shows the pack (aws:eks/cluster:Cluster,
 * launch templates, volumes, RDS) and also the inputs of the @pulumi/eks components: the engine sees the
 * components' children, but the offline plan only sees the component itself, and both must agree.
 */

const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const EKS_COMPONENT = "eks:index:Cluster";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const SELF_MANAGED_NODE_GROUPS = ["eks:index:NodeGroup", "eks:index:NodeGroupV2"];

/** The eks component creates a self-managed default node group unless told not to (Fargate and Auto Mode skip it). */
function hasDefaultNodeGroup(props: Record<string, any>): boolean {
    return props.skipDefaultNodeGroup !== true && !props.fargate && !isTrue(props.autoMode?.enabled);
}

/** The same judge for each of the eks package's self-managed node group components. */
function selfManagedNodeGroups(judge: Judge): Record<string, Judge> {
    return Object.fromEntries(SELF_MANAGED_NODE_GROUPS.map((type) => [type, judge]));
}

// --- EKS control plane -------------------------------------------------------------------------------------

export const eksSecretsEncryption: ResourceValidationPolicy = {
    name: "aws-eks-secrets-encryption",
    description: "EKS clusters encrypt Kubernetes secrets with a KMS key.",
    validateResource: judgeByType({
        [EKS_CLUSTER]: (props) => {
            const encryption = block(props.encryptionConfig);
            const provider = block(encryption?.provider);
            return failed([[!!provider && isSet(provider, "keyArn") && (encryption?.resources ?? []).includes("secrets"),
                "does not encrypt Kubernetes secrets with a KMS key", "set encryptionConfig: { provider: { keyArn }, resources: [\"secrets\"] }"]]);
        },
        [EKS_COMPONENT]: (props) => failed([[isSet(props, "encryptionConfigKeyArn"),
            "does not encrypt Kubernetes secrets with a KMS key", "set encryptionConfigKeyArn to a KMS key's ARN"]]),
    }),
};

/** Private endpoint on; public endpoint off, or limited to CIDRs that are not the whole internet. */
function endpointFindings(access: { endpointPrivateAccess?: unknown; endpointPublicAccess?: unknown; publicAccessCidrs?: string[] }): Finding[] {
    // EKS defaults: private off, public on, and a public endpoint without CIDRs is open to 0.0.0.0/0.
    const cidrs = access.publicAccessCidrs ?? [];
    const isPublic = !isFalse(access.endpointPublicAccess);
    return failed([
        [isTrue(access.endpointPrivateAccess), "has no private API endpoint, so nodes reach the API over the internet", "set endpointPrivateAccess: true"],
        [!isPublic || (cidrs.length > 0 && !cidrs.some((cidr) => OPEN_CIDRS.includes(cidr))),
            `exposes its public API endpoint to ${cidrs.length ? cidrs.join(", ") : "0.0.0.0/0 (no publicAccessCidrs)"}`,
            "set endpointPublicAccess: false, or publicAccessCidrs to the offices' and CI's CIDRs"],
    ]);
}

export const eksEndpointAccess: ResourceValidationPolicy = {
    name: "aws-eks-endpoint-access",
    description: "EKS clusters have their private endpoint on and their public endpoint off or limited to CIDRs other than 0.0.0.0/0.",
    validateResource: judgeByType({
        [EKS_CLUSTER]: (props) => endpointFindings(block(props.vpcConfig) ?? {}),
        [EKS_COMPONENT]: (props) => endpointFindings(props),
    }),
};

function loggingFindings(props: Record<string, any>, args: ResourceValidationArgs): Finding[] {
    const { requiredLogTypes } = args.getConfig<{ requiredLogTypes: string[] }>();
    const enabled: string[] = props.enabledClusterLogTypes ?? [];
    const missing = requiredLogTypes.filter((type) => !enabled.includes(type));
    return failed([[!missing.length, `does not send ${quoteList(missing)} control-plane logs to CloudWatch`,
        `set enabledClusterLogTypes to include ${quoteList(requiredLogTypes)}`]]);
}

export const eksControlPlaneLogging: ResourceValidationPolicy = {
    name: "aws-eks-control-plane-logging",
    description: "EKS clusters send the api, audit and authenticator control-plane logs to CloudWatch.",
    configSchema: {
        properties: { requiredLogTypes: stringList(["api", "audit", "authenticator"], "control-plane log types every cluster must enable") },
    },
    validateResource: judgeByType({ [EKS_CLUSTER]: loggingFindings, [EKS_COMPONENT]: loggingFindings }),
};

// --- Nodes -------------------------------------------------------------------------------------------------

export const nodeImdsV2: ResourceValidationPolicy = {
    name: "aws-node-imdsv2",
    description: "Node launch templates require IMDSv2 with a response hop limit of at most 2.",
    configSchema: {
        properties: {
            // 2 lets pods on the VPC CNI reach IMDS through one extra hop when they must; 1 keeps them out.
            maxHopLimit: { type: "integer", minimum: 1, maximum: 64, default: 2, description: "the largest httpPutResponseHopLimit allowed" },
        },
    },
    validateResource: judgeByType({
        [LAUNCH_TEMPLATE]: (props, args) => {
            const { maxHopLimit } = args.getConfig<{ maxHopLimit: number }>();
            const metadata = block(props.metadataOptions) ?? {};
            if (metadata.httpEndpoint === "disabled") return []; // no metadata service at all
            const hopLimit = metadata.httpPutResponseHopLimit;
            return failed([
                [metadata.httpTokens === "required", "does not require IMDSv2 session tokens, so any SSRF can read the node role's credentials",
                    "set metadataOptions.httpTokens: \"required\""],
                [hopLimit === undefined || Number(hopLimit) <= maxHopLimit, `allows ${hopLimit} hops to the metadata service`,
                    `set metadataOptions.httpPutResponseHopLimit to at most ${maxHopLimit}`],
            ]);
        },
    }),
};

const EBS_PROVISIONERS = ["ebs.csi.aws.com", "kubernetes.io/aws-ebs"];
const encryptVolume = "set encrypted: true (gp3 volumes cost the same encrypted)";

/** Findings for the `encrypted` flag of each declared EBS device (`[name, encrypted]`). */
function unencryptedDevices(devices: Array<[name: string, encrypted: unknown]>, fix: string): Finding[] {
    return devices.filter(([, encrypted]) => !isTrue(encrypted)).map(([name]) => [`volume ${name} is not encrypted`, fix]);
}

export const ebsEncryption: ResourceValidationPolicy = {
    name: "aws-ebs-encryption",
    description: "Node and data volumes are encrypted.",
    validateResource: judgeByType({
        [LAUNCH_TEMPLATE]: (props) => unencryptedDevices(
            (props.blockDeviceMappings ?? []).filter((mapping: any) => mapping?.ebs).map((mapping: any) => [mapping.deviceName ?? "(root)", block(mapping.ebs).encrypted]),
            "set blockDeviceMappings[].ebs.encrypted: \"true\""),
        "aws:ebs/volume:Volume": (props) => failed([[isTrue(props.encrypted), "is not encrypted", encryptVolume]]),
        "aws:ec2/instance:Instance": (props) => unencryptedDevices([
            ...(props.rootBlockDevice ? [["root", block(props.rootBlockDevice).encrypted] as [string, unknown]] : []),
            ...(props.ebsBlockDevices ?? []).map((device: any) => [device?.deviceName, device?.encrypted] as [string, unknown]),
        ], encryptVolume),
        "kubernetes:storage.k8s.io/v1:StorageClass": (props) => EBS_PROVISIONERS.includes(props.provisioner)
            ? failed([[String(props.parameters?.encrypted).toLowerCase() === "true", "provisions unencrypted EBS volumes", "set parameters.encrypted: \"true\""]])
            : [],
        ...selfManagedNodeGroups((props) => failed([[isTrue(props.nodeRootVolumeEncrypted), "gives its nodes unencrypted root volumes", "set nodeRootVolumeEncrypted: true"]])),
        [EKS_COMPONENT]: (props) => [
            ...(hasDefaultNodeGroup(props) ? failed([[isTrue(props.nodeRootVolumeEncrypted), "gives its default node group unencrypted root volumes",
                "set nodeRootVolumeEncrypted: true, or skipDefaultNodeGroup: true"]]) : []),
            // A storage class given by volume type alone is created unencrypted.
            ...(typeof props.storageClasses === "string" ? [["creates an unencrypted storage class", "give storageClasses as { name: { type, encrypted: true } }"] as Finding] : []),
            ...Object.entries(props.storageClasses && typeof props.storageClasses === "object" ? props.storageClasses : {})
                .filter(([, storageClass]: [string, any]) => !isTrue(storageClass?.encrypted))
                .map(([name]): Finding => [`storage class ${name} is unencrypted`, `set storageClasses.${name}.encrypted: true`]),
        ],
    }),
};

/** Where each node group type names its subnets. */
const NODE_SUBNET_INPUTS: Record<string, string> = {
    "aws:eks/nodeGroup:NodeGroup": "subnetIds",
    "eks:index:ManagedNodeGroup": "subnetIds",
    "eks:index:NodeGroup": "nodeSubnetIds",
    "eks:index:NodeGroupV2": "nodeSubnetIds",
};
const SUBNET = "aws:ec2/subnet:Subnet";

/** A subnet is public when it hands out public IPs or is tagged for internet-facing load balancers. */
function isPublicSubnet(subnet: PolicyResource): boolean {
    return isTrue(subnet.props.mapPublicIpOnLaunch) || subnet.props.tags?.["kubernetes.io/role/elb"] !== undefined;
}

/**
 * The Subnet resources a node group's subnet input comes from: by the engine's property dependencies, else
 * by subnet id (stack policies see outputs, and a subnet's outputs hold its id). Subnets of another stack
 * cannot be judged here.
 */
function nodeSubnets(nodeGroup: PolicyResource, subnets: PolicyResource[]): PolicyResource[] {
    const input = NODE_SUBNET_INPUTS[nodeGroup.type];
    const dependencies = (nodeGroup.propertyDependencies?.[input] ?? []).filter((resource) => resource.type === SUBNET);
    if (dependencies.length) return dependencies;
    const ids: unknown[] = nodeGroup.props[input] ?? [];
    return subnets.filter((subnet) => subnet.props.id !== undefined && ids.includes(subnet.props.id));
}

function nodesInPublicSubnets(args: StackValidationArgs, reportViolation: (message: string, urn?: string) => void): void {
    const subnets = args.resources.filter((resource) => resource.type === SUBNET);
    const nodeGroups = args.resources.filter((resource) => NODE_SUBNET_INPUTS[resource.type]);
    if (!subnets.length || !nodeGroups.length) notApplicable(args, "the stack creates no node group together with its subnets");
    for (const nodeGroup of nodeGroups) {
        const publicSubnets = nodeSubnets(nodeGroup, subnets).filter(isPublicSubnet);
        if (publicSubnets.length) {
            reportViolation(violation(describeResource(nodeGroup), `places nodes in public subnets ${publicSubnets.map((subnet) => subnet.name).join(", ")}`,
                `set ${NODE_SUBNET_INPUTS[nodeGroup.type]} to the private subnets only`), nodeGroup.urn);
        }
    }
}

/** Self-managed node groups assign public IPs unless told not to. */
const noPublicNodeIps = (props: Record<string, any>) => failed([[isFalse(props.nodeAssociatePublicIpAddress),
    "gives its nodes public IP addresses", "set nodeAssociatePublicIpAddress: false"]]);

/**
 * Both halves of the rule: what one resource shows (a launch template's network interfaces, the eks
 * components' public-IP switch) is judged per resource; which subnets a node group uses needs the Subnet
 * resources too, so that half runs over the whole stack.
 */
export const nodesPrivate: ResourceValidationPolicy & { validateStack: typeof nodesInPublicSubnets } = {
    name: "aws-nodes-private",
    description: "Nodes get no public IP and sit in private subnets.",
    validateResource: judgeByType({
        [LAUNCH_TEMPLATE]: (props) => (props.networkInterfaces ?? [])
            .filter((networkInterface: any) => isTrue(networkInterface?.associatePublicIpAddress))
            .map((): Finding => ["gives nodes a public IP address", "set networkInterfaces[].associatePublicIpAddress: \"false\""]),
        ...selfManagedNodeGroups(noPublicNodeIps),
        // A subnet tagged for internal load balancers is a private one: it must not hand out public IPs.
        [SUBNET]: (props) => failed([[!(isTrue(props.mapPublicIpOnLaunch) && props.tags?.["kubernetes.io/role/internal-elb"] !== undefined),
            "is tagged as a private subnet (kubernetes.io/role/internal-elb) but gives instances public IPs", "set mapPublicIpOnLaunch: false"]]),
        [EKS_COMPONENT]: (props) => hasDefaultNodeGroup(props) ? [
            ...noPublicNodeIps(props),
            ...failed([[!(props.publicSubnetIds?.length && !props.privateSubnetIds?.length && !props.nodeSubnetIds?.length),
                "places its default node group in public subnets", "set privateSubnetIds (or nodeSubnetIds) to the private subnets"]]),
        ] : [],
    }),
    validateStack: nodesInPublicSubnets,
};

// --- Tags and databases ------------------------------------------------------------------------------------

export const requiredTags: ResourceValidationPolicy = {
    name: "aws-required-tags",
    description: "Taggable AWS resources carry the environment, team and cost-center tags (the provider's default tags count).",
    configSchema: {
        properties: { requiredTags: stringList(["environment", "team", "cost-center"], "tag keys every taggable AWS resource carries") },
    },
    validateResource: (args, reportViolation) => {
        if (!isTaggable(args)) notApplicable(args, "not a taggable AWS resource");
        const { requiredTags: required } = args.getConfig<{ requiredTags: string[] }>();
        const tags = effectiveTags(args);
        const missing = required.filter((key) => typeof tags[key] !== "string" || tags[key] === "");
        if (missing.length) {
            reportViolation(violation(describeResource(args), `has no ${quoteList(missing)} tag`,
                "add them to the AWS provider's defaultTags.tags (or to the resource's tags)"));
        }
    },
};

export const rdsEncryptedPrivate: ResourceValidationPolicy = {
    name: "aws-rds-encrypted-private",
    description: "RDS storage is encrypted and never publicly accessible.",
    validateResource: judgeByType({
        [RDS_INSTANCE]: (props) => failed([
            // A same-region read replica inherits its source's encryption and cannot set its own.
            [isTrue(props.storageEncrypted) || !!props.replicateSourceDb, "does not encrypt its storage", "set storageEncrypted: true"],
            [!isTrue(props.publiclyAccessible), "is publicly accessible", "set publiclyAccessible: false and keep it in the private subnets"],
        ]),
        [RDS_CLUSTER]: (props) => failed([
            [isTrue(props.storageEncrypted) || props.engineMode === "serverless", "does not encrypt its storage", "set storageEncrypted: true"],
        ]),
    }),
};

export const awsPolicies = [
    eksSecretsEncryption, eksEndpointAccess, eksControlPlaneLogging, nodeImdsV2, ebsEncryption, nodesPrivate, requiredTags, rdsEncryptedPrivate,
];
