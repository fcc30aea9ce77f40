import { expect } from "chai";
import { parse } from "yaml";
import { allocatable } from "../../components/cluster/instanceTypes";
import { nodeConfig, USER_DATA_BOUNDARY } from "../../components/cluster/nodeConfig";
import type { StackRun } from "../../plan/runtime";
import { committedClusterPlan, planCluster, TYPES } from "./support";
import { ofType, one } from "../support/resources";

/** The NodeConfig part of a launch template's MIME multi-part user data. */
function nodeConfigOf(userData: string): unknown {
    const text = Buffer.from(userData, "base64").toString("utf8");
    expect(text).to.match(new RegExp(`^MIME-Version: 1.0\\nContent-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"\\n`));
    const parts = text.split(`--${USER_DATA_BOUNDARY}`);
    expect(parts.at(-1)!.startsWith("--")).to.equal(true);
    const part = parts.find((p) => p.includes("Content-Type: application/node.eks.aws"))!;
    return parse(part.split("\n\n").slice(1).join("\n\n"));
}

describe("cluster stack: node groups as the plan assumes them", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });

    it("boot with a nodeadm NodeConfig: the pods per node and the kubelet reservation the capacity check uses", () => {
        const t3medium = allocatable("t3.medium");
        for (const group of ["general", "monitoring"]) {
            const config = nodeConfigOf(one(run, TYPES.launchTemplate, `nodes-${group}`).inputs.userData) as any;
            expect(config).to.deep.include({ apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig" });
            expect(config.spec.kubelet.config).to.deep.equal({
                maxPods: t3medium.maxPods,
                kubeReserved: { cpu: "70m", memory: "1465Mi", "ephemeral-storage": "1Gi" },
            });
            const capacity = (run.outputs.nodeGroups as Array<{ name: string; maxPods: number }>).find((g) => g.name === group)!;
            expect(capacity.maxPods).to.equal(config.spec.kubelet.config.maxPods);
        }
        // 4096Mi − 1465Mi reserved − 100Mi eviction: what the capacity check counts on.
        expect(t3medium).to.deep.include({ maxPods: 110, cpuMillis: 1930, memoryMib: 2531 });
    });

    it("plan a mixed group with its smallest type's numbers", () => {
        expect(nodeConfig(["t3.large", "t3.medium"]).spec.kubelet.config.kubeReserved.memory).to.equal("1465Mi");
        expect(nodeConfig(["m5.xlarge"]).spec.kubelet.config.kubeReserved.cpu).to.equal("80m");
    });

    it("follow the control plane's Kubernetes version", async () => {
        for (const group of ofType(run, TYPES.nodeGroup)) expect(group.inputs.version, group.name).to.equal("1.35");
        const older = await planCluster({ "fintrax-cluster:kubernetesVersion": "1.34" });
        for (const group of ofType(older, TYPES.nodeGroup)) expect(group.inputs.version, group.name).to.equal("1.34");
    });

    it("keep the monitoring group, whose pods keep zonal EBS volumes, in one zone; the general group spans all", () => {
        const subnets = run.outputs.privateSubnetIds as string[];
        expect(one(run, TYPES.nodeGroup, "nodes-monitoring").inputs.subnetIds).to.deep.equal([subnets[0]]);
        expect(one(run, TYPES.nodeGroup, "nodes-general").inputs.subnetIds).to.deep.equal(subnets);
    });
});
