import { awsProvider, database, expectFires, expectQuiet, k8s, resource, TAGS } from "./fixtures";

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** An aws:eks/cluster:Cluster as the eks component creates it, compliant unless changed. */
const eksCluster = (change: Record<string, unknown> = {}) => [resource("aws:eks/cluster:Cluster", "fintrax", {
    roleArn: "arn:aws:iam::123456789012:role/eks",
    encryptionConfig: { provider: { keyArn: KEY_ARN }, resources: ["secrets"] },
    vpcConfig: { subnetIds: ["subnet-1", "subnet-2"], endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    tags: TAGS,
    ...change,
})];

/** The eks component's inputs, as the offline plan sees them. */
const eksComponent = (change: Record<string, unknown> = {}) => [resource("eks:index:Cluster", "fintrax", {
    skipDefaultNodeGroup: true,
    encryptionConfigKeyArn: KEY_ARN,
    endpointPrivateAccess: true,
    endpointPublicAccess: true,
    publicAccessCidrs: ["203.0.113.0/24"],
    enabledClusterLogTypes: ["api", "audit", "authenticator"],
    ...change,
})];

const launchTemplate = (change: Record<string, unknown> = {}) => [resource("aws:ec2/launchTemplate:LaunchTemplate", "general", {
    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true" } }],
    tags: TAGS,
    ...change,
})];

describe("policy aws-eks-secrets-encryption", () => {
    it("fires on a cluster without a KMS key for secrets, and on the eks component without encryptionConfigKeyArn", async () => {
        await expectFires("aws-eks-secrets-encryption", eksCluster({ encryptionConfig: undefined }), undefined, /aws:eks\/cluster:Cluster "fintrax": does not encrypt Kubernetes secrets/);
        await expectFires("aws-eks-secrets-encryption", eksCluster({ encryptionConfig: { provider: { keyArn: KEY_ARN }, resources: [] } }));
        await expectFires("aws-eks-secrets-encryption", eksComponent({ encryptionConfigKeyArn: undefined }), undefined, /encryptionConfigKeyArn/);
    });

    it("stays quiet with a key for secrets", async () => {
        await expectQuiet("aws-eks-secrets-encryption", [...eksCluster(), ...eksComponent()]);
    });
});

describe("policy aws-eks-endpoint-access", () => {
    it("fires without the private endpoint (EKS leaves it off by default)", async () => {
        await expectFires("aws-eks-endpoint-access", eksComponent({ endpointPrivateAccess: undefined }), undefined, /has no private API endpoint/);
        await expectFires("aws-eks-endpoint-access", eksCluster({ vpcConfig: { subnetIds: ["subnet-1"], endpointPrivateAccess: false, endpointPublicAccess: false } }));
    });

    it("fires on a public endpoint open to 0.0.0.0/0, given or by default", async () => {
        await expectFires("aws-eks-endpoint-access", eksComponent({ publicAccessCidrs: ["0.0.0.0/0"] }), undefined, /exposes its public API endpoint to 0.0.0.0\/0/);
        await expectFires("aws-eks-endpoint-access", eksComponent({ publicAccessCidrs: undefined, endpointPublicAccess: undefined }), undefined, /no publicAccessCidrs/);
        await expectFires("aws-eks-endpoint-access", eksCluster({ vpcConfig: { endpointPrivateAccess: true, publicAccessCidrs: ["::/0"] } }));
    });

    it("stays quiet for a private endpoint with the public one off or limited", async () => {
        await expectQuiet("aws-eks-endpoint-access", [...eksCluster(), ...eksComponent(), ...eksComponent({ endpointPublicAccess: false, publicAccessCidrs: undefined })]);
    });
});

describe("policy aws-eks-control-plane-logging", () => {
    it("fires when api, audit or authenticator logs are off", async () => {
        await expectFires("aws-eks-control-plane-logging", eksCluster({ enabledClusterLogTypes: ["api"] }), undefined, /does not send "audit" and "authenticator" control-plane logs/);
        await expectFires("aws-eks-control-plane-logging", eksComponent({ enabledClusterLogTypes: undefined }));
    });

    it("stays quiet with all three on", async () => {
        await expectQuiet("aws-eks-control-plane-logging", [...eksCluster(), ...eksComponent()]);
    });
});

describe("policy aws-node-imdsv2", () => {
    it("fires when IMDSv2 is optional or the hop limit exceeds 2", async () => {
        await expectFires("aws-node-imdsv2", launchTemplate({ metadataOptions: { httpTokens: "optional" } }), undefined, /does not require IMDSv2/);
        await expectFires("aws-node-imdsv2", launchTemplate({ metadataOptions: undefined }));
        await expectFires("aws-node-imdsv2", launchTemplate({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 3 } }), undefined, /allows 3 hops/);
    });

    it("stays quiet for required tokens with hop limit 1 or 2, or no metadata service at all", async () => {
        await expectQuiet("aws-node-imdsv2", [
            ...launchTemplate(),
            ...launchTemplate({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }),
            ...launchTemplate({ metadataOptions: { httpEndpoint: "disabled" } }),
        ]);
    });
});

