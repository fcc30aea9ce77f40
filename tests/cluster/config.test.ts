import { expect } from "chai";
import { loadClusterSettings } from "../../config/cluster";
import { ConfigError } from "../../config/load";
import { clusterConfig, clusterConfigRejection, isCommittedSecret, planCluster, STACK_FILE } from "./support";

const nodeGroups = () => JSON.parse(clusterConfig()["fintrax-cluster:nodeGroups"]);
const load = (overrides: Record<string, unknown>) => loadClusterSettings(STACK_FILE, clusterConfig(overrides), isCommittedSecret);

const rejection = (overrides: Record<string, unknown>) => clusterConfigRejection(overrides);

describe("cluster config: the committed stack file", () => {
    it("spells out the issue's defaults, which equal the schema's own", () => {
        const settings = load({});
        expect(settings).to.deep.include({
            region: "us-east-1",
            clusterName: "fintrax-eks-shared",
            vpcCidr: "10.0.0.0/16",
            availabilityZones: ["us-east-1a", "us-east-1b"],
            publicSubnetCidrs: ["10.0.101.0/24", "10.0.102.0/24"],
            privateSubnetCidrs: ["10.0.16.0/20", "10.0.32.0/20"],
            databaseSubnetCidrs: {
                development: ["10.0.10.0/26", "10.0.10.64/26"],
                staging: ["10.0.11.0/26", "10.0.11.64/26"],
                production: ["10.0.12.0/26", "10.0.12.64/26"],
            },
            serviceCidr: "172.20.0.0/16",
            natGateways: "single",
            kubernetesVersion: "1.35",
            endpointPublicAccessCidrs: [],
            ciRunners: { repository: "fintrax/fintrax-platform", concurrentJobs: 4 },
            protect: true,
            tags: { environment: "shared", team: "platform", "cost-center": "fintrax-shared" },
        });
        expect(settings.nodeGroups.general).to.deep.include({
            instanceTypes: ["t3.medium"], capacityType: "ON_DEMAND", minSize: 2, desiredSize: 3, maxSize: 10, diskSizeGb: 50, taints: [],
        });
        expect(settings.nodeGroups.monitoring).to.deep.include({
            instanceTypes: ["t3.medium"], capacityType: "SPOT", minSize: 1, desiredSize: 1, maxSize: 2, diskSizeGb: 30,
            labels: { "workload-type": "monitoring" },
            taints: [{ key: "workload-type", value: "monitoring", effect: "NoSchedule" }],
        });
        // Only the admins and the platform deployment roles (example principals to replace) and the alert webhook
        // (a secret placeholder) are not defaults.
        expect({ ...settings, admins: [], platformDeployment: { deployers: { development: [], staging: [], production: [] }, previewers: [] }, alertWebhookConfigured: false }).to.deep.equal(loadClusterSettings(STACK_FILE, {}));
    });
});

const general = nodeGroups().general;
const monitoring = nodeGroups().monitoring;

