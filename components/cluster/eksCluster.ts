import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import { awsManagedPolicyArn, IrsaRole, serviceTrustPolicy } from "./iam";

/** Every control-plane log type EKS has; the policy pack requires at least api, audit and authenticator. */
const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** What the VPC CNI add-on is told: enforce NetworkPolicies, and hand out /28 prefixes instead of single IPs. */
export const VPC_CNI_CONFIGURATION = {
    enableNetworkPolicy: "true",
    env: {
        ENABLE_PREFIX_DELEGATION: "true",
        // One spare /28 per node: a new pod starts without waiting for an EC2 API call.
        WARM_PREFIX_TARGET: "1",
    },
};

export interface EksClusterArgs {
    clusterName: string;
    kubernetesVersion: string;
    vpcId: pulumi.Input<string>;
    publicSubnetIds: pulumi.Input<string>[];
    privateSubnetIds: pulumi.Input<string>[];
    /** Where Services get their ClusterIPs; pinned so the NetworkPolicies know the API server's (the first). */
    serviceCidr: string;
    /** Empty: the public endpoint is off and the API is reachable from inside the VPC only. */
    endpointPublicAccessCidrs: string[];
    /** IAM principals given cluster-admin through access entries. */
    admins: string[];
    /** Days CloudWatch keeps the control-plane logs. @default 90 */
    logRetentionDays?: number;
    /** `protect` on the cluster and its secrets key, and EKS deletion protection. */
    protect: boolean;
}

/** Access entry names from the principal: `arn:aws:iam::1:role/platform-admin` → `role-platform-admin`. */
function principalSlug(arn: string): string {
    const resource = arn.split(":").slice(5).join(":");
    return resource.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase();
}

/**
 * The EKS control plane and what must exist with it (docs/cluster.md, "What it creates", lists each resource).
 * What pulumi-eks would otherwise make for us is ours, so that it can be reviewed, tested and policed: the
 * Secrets encryption key, the log group (retention ours, not "never expire"), the OIDC provider, and the
 * networking add-ons the nodes need before they can join. Every Kubernetes object of the stack is created with
 * its `provider`.
 */
export class EksCluster extends pulumi.ComponentResource {
    readonly cluster: eks.Cluster;
    readonly clusterName: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly secretsKey: aws.kms.Key;
    readonly oidcProvider: aws.iam.OpenIdConnectProvider;
    /** The issuer without `https://`, as IRSA trust-policy condition keys spell it. */
    readonly oidcIssuer: pulumi.Output<string>;
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    /** The node groups must wait for these: nodes register only once the CNI and kube-proxy exist. */
    readonly networkingAddons: aws.eks.Addon[];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:EksCluster", name, {}, opts);
        const parent = { parent: this };

        this.secretsKey = new aws.kms.Key(`${name}-secrets`, {
            description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${args.clusterName}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
        }, { ...parent, protect: args.protect });
        new aws.kms.Alias(`${name}-secrets`, {
            name: `alias/${args.clusterName}-secrets`,
            targetKeyId: this.secretsKey.keyId,
        }, parent);