describe("policy aws-ebs-encryption", () => {
    const storageClass = (provisioner: string, parameters: Record<string, string>) =>
        [k8s("storage.k8s.io/v1", "StorageClass", { metadata: { name: "gp3" }, provisioner, parameters })];

    it("fires on an unencrypted launch template volume (a string \"false\" or no flag)", async () => {
        await expectFires("aws-ebs-encryption", launchTemplate({ blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] }), undefined, /volume \/dev\/xvda is not encrypted/);
        await expectFires("aws-ebs-encryption", launchTemplate({ blockDeviceMappings: [{ deviceName: "/dev/xvdb", ebs: { volumeSize: 20 } }] }));
    });

    it("fires on an unencrypted EBS volume and an EBS CSI StorageClass without encrypted: \"true\"", async () => {
        await expectFires("aws-ebs-encryption", [resource("aws:ebs/volume:Volume", "data", { availabilityZone: "us-east-1a", size: 10 })], undefined, /is not encrypted/);
        await expectFires("aws-ebs-encryption", storageClass("ebs.csi.aws.com", { type: "gp3" }), undefined, /StorageClass gp3: provisions unencrypted EBS volumes/);
    });

    it("fires on the eks component's default node group without encrypted root volumes", async () => {
        await expectFires("aws-ebs-encryption", eksComponent({ skipDefaultNodeGroup: false }), undefined, /default node group unencrypted root volumes/);
        await expectFires("aws-ebs-encryption", eksComponent({ storageClasses: "gp2" }), undefined, /creates an unencrypted storage class/);
    });

    it("stays quiet for encrypted volumes and classes, and for other provisioners", async () => {
        await expectQuiet("aws-ebs-encryption", [
            ...launchTemplate(),
            resource("aws:ebs/volume:Volume", "data", { availabilityZone: "us-east-1a", size: 10, encrypted: true }),
            ...storageClass("ebs.csi.aws.com", { type: "gp3", encrypted: "true" }),
            ...storageClass("efs.csi.aws.com", {}),
            ...eksComponent({ storageClasses: { gp3: { type: "gp3", encrypted: true } } }),
        ]);
    });
});

