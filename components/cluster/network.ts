import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ClusterSettings } from "../../config/cluster";
import { serviceTrustPolicy } from "./iam";

/** The network part of the cluster settings (one subnet of each tier per zone, in the zones' order). */
export interface NetworkArgs extends Pick<ClusterSettings,
    "clusterName" | "vpcCidr" | "availabilityZones" | "publicSubnetCidrs" | "privateSubnetCidrs" | "natGateways" | "protect"> {
    flowLogRetentionDays?: number;
}

/**
 * The VPC of seed 001: public subnets (NAT gateways, the shared Gateway's NLB) and private subnets (nodes, the API
 * server's network interfaces, databases), one of each per zone; an internet gateway; NAT; route tables;
 * the subnet tags the Kubernetes load-balancer integration looks for; flow logs to CloudWatch; and the DB
 * subnet group the environments put their PostgreSQL in.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly natGatewayIds: pulumi.Output<string>[];
    readonly databaseSubnetGroupName: pulumi.Output<string>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:Network", name, {}, opts);
        const parent = { parent: this };
        const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };

        this.vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.vpcCidr,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: { Name: `${args.clusterName}-vpc` },
        }, { ...parent, protect: args.protect });
        this.vpcId = this.vpc.id;

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
        this.natGatewayIds = natGateways.map((n) => n.id);

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
            assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com"),
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

        const databaseSubnets = new aws.rds.SubnetGroup(`${name}-databases`, {
            name: `${args.clusterName}-databases`,
            description: `Private subnets of ${args.clusterName} for the environments' databases`,
            subnetIds: this.privateSubnetIds,
        }, parent);
        this.databaseSubnetGroupName = databaseSubnets.name;

        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            databaseSubnetGroupName: this.databaseSubnetGroupName,
        });
    }
}