const BAD: Array<[string, Record<string, unknown>, string, string]> = [
    ["a subnet outside the VPC", { "fintrax-cluster:publicSubnetCidrs": ["10.1.101.0/24", "10.0.102.0/24"] },
        "fintrax-cluster:publicSubnetCidrs[0]", "must be inside vpcCidr 10.0.0.0/16"],
    ["overlapping subnets", { "fintrax-cluster:privateSubnetCidrs": ["10.0.1.0/24", "10.0.1.128/25"] },
        "fintrax-cluster:privateSubnetCidrs[1]", "must not overlap privateSubnetCidrs[0] 10.0.1.0/24"],
    ["a private subnet overlapping a public one", { "fintrax-cluster:privateSubnetCidrs": ["10.0.100.0/22", "10.0.2.0/24"] },
        "fintrax-cluster:privateSubnetCidrs[0]", "must not overlap publicSubnetCidrs[0] 10.0.101.0/24"],
    ["min > desired", { "fintrax-cluster:nodeGroups": { general: { ...general, minSize: 4 }, monitoring } },
        "fintrax-cluster:nodeGroups.general.minSize", "must be at most desiredSize (3)"],
    ["desired > max", { "fintrax-cluster:nodeGroups": { general, monitoring: { ...monitoring, desiredSize: 3 } } },
        "fintrax-cluster:nodeGroups.monitoring.desiredSize", "must be at most maxSize (2)"],
    ["an unknown key", { "fintrax-cluster:vpcCdir": "10.0.0.0/16" }, "fintrax-cluster:vpcCdir", "unknown key (allowed here: clusterName, vpcCidr"],
    ["an unknown node group key", { "fintrax-cluster:nodeGroups": { general: { ...general, diskSize: 50 }, monitoring } },
        "fintrax-cluster:nodeGroups.general.diskSize", "unknown key (allowed here: instanceTypes"],
    ["a third node group", { "fintrax-cluster:nodeGroups": { general, monitoring, gpu: general } }, "fintrax-cluster:nodeGroups.gpu", "unknown key"],
    ["a missing node group", { "fintrax-cluster:nodeGroups": { general } }, "fintrax-cluster:nodeGroups.monitoring", "required"],
    ["fewer than 2 zones", { "fintrax-cluster:availabilityZones": ["us-east-1a"] },
        "fintrax-cluster:availabilityZones", "must list at least 2 availability zones"],
    ["a repeated zone", { "fintrax-cluster:availabilityZones": ["us-east-1a", "us-east-1a"] }, "fintrax-cluster:availabilityZones[1]", "must not repeat"],
    ["subnet count ≠ zone count", {
        "fintrax-cluster:availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "fintrax-cluster:privateSubnetCidrs": ["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"],
    }, "fintrax-cluster:publicSubnetCidrs", "must list one CIDR per availability zone (3 zones, got 2)"],
    ["a zone outside the region", { "fintrax-cluster:availabilityZones": ["us-east-1a", "eu-west-1b"] },
        "fintrax-cluster:availabilityZones[1]", "must be a zone of the stack's region us-east-1"],
    ["a malformed region", { "aws:region": "moon-1" }, "aws:region", "must be an AWS region"],
    ["a CIDR off its boundary", { "fintrax-cluster:privateSubnetCidrs": ["10.0.1.5/24", "10.0.2.0/24"] },
        "fintrax-cluster:privateSubnetCidrs[0]", "must be an IPv4 CIDR block on its network boundary"],
    ["a /12 VPC", { "fintrax-cluster:vpcCidr": "10.0.0.0/12" }, "fintrax-cluster:vpcCidr", "must be a /16 to /24 block"],
    ["an API open to the internet", { "fintrax-cluster:endpointPublicAccessCidrs": ["198.51.100.0/24", "0.0.0.0/0"] },
        "fintrax-cluster:endpointPublicAccessCidrs[1]", "must not be 0.0.0.0/0"],
    ["a runner repository that is not owner/name", { "fintrax-cluster:ciRunners": { repository: "https://github.com/fintrax/fintrax-platform", concurrentJobs: 4 } },
        "fintrax-cluster:ciRunners.repository", "must be a GitHub repository as owner/name"],
    ["a runner connection that is not a CodeConnections ARN", { "fintrax-cluster:ciRunners": { repository: "a/b", concurrentJobs: 4, connectionArn: "arn:aws:iam::123456789012:role/x" } },
        "fintrax-cluster:ciRunners.connectionArn", "must be an AWS CodeConnections connection ARN"],
    ["an unknown runner key", { "fintrax-cluster:ciRunners": { repository: "a/b", concurrentJobs: 4, image: "ubuntu" } },
        "fintrax-cluster:ciRunners.image", "unknown key (allowed here: repository, connectionArn, concurrentJobs)"],
    ["too many concurrent runner jobs", { "fintrax-cluster:ciRunners": { repository: "a/b", concurrentJobs: 50 } },
        "fintrax-cluster:ciRunners.concurrentJobs", "must be a whole number from 1 to 20"],
    ["an unknown NAT layout", { "fintrax-cluster:natGateways": "double" }, "fintrax-cluster:natGateways", "must be single"],
    ["a malformed Kubernetes version", { "fintrax-cluster:kubernetesVersion": "1.3" }, "fintrax-cluster:kubernetesVersion", "must be a Kubernetes minor version"],
    ["an unsupported Kubernetes version", { "fintrax-cluster:kubernetesVersion": "1.24" }, "fintrax-cluster:kubernetesVersion", "must be 1.32 or newer"],
    ["a Kubernetes version past EKS's extended support", { "fintrax-cluster:kubernetesVersion": "1.31" }, "fintrax-cluster:kubernetesVersion", "must be 1.32 or newer"],
    ["an instance type the capacity table lacks", { "fintrax-cluster:nodeGroups": { general: { ...general, instanceTypes: ["t2.micro"] }, monitoring } },
        "fintrax-cluster:nodeGroups.general.instanceTypes[0]", "must be an instance type the capacity table knows"],
    ["no instance type", { "fintrax-cluster:nodeGroups": { general: { ...general, instanceTypes: [] }, monitoring } },
        "fintrax-cluster:nodeGroups.general.instanceTypes", "must list at least one instance type"],
    ["a lower-case capacity type", { "fintrax-cluster:nodeGroups": { general, monitoring: { ...monitoring, capacityType: "spot" } } },
        "fintrax-cluster:nodeGroups.monitoring.capacityType", "must be ON_DEMAND or SPOT"],
    ["an EKS-style taint effect", { "fintrax-cluster:nodeGroups": { general, monitoring: { ...monitoring, taints: [{ ...monitoring.taints[0], effect: "NO_SCHEDULE" }] } } },
        "fintrax-cluster:nodeGroups.monitoring.taints[0].effect", "must be one of NoSchedule"],
    ["a monitoring group without its label", { "fintrax-cluster:nodeGroups": { general, monitoring: { ...monitoring, labels: {} } } },
        "fintrax-cluster:nodeGroups.monitoring.labels", "must include workload-type: monitoring"],
    ["a general group that may shrink to nothing", {
        "fintrax-cluster:nodeGroups": { general: { ...general, minSize: 0 }, monitoring },
    }, "fintrax-cluster:nodeGroups.general.minSize", "must be at least 1"],
    ["a tiny root volume", { "fintrax-cluster:nodeGroups": { general: { ...general, diskSizeGb: 8 }, monitoring } },
        "fintrax-cluster:nodeGroups.general.diskSizeGb", "must be a whole number from 20"],
    ["a size that is not a number", { "fintrax-cluster:nodeGroups": { general: { ...general, maxSize: "six" }, monitoring } },
        "fintrax-cluster:nodeGroups.general.maxSize", "must be a whole number"],
    ["an admin that is not an IAM principal", { "fintrax-cluster:admins": ["platform-admin"] }, "fintrax-cluster:admins[0]", "must be an IAM principal ARN"],
    ["protect that is not a boolean", { "fintrax-cluster:protect": "yes" }, "fintrax-cluster:protect", "must be true or false"],
    ["an ACME contact that is not an email address", { "fintrax-cluster:acmeEmail": "platform team" }, "fintrax-cluster:acmeEmail", "must be an email address"],
    ["a cluster name that is not a DNS label", { "fintrax-cluster:clusterName": "Fintrax_EKS" }, "fintrax-cluster:clusterName", "must be a DNS label"],
    ["a hosted zone id with its /hostedzone/ prefix", { "fintrax-cluster:hostedZone": { domain: "fintrax.example.com", zoneId: "/hostedzone/Z0123456789ABC" } },
        "fintrax-cluster:hostedZone.zoneId", "must be a Route53 hosted zone id"],
    ["a hosted zone domain that is a single label", { "fintrax-cluster:hostedZone": { domain: "fintrax", zoneId: "Z0123456789ABC" } },
        "fintrax-cluster:hostedZone.domain", "must be a registered domain"],
    ["a hosted zone domain in capitals", { "fintrax-cluster:hostedZone": { domain: "Fintrax.Example.com", zoneId: "Z0123456789ABC" } },
        "fintrax-cluster:hostedZone.domain", "must be a DNS name"],
    ["a hosted zone without its id", { "fintrax-cluster:hostedZone": { domain: "fintrax.example.com" } }, "fintrax-cluster:hostedZone.zoneId", ""],
    ["an unknown key under the hosted zone", { "fintrax-cluster:hostedZone": { domain: "fintrax.example.com", zoneId: "Z0123456789ABC", private: true } },
        "fintrax-cluster:hostedZone.private", "unknown key"],
];

describe("cluster config: bad values are rejected with the stack file and the key path", () => {
    for (const [what, overrides, key, message] of BAD) {
        it(what, () => {
            const error = rejection(overrides);
            expect(error.problems.some((p) => p.startsWith(`${STACK_FILE}: ${key}: `) && p.includes(message)), error.message).to.equal(true);
        });
    }

    it("reports every problem at once, without a stack trace's worth of noise", () => {
        const error = rejection({ "fintrax-cluster:natGateways": "double", "fintrax-cluster:protect": "yes" });
        expect(error.problems).to.have.length(2);
        expect(error.message.split("\n")[0]).to.equal("invalid stack configuration:");
    });

    it("stops the program before it registers anything", async () => {
        let failure: unknown;
        try {
            await planCluster({ "fintrax-cluster:privateSubnetCidrs": ["10.0.1.0/24", "192.168.0.0/24"] });
        } catch (error) {
            failure = error;
        }
        expect(failure).to.be.instanceOf(ConfigError);
        expect((failure as Error).message).to.equal(
            `${STACK_FILE}: fintrax-cluster:privateSubnetCidrs[1]: must be inside vpcCidr 10.0.0.0/16 (got "192.168.0.0/24")`);
    });
});
