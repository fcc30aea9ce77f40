import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ClusterSettings } from "../../model/clusterSettings";
import { TIERS, type Tier } from "../../model/tiers";
import { addressAt, upperHalf } from "../../model/addressing";
import type { ClusterNetwork } from "../../model/clusterExports";
import type { KubernetesApiAddresses } from "../networkPolicies";
import { serviceTrustPolicy } from "./iam";

/** The network part of the cluster settings (one subnet of each tier per zone, in the zones' order). */
export interface NetworkArgs extends Pick<ClusterSettings,
    "clusterName" | "vpcCidr" | "availabilityZones" | "publicSubnetCidrs" | "privateSubnetCidrs" | "databaseSubnetCidrs" | "natGateways" | "protect"> {
    /** The account the VPC is in: the flow-log role is assumable only on its behalf. */
    accountId: pulumi.Input<string>;
    /** Days CloudWatch keeps the VPC flow logs. @default 90 */
    flowLogRetentionDays?: number;
}

/**
 * The part of a node subnet kept for the VPC CNI's /28 prefixes: its upper half. EC2 takes prefixes only from
 * a `prefix` reservation when one exists, and nothing else (node, ENI, load-balancer addresses) from it, so
 * single addresses scattered through the subnet can never leave it without a free contiguous /28
 * (InsufficientCidrBlocks; EKS user guide, "Assign more IP addresses to Amazon EKS nodes with prefixes",
 * read 2026-12-01).
 */
export const prefixReservationOf = (subnetCidr: string): string => upperHalf(subnetCidr);

/**
 * The first address of the service CIDR is the `kubernetes` Service's (the API server allocates it to that
 * Service before any other); EKS places the control plane's interfaces in every subnet the cluster is given.
 */
export function kubernetesApiAddresses(settings: Pick<ClusterSettings, "serviceCidr" | "publicSubnetCidrs" | "privateSubnetCidrs">): KubernetesApiAddresses {
    return {
        serviceIp: addressAt(settings.serviceCidr, 1),
        controlPlaneSubnetCidrs: [...settings.publicSubnetCidrs, ...settings.privateSubnetCidrs],
    };
}