describe("policy aws-nodes-private", () => {
    const subnet = (name: string, id: string, isPublic: boolean) => resource("aws:ec2/subnet:Subnet", name, {
        vpcId: "vpc-1", cidrBlock: "10.0.1.0/24", mapPublicIpOnLaunch: isPublic, tags: { ...TAGS, [`kubernetes.io/role/${isPublic ? "elb" : "internal-elb"}`]: "1" },
    }, { id });
    const subnets = [subnet("public-a", "subnet-pub", true), subnet("private-a", "subnet-priv", false)];
    const nodeGroup = (subnetIds: string[], propertyDependencies?: Record<string, string[]>) =>
        resource("eks:index:ManagedNodeGroup", "general", { subnetIds }, propertyDependencies ? { propertyDependencies } : {});

    it("fires on a launch template that gives nodes public IPs", async () => {
        await expectFires("aws-nodes-private", launchTemplate({ networkInterfaces: [{ associatePublicIpAddress: "true" }] }), undefined, /gives nodes a public IP address/);
    });

    it("fires on a node group in a public subnet, found by id or by the engine's property dependencies", async () => {
        await expectFires("aws-nodes-private", [...subnets, nodeGroup(["subnet-pub", "subnet-priv"])], undefined, /places nodes in public subnets public-a/);
        await expectFires("aws-nodes-private", [...subnets, nodeGroup(["[computed]"], { subnetIds: [subnets[0].urn] })]);
    });

    it("fires on self-managed nodes that keep the default public IPs", async () => {
        await expectFires("aws-nodes-private", [resource("eks:index:NodeGroupV2", "legacy", { cluster: "c" })], undefined, /nodeAssociatePublicIpAddress: false/);
        await expectFires("aws-nodes-private", eksComponent({ skipDefaultNodeGroup: false, nodeAssociatePublicIpAddress: false, publicSubnetIds: ["subnet-pub"] }), undefined, /public subnets/);
    });

    it("stays quiet for private subnets and no public IPs", async () => {
        await expectQuiet("aws-nodes-private", [
            ...subnets, nodeGroup(["subnet-priv"]), ...launchTemplate({ networkInterfaces: [{ associatePublicIpAddress: "false" }] }),
            resource("eks:index:NodeGroupV2", "legacy", { cluster: "c", nodeAssociatePublicIpAddress: false }), ...eksComponent(),
        ]);
    });
});

describe("policy aws-required-tags", () => {
    const vpc = (tags?: Record<string, string>) => resource("aws:ec2/vpc:Vpc", "main", { cidrBlock: "10.0.0.0/16", ...(tags ? { tags } : {}) });

    it("fires on a taggable resource without the tags", async () => {
        await expectFires("aws-required-tags", [vpc()], undefined, /aws:ec2\/vpc:Vpc "main": has no "environment", "team" and "cost-center" tag/);
        await expectFires("aws-required-tags", [vpc({ environment: "prod", team: "platform" })], undefined, /has no "cost-center" tag/);
        await expectFires("aws-required-tags", [vpc({ ...TAGS, team: "" })], undefined, /has no "team" tag/);
    });

    it("counts the provider's default tags, but only the provider's own", async () => {
        const partial = awsProvider({ environment: "prod" });
        await expectFires("aws-required-tags", [partial, { ...vpc({ team: "platform" }), provider: partial.urn }], undefined, /has no "cost-center" tag/);
        const provider = awsProvider();
        await expectQuiet("aws-required-tags", [provider, { ...vpc(), provider: provider.urn }, { ...database(), provider: provider.urn }]);
    });

    it("stays quiet for tagged resources and for types that take no tags", async () => {
        await expectQuiet("aws-required-tags", [
            vpc(TAGS),
            resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", { role: "r", policyArn: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy" }),
            resource("aws:ec2/routeTableAssociation:RouteTableAssociation", "assoc", { subnetId: "subnet-1", routeTableId: "rtb-1" }),
            resource("eks:index:Cluster", "fintrax", {}),
        ]);
    });
});

describe("policy aws-rds-encrypted-private", () => {
    it("fires on unencrypted storage and public access, in every stack", async () => {
        await expectFires("aws-rds-encrypted-private", [database({ storageEncrypted: false })], undefined, /does not encrypt its storage/);
        await expectFires("aws-rds-encrypted-private", [database({ publiclyAccessible: true })], undefined, /is publicly accessible/);
    });

    it("stays quiet for an encrypted private database", async () => {
        await expectQuiet("aws-rds-encrypted-private", [database()]);
    });
});
