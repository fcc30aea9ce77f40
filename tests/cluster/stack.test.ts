import { expect } from "chai";
import type { StackRun, PlannedResource } from "../../plan/runtime";
import { CLUSTER, committedClusterPlan, MONITORING_SELECTOR, TYPES } from "./support";
import { json, ofType, one } from "../support/resources";


const tagsOf = (r: PlannedResource) => r.inputs.tags ?? {};

describe("cluster stack (shared, committed config)", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });

    describe("network", () => {
        it("is a 10.0.0.0/16 VPC with DNS, protected", () => {
            const [vpc] = ofType(run, TYPES.vpc);
            expect(vpc.inputs).to.deep.include({ cidrBlock: "10.0.0.0/16", enableDnsSupport: true, enableDnsHostnames: true });
            expect(vpc.protect).to.equal(true);
        });

        it("has a public and a private subnet per zone, tagged for the load balancers, with no public addresses", () => {
            const subnets = ofType(run, TYPES.subnet).filter((s) => !s.name.startsWith("network-database-")).map((s) => s.inputs);
            const layout = subnets.map((s) => [s.availabilityZone, s.cidrBlock, s.tags["kubernetes.io/role/elb"] ?? null, s.tags["kubernetes.io/role/internal-elb"] ?? null]);
            expect(layout).to.have.deep.members([
                ["us-east-1a", "10.0.101.0/24", "1", null],
                ["us-east-1b", "10.0.102.0/24", "1", null],
                ["us-east-1a", "10.0.16.0/20", null, "1"],
                ["us-east-1b", "10.0.32.0/20", null, "1"],
            ]);
            for (const subnet of subnets) {
                expect(subnet.mapPublicIpOnLaunch).to.equal(false);
                expect(subnet.tags[`kubernetes.io/cluster/${CLUSTER}`]).to.equal("shared");
            }
        });

        it("routes the public subnets to the internet gateway and the private ones through one NAT gateway", () => {
            const [gateway] = ofType(run, "aws:ec2/internetGateway:InternetGateway");
            const nats = ofType(run, TYPES.natGateway);
            expect(nats).to.have.length(1);
            const publicA = ofType(run, TYPES.subnet).find((s) => s.inputs.cidrBlock === "10.0.101.0/24")!;
            expect(nats[0].inputs.subnetId).to.equal(publicA.id);
            const tables = ofType(run, TYPES.routeTable);
            const publicTable = tables.filter((t) => t.inputs.routes?.[0].gatewayId);
            const privateTables = tables.filter((t) => t.inputs.routes?.[0].natGatewayId);
            expect(publicTable.map((t) => t.inputs.routes)).to.deep.equal([[{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }]]);
            expect(privateTables.map((t) => t.inputs.routes[0].natGatewayId)).to.deep.equal([nats[0].id, nats[0].id]);
            expect(ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => !a.name.startsWith("network-database-"))).to.have.length(4);
        });

        it("logs every flow of the VPC to CloudWatch", () => {
            const [flowLog] = ofType(run, "aws:ec2/flowLog:FlowLog");
            const [vpc] = ofType(run, TYPES.vpc);
            const group = one(run, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
            expect(flowLog.inputs).to.deep.include({ vpcId: vpc.id, trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
            expect(flowLog.inputs.logDestination).to.match(new RegExp(`log-group:${group.inputs.name}$`));
            expect(json(one(run, TYPES.role, "network-flow-logs").inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "vpc-flow-logs.amazonaws.com" });
        });

    });

    describe("tags and providers", () => {
        it("tags every AWS resource with environment, team and cost-center through one explicit AWS provider", () => {
            const providers = ofType(run, "pulumi:providers:aws");
            expect(providers).to.have.length(1);
            expect(json(providers[0].inputs.defaultTags).tags).to.deep.equal({ environment: "shared", team: "platform", "cost-center": "fintrax-shared" });
            expect(providers[0].inputs.region).to.equal("us-east-1");
            for (const resource of run.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
                expect(resource.provider, resource.urn).to.equal(providers[0].urn);
            }
        });

        it("creates every Kubernetes object and Helm release with the cluster's own provider", () => {
            const [provider] = ofType(run, "pulumi:providers:kubernetes");
            expect(provider.maskedInputs.kubeconfig).to.equal("[secret]");
            const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
            expect(objects.length).to.be.greaterThan(40);
            for (const object of objects) expect(object.provider, object.urn).to.equal(provider.urn);
        });

        it("tags what the launch templates start, which provider default tags do not reach", () => {
            for (const template of ofType(run, TYPES.launchTemplate)) {
                const kinds = template.inputs.tagSpecifications.map((s: any) => s.resourceType);
                expect(kinds).to.have.members(["instance", "volume", "network-interface"]);
                for (const spec of template.inputs.tagSpecifications) {
                    expect(spec.tags).to.include({ environment: "shared", team: "platform", "cost-center": "fintrax-shared" });
                }
            }
        });
    });

    describe("EKS cluster", () => {
        let cluster: PlannedResource;
        before(() => {
            [cluster] = ofType(run, TYPES.cluster);
        });

        it("encrypts Secrets with a rotating KMS key of our own, both protected", () => {
            const [key] = ofType(run, TYPES.kmsKey);
            expect(key.inputs.enableKeyRotation).to.equal(true);
            expect(key.protect).to.equal(true);
            expect(cluster.inputs.encryptionConfigKeyArn).to.match(new RegExp(`:key/${key.id}$`));
            expect(cluster.protect).to.equal(true);
            expect(cluster.inputs.deletionProtection).to.equal(true);
        });

        it("keeps the private endpoint on and the public one off (CI runs in the VPC)", () => {
            expect(cluster.inputs).to.deep.include({ endpointPrivateAccess: true, endpointPublicAccess: false });
            expect(cluster.inputs).not.to.have.property("publicAccessCidrs");
        });

        it("logs every control-plane log type", () => {
            expect(cluster.inputs.enabledClusterLogTypes).to.have.members(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            expect(one(run, "aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane-logs").inputs.name).to.equal(`/aws/eks/${CLUSTER}/cluster`);
        });

        it("authenticates through the API with access entries, and has no default node group", () => {
            expect(cluster.inputs).to.deep.include({
                name: CLUSTER, version: "1.35", authenticationMode: "API", skipDefaultNodeGroup: true, skipDefaultSecurityGroups: true,
            });
            const [entry] = ofType(run, "aws:eks/accessEntry:AccessEntry");
            expect(entry.inputs).to.deep.include({ clusterName: CLUSTER, principalArn: "arn:aws:iam::123456789012:role/platform-admin", type: "STANDARD" });
            const [association] = ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
            expect(association.inputs).to.deep.include({
                principalArn: entry.inputs.principalArn,
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                accessScope: { type: "cluster" },
            });
        });

        it("runs on an IAM role of ours, in the VPC's subnets", () => {
            const role = one(run, TYPES.role, "cluster-cluster");
            expect(cluster.inputs.serviceRole).to.equal(role.urn);
            expect(json(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "eks.amazonaws.com" });
            expect(cluster.inputs.vpcId).to.equal(run.outputs.vpcId);
            expect(cluster.inputs.privateSubnetIds).to.deep.equal(run.outputs.privateSubnetIds);
        });

        it("leaves every add-on to us: VPC CNI with network policies and prefix delegation, kube-proxy, CoreDNS, Pod Identity agent, EBS CSI", () => {
            expect(cluster.inputs).to.deep.include({ useDefaultVpcCni: true, bootstrapSelfManagedAddons: false, createOidcProvider: false });
            expect(cluster.inputs.corednsAddonOptions.enabled).to.equal(false);
            expect(cluster.inputs.kubeProxyAddonOptions.enabled).to.equal(false);
            const addons = Object.fromEntries<any>(ofType(run, TYPES.addon).map((a) => [a.inputs.addonName, a.inputs]));
            expect(Object.keys(addons)).to.have.members(["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver"]);
            const cni = json(addons["vpc-cni"].configurationValues);
            expect(cni.enableNetworkPolicy).to.equal("true");
            expect(cni.env.ENABLE_PREFIX_DELEGATION).to.equal("true");
            expect(json(addons["aws-ebs-csi-driver"].configurationValues).node.tolerateAllTaints).to.equal(true);
            for (const addon of Object.values(addons)) expect(addon.clusterName).to.equal(CLUSTER);
        });

        it("has an IAM OIDC provider for the cluster's issuer", () => {
            const [oidc] = ofType(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
            expect(oidc.inputs.url).to.equal(`https://${run.outputs.oidcProviderUrl}`);
            expect(oidc.inputs.clientIdLists).to.deep.equal(["sts.amazonaws.com"]);
        });
    });

    describe("IRSA roles (the VPC CNI's; the other add-ons use Pod Identity, tests/cluster/podIdentity.test.ts)", () => {
        const expected: Record<string, [string, string]> = {
            "cluster-vpc-cni-role": ["kube-system:aws-node", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
        };

        it("trust exactly one service account each, with :sub and :aud conditions on the cluster's OIDC provider", () => {
            const issuer = String(run.outputs.oidcProviderUrl);
            for (const [name, [subject]] of Object.entries(expected)) {
                const statements = json(one(run, TYPES.role, name).inputs.assumeRolePolicy).Statement;
                expect(statements, name).to.have.length(1);
                expect(statements[0]).to.deep.equal({
                    Effect: "Allow",
                    Principal: { Federated: run.outputs.oidcProviderArn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: { StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${subject}`, [`${issuer}:aud`]: "sts.amazonaws.com" } },
                });
            }
        });

        it("are the roles the add-ons' service accounts use, with their managed policies", () => {
            const arnOf = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
            const addons = Object.fromEntries<any>(ofType(run, TYPES.addon).map((a) => [a.inputs.addonName, a.inputs]));
            expect(addons["vpc-cni"].serviceAccountRoleArn).to.equal(arnOf("cluster-vpc-cni-role"));
            const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [a.inputs.role, a.inputs.policyArn]);
            for (const [name, [, policy]] of Object.entries(expected)) {
                if (policy) expect(attachments).to.deep.include([name, policy]);
            }
        });

        it("let Cluster Autoscaler resize only this cluster's node groups", () => {
            const policy = json(one(run, "aws:iam/rolePolicy:RolePolicy", "addons-cluster-autoscaler-policy").inputs.policy);
            const writes = policy.Statement.filter((s: any) => s.Action.some((a: string) => /SetDesiredCapacity|TerminateInstance/.test(a)));
            expect(writes).to.have.length(1);
            expect(writes[0].Condition).to.deep.equal({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${CLUSTER}`]: "owned" } });
            for (const statement of policy.Statement.filter((s: any) => s !== writes[0])) {
                expect(statement.Action.every((a: string) => /:(Describe|Get)/.test(a)), JSON.stringify(statement)).to.equal(true);
            }
        });
    });

    describe("node groups", () => {
        it("run on launch templates that require IMDSv2 (hop limit 1) and encrypted gp3 root volumes of the configured size", () => {
            const sizes = { general: 50, monitoring: 30 };
            for (const [group, size] of Object.entries(sizes)) {
                const template = one(run, TYPES.launchTemplate, `nodes-${group}`).inputs;
                expect(template.metadataOptions).to.deep.include({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
                expect(template.blockDeviceMappings).to.deep.equal([{
                    deviceName: "/dev/xvda",
                    ebs: { volumeSize: size, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
                }]);
                expect(template.networkInterfaces ?? []).to.deep.equal([]);
                expect(template.vpcSecurityGroupIds).to.deep.equal([run.outputs.clusterSecurityGroupId, run.outputs.nodeSecurityGroupId]);
            }
        });

        it("are the seed's groups, in the private subnets, on their own launch template", () => {
            const groups = Object.fromEntries(ofType(run, TYPES.nodeGroup).map((g) => [g.name, g.inputs]));
            expect(groups["nodes-general"]).to.deep.include({
                instanceTypes: ["t3.medium"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 2, desiredSize: 3, maxSize: 10 }, taints: [],
            });
            expect(groups["nodes-monitoring"]).to.deep.include({
                instanceTypes: ["t3.medium"], capacityType: "SPOT", scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 },
                labels: MONITORING_SELECTOR,
                taints: [{ key: "workload-type", value: "monitoring", effect: "NO_SCHEDULE" }],
            });
            const cluster = ofType(run, TYPES.cluster)[0];
            // Monitoring keeps zonal volumes: its group stays in the first zone (tests/cluster/nodeGroups.test.ts).
            expect(groups["nodes-general"].subnetIds).to.deep.equal(run.outputs.privateSubnetIds);
            expect(groups["nodes-monitoring"].subnetIds).to.deep.equal((run.outputs.privateSubnetIds as string[]).slice(0, 1));
            for (const [name, group] of Object.entries(groups)) {
                expect(group.cluster).to.equal(cluster.urn);
                expect(group.launchTemplate.id).to.equal(one(run, TYPES.launchTemplate, name).id);
                expect(group.amiType).to.equal("AL2023_x86_64_STANDARD");
            }
        });

        it("carry no Cluster Autoscaler tags: EKS copies none to the Auto Scaling group and tags the group itself", () => {
            for (const group of ofType(run, TYPES.nodeGroup)) {
                expect(Object.keys(tagsOf(group)).filter((key) => key.startsWith("k8s.io/cluster-autoscaler/")), group.name).to.deep.equal([]);
            }
        });

        it("share a node role with only the minimal managed policies", () => {
            const role = one(run, TYPES.role, "nodes-node");
            expect(json(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "ec2.amazonaws.com" });
            const policies = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.inputs.role === "nodes-node").map((a) => a.inputs.policyArn);
            expect(policies).to.have.members([
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            ]);
            for (const group of ofType(run, TYPES.nodeGroup)) expect(group.inputs.nodeRole).to.equal(role.urn);
        });
    });
});