        const clusterRole = new aws.iam.Role(`${name}-cluster`, {
            description: `EKS control plane of ${args.clusterName}`,
            assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com"),
        }, parent);
        const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster-policy`, {
            role: clusterRole.name,
            policyArn: awsManagedPolicyArn("AmazonEKSClusterPolicy"),
        }, parent);

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane-logs`, {
            name: `/aws/eks/${args.clusterName}/cluster`,
            retentionInDays: args.logRetentionDays ?? 90,
        }, parent);

        const publicEndpoint = args.endpointPublicAccessCidrs.length > 0;
        this.cluster = new eks.Cluster(`${name}-eks`, {
            name: args.clusterName,
            version: args.kubernetesVersion,
            vpcId: args.vpcId,
            publicSubnetIds: args.publicSubnetIds,
            privateSubnetIds: args.privateSubnetIds,
            kubernetesServiceIpAddressRange: args.serviceCidr,
            endpointPrivateAccess: true,
            endpointPublicAccess: publicEndpoint,
            ...(publicEndpoint ? { publicAccessCidrs: args.endpointPublicAccessCidrs } : {}),
            authenticationMode: eks.AuthenticationMode.Api,
            serviceRole: clusterRole,
            encryptionConfigKeyArn: this.secretsKey.arn,
            enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
            // Node groups, security groups, the OIDC provider and every add-on are ours, below and in the
            // other components, so that they can be reviewed, tested and policed.
            skipDefaultNodeGroup: true,
            skipDefaultSecurityGroups: true,
            createOidcProvider: false,
            bootstrapSelfManagedAddons: false,
            useDefaultVpcCni: true,
            corednsAddonOptions: { enabled: false },
            kubeProxyAddonOptions: { enabled: false },
            nodeAssociatePublicIpAddress: false,
            // Stay in standard support: EKS upgrades the cluster instead of billing extended support. Bump
            // kubernetesVersion before that happens (docs/cluster.md, "Kubernetes versions").
            upgradePolicy: { supportType: "STANDARD" },
            deletionProtection: args.protect,
        }, { ...parent, protect: args.protect, dependsOn: [clusterPolicy, logGroup] });

        this.clusterName = this.cluster.eksCluster.name;
        this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
        this.oidcIssuer = this.cluster.oidcIssuer;
        this.clusterSecurityGroupId = this.cluster.clusterSecurityGroupId;

        this.oidcProvider = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, {
            url: pulumi.interpolate`https://${this.oidcIssuer}`,
            clientIdLists: ["sts.amazonaws.com"],
        }, parent);

        for (const principalArn of args.admins) {
            const slug = principalSlug(principalArn);
            const entry = new aws.eks.AccessEntry(`${name}-admin-${slug}`, {
                clusterName: this.clusterName,
                principalArn,
                type: "STANDARD",
            }, parent);
            new aws.eks.AccessPolicyAssociation(`${name}-admin-${slug}`, {
                clusterName: this.clusterName,
                principalArn,
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                accessScope: { type: "cluster" },
            }, { ...parent, dependsOn: [entry] });
        }

        // The CNI's AWS permissions belong to its service account, not to every pod's node role.
        const cniRole = new IrsaRole(`${name}-vpc-cni`, {
            oidcProviderArn: this.oidcProvider.arn,
            oidcIssuer: this.oidcIssuer,
            namespace: "kube-system",
            serviceAccount: "aws-node",
            managedPolicies: ["AmazonEKS_CNI_Policy"],
        }, parent);
        this.networkingAddons = [
            managedAddon(`${name}-vpc-cni`, {
                clusterName: this.clusterName,
                addonName: "vpc-cni",
                serviceAccountRoleArn: cniRole.arn,
                configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION),
            }, parent),
            managedAddon(`${name}-kube-proxy`, { clusterName: this.clusterName, addonName: "kube-proxy" }, parent),
        ];

        this.provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: this.kubeconfig,
            // The namespace of every object is explicit; nothing may land in `default` by omission.
            namespace: "kube-system",
        }, parent);

        this.registerOutputs({
            clusterName: this.clusterName,
            oidcProviderArn: this.oidcProvider.arn,
            oidcIssuer: this.oidcIssuer,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
        });
    }
}

/**
 * An EKS managed add-on. The version is left to EKS, which installs the default version for the cluster's
 * Kubernetes version and changes it only when that version changes (pin `addonVersion` to hold one back);
 * our configuration wins over manual edits.
 */
export function managedAddon(name: string, args: aws.eks.AddonArgs, opts: pulumi.CustomResourceOptions): aws.eks.Addon {
    return new aws.eks.Addon(name, {
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        ...args,
    }, opts);
}
