import { expect } from "chai";
import { parse } from "yaml";
import { RDS_FREE_STORAGE_METRIC } from "../../components/environmentMonitoring/metrics";
import { CLOUDWATCH_EXPORTER, cloudwatchExporterConfig } from "../../components/cluster/monitoring/cloudwatchExporter";
import type { StackRun } from "../../plan/runtime";
import { committedClusterPlan, TYPES } from "./support";
import { ofType, one, release } from "../support/resources";

describe("cluster stack: the CloudWatch exporter behind the database storage alerts", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });

    it("asks CloudWatch for RDS FreeStorageSpace (Average), the series the environments alert on", () => {
        const config = parse(cloudwatchExporterConfig("us-east-1"));
        expect(config).to.deep.include({ apiVersion: "v1alpha1", "sts-region": "us-east-1" });
        expect(config.discovery.jobs).to.deep.equal([{
            type: "AWS/RDS", regions: ["us-east-1"], period: 300, length: 300,
            metrics: [{ name: "FreeStorageSpace", statistics: ["Average"] }],
        }]);
        // YACE names a metric aws_<namespace>_<metric in snake case>_<statistic>.
        expect(RDS_FREE_STORAGE_METRIC).to.equal("aws_rds_free_storage_space_average");
        expect(release(run, CLOUDWATCH_EXPORTER).inputs.values.config).to.equal(cloudwatchExporterConfig("us-east-1"));
    });

    it("runs restricted on the monitoring nodes, scraped by the shared Prometheus", () => {
        const values = release(run, CLOUDWATCH_EXPORTER).inputs.values;
        expect(values.nodeSelector).to.deep.equal({ "workload-type": "monitoring" });
        expect(values.podSecurityContext).to.deep.include({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        expect(values.securityContext).to.deep.equal({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        expect(values.serviceMonitor).to.deep.include({ enabled: true, labels: { release: "kube-prometheus-stack" } });
    });

    it("reads CloudWatch through a Pod Identity role that may only read metrics and find resources", () => {
        const role = one(run, TYPES.role, "monitoring-cloudwatch-exporter-role");
        expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "pods.eks.amazonaws.com" });
        const policy = JSON.parse(one(run, "aws:iam/rolePolicy:RolePolicy", "monitoring-cloudwatch-exporter-policy").inputs.policy);
        const actions = policy.Statement.flatMap((s: { Action: string[] }) => s.Action);
        for (const action of actions) expect(action).to.match(/^(cloudwatch:(Get|List)|tag:Get)/);
        const association = ofType(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation").find((a) => a.inputs.serviceAccount === CLOUDWATCH_EXPORTER)!;
        expect(association.inputs).to.deep.include({ namespace: "monitoring", roleArn: "arn:aws:iam::123456789012:role/monitoring-cloudwatch-exporter-role" });
    });

    it("may reach the AWS APIs over HTTPS and the node's Pod Identity agent, not the instance metadata", () => {
        const policy = ofType(run, TYPES.networkPolicy).find((p) => p.inputs.metadata.name === "allow-cloudwatch-exporter-aws")!;
        expect(policy.inputs.metadata.namespace).to.equal("monitoring");
        expect(policy.inputs.spec.podSelector).to.deep.equal({ matchLabels: { "app.kubernetes.io/name": CLOUDWATCH_EXPORTER } });
        expect(policy.inputs.spec.egress).to.deep.equal([
            { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } }], ports: [{ protocol: "TCP", port: 443 }] },
            { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ protocol: "TCP", port: 80 }] },
        ]);
    });
});
