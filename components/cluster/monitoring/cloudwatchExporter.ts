import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { platformLabels } from "../../labels";
import { everywhereButMetadata, tcp } from "../../networkPolicies";
import { chartRelease } from "../helm";
import { PodIdentityRole } from "../podIdentity";
import { MONITORING_NAMESPACE, PROMETHEUS_SELECTOR_LABEL } from "./names";
import { MONITORING_CONTAINERS, MonitoringScheduling } from "./values";

/** The exporter's name: its release, its pods' `app.kubernetes.io/name`, its service account. */
export const CLOUDWATCH_EXPORTER = "yace";
/**
 * Where the EKS Pod Identity agent serves credentials on every node: 169.254.170.23 (EKS User Guide, "Set up the
 * Amazon EKS Pod Identity Agent", read 2026-12-01), over plain HTTP (AWS SDKs accept an http:// credentials URL only
 * for loopback and this address: aws-config's `ecs` module docs, docs.rs, read 2026-12-01). Port 80 because the URL
 * pods are given, http://169.254.170.23/v1/credentials, names none; that value is quoted by third-party write-ups,
 * not by the AWS pages read that day.
 */
const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";

/**
 * What the exporter reads: RDS free storage per instance, every 5 minutes, which it publishes as
 * `aws_rds_free_storage_space_average{dimension_DBInstanceIdentifier=…}`, the series the environments'
 * `FintraxDatabaseStorageLow` alerts on. Instances are found through the tagging API (every database is
 * tagged by its stack's provider).
 */
export function cloudwatchExporterConfig(region: string): string {
    return stringify({
        apiVersion: "v1alpha1",
        "sts-region": region,
        discovery: {
            jobs: [{
                type: "AWS/RDS",
                regions: [region],
                period: 300,
                length: 300,
                metrics: [{ name: "FreeStorageSpace", statistics: ["Average"] }],
            }],
        },
    });
}

/** Read-only CloudWatch and tag discovery: none of these actions can be scoped to a resource. */
const CLOUDWATCH_EXPORTER_POLICY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{
        Sid: "ReadMetricsAndFindResources",
        Effect: "Allow",
        Action: ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "tag:GetResources"],
        Resource: "*",
    }],
});

/** The exporter's Helm values (prometheus-yet-another-cloudwatch-exporter), restricted-compliant, on the monitoring nodes. */
function cloudwatchExporterValues(scheduling: MonitoringScheduling, region: string) {
    return {
        nameOverride: CLOUDWATCH_EXPORTER,
        fullnameOverride: CLOUDWATCH_EXPORTER,
        serviceAccount: { create: true, name: CLOUDWATCH_EXPORTER },
        ...scheduling,
        resources: MONITORING_CONTAINERS.cloudwatchExporter,
        podSecurityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
        testConnection: false,
        serviceMonitor: { enabled: true, interval: "5m", labels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value } },
        config: cloudwatchExporterConfig(region),
    };
}

export interface CloudWatchExporterArgs {
    namespace: pulumi.Input<string>;
    clusterName: pulumi.Input<string>;
    region: string;
    accountId: pulumi.Input<string>;
    scheduling: MonitoringScheduling;
    /** The ServiceMonitor CRD (and, before that release, the Pod Identity agent) must exist first. */
    crdsFrom: pulumi.Input<pulumi.Resource>[];
}

/**
 * The CloudWatch exporter that gives the environments' database storage alerts their metric: YACE with a
 * read-only Pod Identity role, and the egress its pods need (HTTPS to the AWS APIs, the node's Pod
 * Identity agent) beyond the monitoring namespace's allows.
 */
export class CloudWatchExporter extends pulumi.ComponentResource {
    constructor(name: string, args: CloudWatchExporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:CloudWatchExporter", name, {}, opts);
        const parent = { parent: this };
        const role = new PodIdentityRole(name, {
            accountId: args.accountId,
            namespace: MONITORING_NAMESPACE,
            serviceAccount: CLOUDWATCH_EXPORTER,
            inlinePolicy: CLOUDWATCH_EXPORTER_POLICY,
        }, parent);
        const association = new aws.eks.PodIdentityAssociation(`${name}-identity`, {
            clusterName: args.clusterName,
            namespace: MONITORING_NAMESPACE,
            serviceAccount: CLOUDWATCH_EXPORTER,
            roleArn: role.arn,
        }, parent);
        const egress = new k8s.networking.v1.NetworkPolicy(`${name}-egress`, {
            metadata: { name: "allow-cloudwatch-exporter-aws", namespace: args.namespace, labels: platformLabels() },
            spec: {
                podSelector: { matchLabels: { "app.kubernetes.io/name": CLOUDWATCH_EXPORTER } },
                policyTypes: ["Egress"],
                egress: [
                    { to: [everywhereButMetadata], ports: tcp(443) },
                    { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: tcp(80) },
                ],
            },
        }, parent);
        chartRelease(`${name}-release`, {
            chart: "cloudwatchExporter",
            releaseName: CLOUDWATCH_EXPORTER,
            namespace: args.namespace,
            values: cloudwatchExporterValues(args.scheduling, args.region),
        }, { ...parent, dependsOn: [association, egress, ...args.crdsFrom] });
        this.registerOutputs({});
    }
}