/**
 * The VPC of seed 001: public subnets (NAT gateways, the shared Gateway's NLB) and private subnets (nodes, the API
 * server's network interfaces, databases), one of each per zone; an internet gateway; NAT; route tables;
 * the subnet tags the Kubernetes load-balancer integration looks for; a prefix reservation in each private
 * subnet; flow logs to CloudWatch; and per tier the database subnets and DB subnet group its environments'
 * PostgreSQL goes in.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    /** Per tier: its DB subnet group and the CIDRs the tier's NetworkPolicies allow 5432 to. */
    readonly databaseSubnets: Record<Tier, { subnetGroupName: pulumi.Output<string>; cidrs: string[] }>;

    private readonly args: NetworkArgs;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:Network", name, {}, opts);
        this.args = args;
        const parent = { parent: this };
        const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

        this.vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.vpcCidr,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: { Name: `${args.clusterName}-vpc` },
        }, { ...parent, protect: args.protect });
        this.vpcId = this.vpc.id;

        // The default security group lets every member talk to every other; adopted with no rules, it admits
        // nothing, so a resource left in it by mistake is isolated rather than open (CIS EC2.2).
        new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, {
            vpcId: this.vpc.id,
            ingress: [],
            egress: [],
            tags: { Name: `${args.clusterName}-default-do-not-use` },
        }, parent);

        const internetGateway = new aws.ec2.InternetGateway(`${name}-igw`, {
            vpcId: this.vpc.id,
            tags: { Name: `${args.clusterName}-igw` },
        }, parent);

        // Public: the NAT gateways and the internet-facing NLB. Private: nodes, the API server's interfaces,
        // databases and internal load balancers. Nothing gets an address of its own at launch.
        const subnets = (tier: "public" | "private", cidrs: string[], roleTag: string) => args.availabilityZones.map((zone, index) =>
            new aws.ec2.Subnet(`${name}-${tier}-${zone}`, {
                vpcId: this.vpc.id,
                availabilityZone: zone,
                cidrBlock: cidrs[index],
                mapPublicIpOnLaunch: false,
                tags: { Name: `${args.clusterName}-${tier}-${zone}`, [roleTag]: "1", ...clusterTag },
            }, parent));
        const publicSubnets = subnets("public", args.publicSubnetCidrs, "kubernetes.io/role/elb");
        const privateSubnets = subnets("private", args.privateSubnetCidrs, "kubernetes.io/role/internal-elb");
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        privateSubnets.forEach((subnet, index) => new aws.ec2.SubnetCidrReservation(`${name}-private-${args.availabilityZones[index]}-prefixes`, {
            subnetId: subnet.id,
            cidrBlock: prefixReservationOf(args.privateSubnetCidrs[index]),
            reservationType: "prefix",
            description: "VPC CNI /28 prefixes of the pods",
        }, parent));

        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
            vpcId: this.vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: internetGateway.id }],
            tags: { Name: `${args.clusterName}-public` },
        }, parent);
        publicSubnets.forEach((subnet, index) => new aws.ec2.RouteTableAssociation(`${name}-public-${args.availabilityZones[index]}`, {
            subnetId: subnet.id,
            routeTableId: publicRoutes.id,
        }, parent));

        const natZones = args.natGateways === "perZone" ? args.availabilityZones : [args.availabilityZones[0]];
        const natGateways = natZones.map((zone) => {
            const index = args.availabilityZones.indexOf(zone);
            const address = new aws.ec2.Eip(`${name}-nat-${zone}`, {
                domain: "vpc",
                tags: { Name: `${args.clusterName}-nat-${zone}` },
            }, { ...parent, dependsOn: [internetGateway] });
            return new aws.ec2.NatGateway(`${name}-nat-${zone}`, {
                allocationId: address.id,
                subnetId: publicSubnets[index].id,
                connectivityType: "public",
                tags: { Name: `${args.clusterName}-nat-${zone}` },
            }, parent);
        });

        privateSubnets.forEach((subnet, index) => {
            const zone = args.availabilityZones[index];
            const nat = natGateways[args.natGateways === "perZone" ? index : 0];
            const routes = new aws.ec2.RouteTable(`${name}-private-${zone}`, {
                vpcId: this.vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
                tags: { Name: `${args.clusterName}-private-${zone}` },
            }, parent);
            new aws.ec2.RouteTableAssociation(`${name}-private-${zone}`, { subnetId: subnet.id, routeTableId: routes.id }, parent);
        });

        // Every accepted and rejected flow, for incident response and for debugging network policies.
        const flowLogGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
            name: `/aws/vpc/${args.clusterName}/flow-logs`,
            retentionInDays: args.flowLogRetentionDays ?? 90,
        }, parent);
        const flowLogRole = new aws.iam.Role(`${name}-flow-logs`, {
            description: `Lets VPC flow logs of ${args.clusterName} write to CloudWatch Logs`,
            assumeRolePolicy: pulumi.output(args.accountId).apply((id) => serviceTrustPolicy("vpc-flow-logs.amazonaws.com", { "aws:SourceAccount": id })),
        }, parent);
        new aws.iam.RolePolicy(`${name}-flow-logs`, {
            role: flowLogRole.id,
            policy: pulumi.jsonStringify({
                Version: "2012-10-17",
                Statement: [{
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                    Resource: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
                }],
            }),
        }, parent);
        new aws.ec2.FlowLog(`${name}-flow-logs`, {
            vpcId: this.vpc.id,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: flowLogGroup.arn,
            iamRoleArn: flowLogRole.arn,
            maxAggregationInterval: 60,
            tags: { Name: `${args.clusterName}-flow-logs` },
        }, parent);

        // Each tier's databases in subnets of their own, with no route out of the VPC (they never initiate a
        // connection): a NetworkPolicy can then allow 5432 to one tier's subnets and to no other's.
        const databaseRoutes = new aws.ec2.RouteTable(`${name}-databases`, {
            vpcId: this.vpc.id,
            tags: { Name: `${args.clusterName}-databases` },
        }, parent);
        this.databaseSubnets = Object.fromEntries(TIERS.map((tier) => {
            const cidrs = args.databaseSubnetCidrs[tier];
            const tierSubnets = args.availabilityZones.map((zone, index) => {
                const subnet = new aws.ec2.Subnet(`${name}-database-${tier}-${zone}`, {
                    vpcId: this.vpc.id,
                    availabilityZone: zone,
                    cidrBlock: cidrs[index],
                    mapPublicIpOnLaunch: false,
                    tags: { Name: `${args.clusterName}-database-${tier}-${zone}` },
                }, parent);
                new aws.ec2.RouteTableAssociation(`${name}-database-${tier}-${zone}`, { subnetId: subnet.id, routeTableId: databaseRoutes.id }, parent);
                return subnet;
            });
            const group = new aws.rds.SubnetGroup(`${name}-databases-${tier}`, {
                name: `${args.clusterName}-databases-${tier}`,
                description: `Subnets of ${args.clusterName} for the ${tier} environments' databases`,
                subnetIds: tierSubnets.map((subnet) => subnet.id),
            }, parent);
            return [tier, { subnetGroupName: group.name, cidrs }];
        })) as Record<Tier, { subnetGroupName: pulumi.Output<string>; cidrs: string[] }>;

        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            databaseSubnets: this.databaseSubnets,
        });
    }

    /** The `network` export of the cluster stack, for a cluster whose Services get addresses from `serviceCidr`. */
    exported(serviceCidr: string): pulumi.Output<ClusterNetwork> {
        const api = kubernetesApiAddresses({ ...this.args, serviceCidr });
        return pulumi.output({
            serviceCidr,
            kubernetesServiceIp: api.serviceIp,
            controlPlaneSubnetCidrs: api.controlPlaneSubnetCidrs,
            nodeSubnets: this.args.availabilityZones.map((zone, index) => ({
                zone,
                cidr: this.args.privateSubnetCidrs[index],
                prefixReservationCidr: prefixReservationOf(this.args.privateSubnetCidrs[index]),
            })),
            publicSubnetCidrs: this.args.publicSubnetCidrs,
            databaseSubnets: this.databaseSubnets,
        });
    }
}
