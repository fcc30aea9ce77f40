import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { EksCluster, managedAddon } from "./eksCluster";
import { chartRelease } from "./helm";
import { PodIdentityRole } from "./podIdentity";
import { containerResources } from "../../model/resources";

const STORAGE_CLASS_NAME = "gp3";
const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;
const AUTOSCALER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "cluster-autoscaler" } as const;

export interface ClusterAddonsArgs {
    /** The configured name, known before the cluster exists: the autoscaler's policy and discovery spell it out. */
    clusterName: string;
    /** The cluster the add-ons are installed in: they take its name output, and so wait for it. */
    cluster: EksCluster;
    region: string;
    /** The account the cluster runs in, for the Pod Identity roles' trust. */
    accountId: pulumi.Input<string>;
    /** The add-ons run on nodes: CoreDNS and the EBS CSI controller only become healthy once nodes exist. */
    afterNodes: pulumi.Input<pulumi.Resource>[];
}

/**
 * Cluster Autoscaler's IAM policy. It may look at every Auto Scaling group (discovery needs that), but it
 * may resize or shrink only the groups tagged `k8s.io/cluster-autoscaler/<cluster>: owned`, which EKS puts on
 * this cluster's managed node groups and nobody else's.
 */
function autoscalerPolicy(clusterName: string, region: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DiscoverNodeGroups",
                Effect: "Allow",
                Action: [
                    "autoscaling:DescribeAutoScalingGroups",
                    "autoscaling:DescribeAutoScalingInstances",
                    "autoscaling:DescribeLaunchConfigurations",
                    "autoscaling:DescribeScalingActivities",
                    "autoscaling:DescribeTags",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplateVersions",
                    "ec2:GetInstanceTypesFromInstanceRequirements",
                ],
                Resource: "*",
            },
            {
                Sid: "ReadOwnNodeGroups",
                Effect: "Allow",
                Action: ["eks:DescribeNodegroup"],
                Resource: `arn:aws:eks:${region}:*:nodegroup/${clusterName}/*/*`,
            },
            {
                Sid: "ScaleOwnNodeGroupsOnly",
                Effect: "Allow",
                Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                Resource: "*",
                Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
            },
        ],
    });
}

/**
 * The cluster-wide system add-ons that run once nodes exist: CoreDNS, the EKS Pod Identity agent and the
 * EBS CSI driver as EKS managed add-ons (the driver with its Pod Identity role and its node plugin
 * tolerating every taint, so volumes mount on the monitoring nodes too), the default StorageClass
 * (encrypted gp3), metrics-server for the HPAs, and Cluster Autoscaler with a Pod Identity role limited to
 * this cluster's node groups. All in kube-system. Pod Identity rather than IRSA for both: the roles trust
 * the EKS service for this account instead of the cluster's OIDC issuer, and the association, not an
 * annotation in the chart's values, says which service account gets the role.
 */
export class ClusterAddons extends pulumi.ComponentResource {
    readonly storageClass: k8s.storage.v1.StorageClass;
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:ClusterAddons", name, {}, opts);
        const parent = { parent: this };
        const afterNodes = { ...parent, dependsOn: args.afterNodes };
        const coredns = managedAddon(`${name}-coredns`, { clusterName: args.cluster.clusterName, addonName: "coredns" }, afterNodes);
        // A daemon set on every node that hands the pods their roles' credentials: before any pod needs one.
        const podIdentityAgent = managedAddon(`${name}-pod-identity-agent`, {
            clusterName: args.cluster.clusterName, addonName: "eks-pod-identity-agent",
        }, afterNodes);
        const afterAgent = { ...parent, dependsOn: [...args.afterNodes, podIdentityAgent] };

        const ebsCsiRole = new PodIdentityRole(`${name}-ebs-csi`, {
            accountId: args.accountId,
            namespace: EBS_CSI_SERVICE_ACCOUNT.namespace,
            serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name,
            managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"],
        }, parent);
        const ebsCsi = managedAddon(`${name}-ebs-csi`, {
            clusterName: args.cluster.clusterName,
            addonName: "aws-ebs-csi-driver",
            podIdentityAssociations: [{ roleArn: ebsCsiRole.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT.name }],
            configurationValues: JSON.stringify({ node: { tolerateAllTaints: true } }),
        }, afterAgent);

        this.storageClass = new k8s.storage.v1.StorageClass(`${name}-gp3`, {
            metadata: {
                name: STORAGE_CLASS_NAME,
                annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
            },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
            reclaimPolicy: "Delete",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        }, { ...parent, dependsOn: [ebsCsi] });

        const metricsServer = chartRelease(`${name}-metrics-server`, {
            chart: "metricsServer",
            releaseName: "metrics-server",
            namespace: "kube-system",
            values: {
                replicas: 2,
                resources: containerResources("50m", "64Mi", "200m", "128Mi"),
                podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
            },
        }, afterNodes);

        const autoscalerRole = new PodIdentityRole(`${name}-cluster-autoscaler`, {
            accountId: args.accountId,
            namespace: AUTOSCALER_SERVICE_ACCOUNT.namespace,
            serviceAccount: AUTOSCALER_SERVICE_ACCOUNT.name,
            inlinePolicy: autoscalerPolicy(args.clusterName, args.region),
        }, parent);
        const autoscalerIdentity = new aws.eks.PodIdentityAssociation(`${name}-cluster-autoscaler`, {
            clusterName: args.cluster.clusterName,
            namespace: AUTOSCALER_SERVICE_ACCOUNT.namespace,
            serviceAccount: AUTOSCALER_SERVICE_ACCOUNT.name,
            roleArn: autoscalerRole.arn,
        }, parent);
        const autoscaler = chartRelease(`${name}-cluster-autoscaler`, {
            chart: "clusterAutoscaler",
            releaseName: "cluster-autoscaler",
            namespace: AUTOSCALER_SERVICE_ACCOUNT.namespace,
            values: {
                cloudProvider: "aws",
                awsRegion: args.region,
                autoDiscovery: { clusterName: args.clusterName },
                rbac: { serviceAccount: { create: true, name: AUTOSCALER_SERVICE_ACCOUNT.name } },
                extraArgs: { "balance-similar-node-groups": true, expander: "least-waste" },
                priorityClassName: "system-cluster-critical",
                resources: containerResources("50m", "128Mi", "200m", "256Mi"),
            },
        }, { ...afterAgent, dependsOn: [...afterAgent.dependsOn, autoscalerIdentity] });

        this.ready = [coredns, podIdentityAgent, ebsCsi, this.storageClass, metricsServer, autoscaler];
        this.registerOutputs({ storageClassName: this.storageClass.metadata.name });
    }
}
