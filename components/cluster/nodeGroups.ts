import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import type { NodeGroupCapacity } from "../../model/clusterExports";
import type { NodeGroupSettings } from "../../model/clusterSettings";
import { awsManagedPolicyArn, serviceTrustPolicy } from "./iam";
import { smallestAllocatable } from "./instanceTypes";
import { nodeUserData } from "./nodeConfig";

/** The minimal managed policies of a node: join the cluster and pull images. The CNI's are on its own IRSA role. */
const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"];

const EKS_TAINT_EFFECT = { NoSchedule: "NO_SCHEDULE", PreferNoSchedule: "PREFER_NO_SCHEDULE", NoExecute: "NO_EXECUTE" } as const;

export interface NodeGroupsArgs {
    clusterName: string;
    /** The control plane's Kubernetes minor: the groups follow it (a launch template stops pulumi-eks from defaulting it). */
    kubernetesVersion: string;
    cluster: eks.Cluster;
    vpcId: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<string>[];
    /** The EKS-created cluster security group: control plane ↔ nodes and node ↔ node traffic. */
    clusterSecurityGroupId: pulumi.Input<string>;
    groups: NodeGroupSettings[];
    /** Tags for the instances and volumes the launch templates start (provider default tags stop at the template). */
    tags: Record<string, string>;
    /** Nodes register only once these exist (the VPC CNI and kube-proxy add-ons). */
    networkingAddons: pulumi.Input<pulumi.Resource>[];
}

/** Per-node capacity of one group, as the offline plan's capacity check reads it. */
export function nodeGroupCapacity(group: NodeGroupSettings): NodeGroupCapacity {
    const node = smallestAllocatable(group.instanceTypes);
    return {
        name: group.name,
        instanceType: node.instanceType,
        minSize: group.minSize,
        desiredSize: group.desiredSize,
        maxSize: group.maxSize,
        capacityType: group.capacityType,
        allocatableCpu: node.cpu,
        allocatableMemory: node.memory,
        maxPods: node.maxPods,
        taints: group.taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
    };
}

/**
 * The managed node groups, each on a launch template of our own: IMDSv2 required with a hop limit of 1
 * (pods cannot reach the node's credentials through the metadata service), an encrypted gp3 root volume,
 * no public address, the cluster security group plus a `nodes` group that identifies the nodes to other
 * security groups (the environments' databases admit PostgreSQL from it). Nodes sit in the private
 * subnets only, under one node role with the minimal managed policies.
 */
export class NodeGroups extends pulumi.ComponentResource {
    readonly nodeRole: aws.iam.Role;
    readonly nodeSecurityGroup: aws.ec2.SecurityGroup;
    readonly capacity: NodeGroupCapacity[];

    constructor(name: string, args: NodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:NodeGroups", name, {}, opts);
        const parent = { parent: this };

        this.nodeRole = new aws.iam.Role(`${name}-node`, {
            description: `Worker nodes of ${args.clusterName}`,
            assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
        }, parent);
        const attachments = NODE_POLICIES.map((policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, {
            role: this.nodeRole.name,
            policyArn: awsManagedPolicyArn(policy),
        }, parent));

        this.nodeSecurityGroup = new aws.ec2.SecurityGroup(`${name}-nodes`, {
            vpcId: args.vpcId,
            description: `Nodes of ${args.clusterName}: other security groups admit the cluster pods through this one`,
            tags: { Name: `${args.clusterName}-nodes` },
        }, parent);

        for (const group of args.groups) {
            const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-${group.name}`, {
                name: `${args.clusterName}-${group.name}`,
                description: `Nodes of the ${group.name} group of ${args.clusterName}`,
                updateDefaultVersion: true,
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    httpPutResponseHopLimit: 1,
                    instanceMetadataTags: "disabled",
                },
                blockDeviceMappings: [{
                    deviceName: "/dev/xvda",
                    ebs: {
                        volumeSize: group.diskSizeGb,
                        volumeType: "gp3",
                        encrypted: "true",
                        deleteOnTermination: "true",
                    },
                }],
                vpcSecurityGroupIds: [args.clusterSecurityGroupId, this.nodeSecurityGroup.id],
                userData: nodeUserData(group.instanceTypes),
                tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
                    resourceType,
                    tags: { ...args.tags, Name: `${args.clusterName}-${group.name}` },
                })),
            }, parent);

            new eks.ManagedNodeGroup(`${name}-${group.name}`, {
                cluster: args.cluster,
                // A prefix, so that a change that replaces the group can create the new one first.
                nodeGroupNamePrefix: `${group.name}-`,
                nodeRole: this.nodeRole,
                // A group of stateful pods stays in the first zone: its EBS volumes cannot follow a node elsewhere.
                subnetIds: group.singleZone ? args.privateSubnetIds.slice(0, 1) : args.privateSubnetIds,
                amiType: "AL2023_x86_64_STANDARD",
                version: args.kubernetesVersion,
                instanceTypes: group.instanceTypes,
                capacityType: group.capacityType,
                scalingConfig: { minSize: group.minSize, desiredSize: group.desiredSize, maxSize: group.maxSize },
                // The autoscaler owns the desired size once the group exists.
                ignoreScalingChanges: true,
                launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
                labels: group.labels,
                // No Cluster Autoscaler tags here: EKS copies none of a node group's tags to its Auto Scaling
                // group, and puts the discovery tags on the ASG itself; labels and taints are read through
                // eks:DescribeNodegroup.
                taints: group.taints.map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECT[t.effect] })),
            }, { ...parent, dependsOn: [...attachments, ...args.networkingAddons] });
        }

        this.capacity = args.groups.map(nodeGroupCapacity);
        this.registerOutputs({ nodeSecurityGroupId: this.nodeSecurityGroup.id });
    }
}
