import { expect } from "chai";
import { parseQuantity } from "../../model/quantity";
import { INSTANCE_TYPES } from "../../model/instanceTypes";
import { allocatable, kubeReservedCpuMillis, maxPodsWithPrefixDelegation, smallestAllocatable } from "../../components/cluster/instanceTypes";
import { MONITORING_QUOTA } from "../../components/cluster/observability";
import { MONITORING_CONTAINERS, MONITORING_PODS } from "../../components/cluster/monitoring/values";
import { nodeGroupCapacity } from "../../components/cluster/nodeGroups";
import { daemonSetRequests, NODE_DAEMON_SETS } from "../../components/cluster/daemonSets";
import { loadClusterSettings } from "../../config/cluster";

describe("cluster capacity: what a node can hold", () => {
    it("computes t3.medium the way EKS does: 1930m CPU, 2531Mi memory, 110 pods with prefix delegation", () => {
        // 2000m − (6% of core 1 + 1% of core 2); 4096Mi − (255Mi + 11Mi × 110) − 100Mi eviction.
        expect(allocatable("t3.medium")).to.deep.include({ cpu: "1930m", memory: "2531Mi", maxPods: 110 });
    });

    it("follows the kube-reserved CPU bands past the second core", () => {
        expect(kubeReservedCpuMillis(1)).to.equal(60);
        expect(kubeReservedCpuMillis(2)).to.equal(70);
        expect(kubeReservedCpuMillis(4)).to.equal(80);
        expect(kubeReservedCpuMillis(8)).to.equal(90);
        expect(allocatable("m5.xlarge")).to.deep.include({ cpu: "3920m", memory: `${16384 - 1465 - 100}Mi`, maxPods: 110 });
    });

    it("caps pods at 110 below 30 vCPUs, and counts /28 prefixes when the ENIs hold fewer", () => {
        expect(maxPodsWithPrefixDelegation(INSTANCE_TYPES["t3a.small"])).to.equal(2 * 3 * 16 + 2);
        for (const [type, facts] of Object.entries(INSTANCE_TYPES)) {
            expect(maxPodsWithPrefixDelegation(facts), type).to.be.at.most(110);
        }
        expect(maxPodsWithPrefixDelegation({ vcpus: 48, memoryMib: 196608, maxEnis: 15, ipv4PerEni: 50 })).to.equal(250);
    });

    it("plans a mixed group for its smallest instance type", () => {
        expect(smallestAllocatable(["t3.large", "t3.small", "t3.medium"]).instanceType).to.equal("t3.small");
        const settings = loadClusterSettings("Pulumi.shared.yaml", {
            "fintrax-cluster:nodeGroups": JSON.stringify({
                general: { instanceTypes: ["m5.large", "c5.large"], capacityType: "SPOT", minSize: 1, desiredSize: 2, maxSize: 4, diskSizeGb: 40 },
                monitoring: { instanceTypes: ["t3.large"], capacityType: "SPOT", minSize: 1, desiredSize: 1, maxSize: 1, diskSizeGb: 30, labels: { "workload-type": "monitoring" } },
            }),
        });
        expect(nodeGroupCapacity(settings.nodeGroups.general)).to.deep.include({ name: "general", instanceType: "c5.large", maxSize: 4, capacityType: "SPOT" });
    });
});

describe("cluster capacity: what the platform itself takes", () => {
    it("sums the per-node daemon sets' requests into the daemonSetRequests export", () => {
        expect(NODE_DAEMON_SETS.map((d) => d.name)).to.have.members(["aws-node", "eks-pod-identity-agent", "kube-proxy", "ebs-csi-node", "prometheus-node-exporter", "alloy"]);
        expect(daemonSetRequests()).to.deep.equal({ cpu: "235m", memory: "330Mi", pods: 6 });
    });

    const total = (kind: "requests" | "limits", resource: "cpu" | "memory") => Object.values(MONITORING_PODS)
        .flat()
        .reduce((sum, container) => sum + parseQuantity(MONITORING_CONTAINERS[container][kind][resource]), 0);

    it("keeps the monitoring stack inside its namespace quota (seed 000: 2/4Gi requests, 4/8Gi limits, 15 pods)", () => {
        expect(MONITORING_QUOTA).to.deep.equal({ requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: 15 });
        for (const kind of ["requests", "limits"] as const) {
            for (const resource of ["cpu", "memory"] as const) {
                // Room for the admission-webhook job that runs beside them on upgrades.
                const job = parseQuantity(MONITORING_CONTAINERS.webhookJob[kind][resource]);
                expect(total(kind, resource) + job, `${kind}.${resource}`).to.be.at.most(parseQuantity(MONITORING_QUOTA[kind][resource]));
            }
        }
        expect(Object.keys(MONITORING_PODS).length + 1).to.be.at.most(MONITORING_QUOTA.pods);
    });

    it("fits the monitoring stack on one node of the monitoring group, after the daemon sets", () => {
        const node = allocatable("t3.medium");
        const daemons = daemonSetRequests();
        expect(total("requests", "cpu")).to.be.at.most(node.cpuMillis / 1000 - parseQuantity(daemons.cpu));
        expect(total("requests", "memory")).to.be.at.most(node.memoryMib * 2 ** 20 - parseQuantity(daemons.memory));
    });
});
