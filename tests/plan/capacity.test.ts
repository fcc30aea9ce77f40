import { expect } from "chai";
import { checkCapacity, quotasOf } from "../../plan/capacity";
import type { NodeGroupCapacity } from "../../model/clusterExports";
import type { PlannedResource } from "../../plan/runtime";

const group = (name: string, maxSize: number, taints: NodeGroupCapacity["taints"] = []): NodeGroupCapacity => ({
    name, instanceType: "t3.medium", minSize: 1, desiredSize: 1, maxSize, capacityType: "ON_DEMAND",
    allocatableCpu: "1930m", allocatableMemory: "2500Mi", maxPods: 110, taints,
});
const monitoringTaint = [{ key: "workload-type", value: "monitoring", effect: "NoSchedule" }];
const quota = (namespace: string, cpu: string, memory: string, pods: number): PlannedResource => ({
    urn: `urn:${namespace}`, id: namespace, type: "kubernetes:core/v1:ResourceQuota", name: namespace, parent: null, provider: null,
    protect: false, custom: true, maskedInputs: {},
    inputs: { metadata: { namespace }, spec: { hard: { "requests.cpu": cpu, "requests.memory": memory, pods: String(pods) } } },
});

describe("plan capacity", () => {
    const daemonSetRequests = { cpu: "230m", memory: "400Mi", pods: 5 };

    it("holds application quotas against untainted groups and monitoring against its dedicated group", () => {
        const report = checkCapacity(
            { nodeGroups: [group("general", 6), group("monitoring", 2, monitoringTaint)], daemonSetRequests, monitoringNamespace: "monitoring" },
            [...quotasOf("dev", [quota("fintrax-dev", "2", "4Gi", 10)]), ...quotasOf("shared", [quota("monitoring", "2", "4Gi", 15)])],
        );
        const [general, monitoring] = report.pools;
        // 6 × (1930m − 230m) = 10.2 CPU; 6 × (2500Mi − 400Mi) = 12600Mi; 6 × (110 − 5) = 630 pods.
        expect(general.allocatable).to.deep.equal({ cpu: "10200m", memory: "12600Mi", pods: 630 });
        expect(general.requested).to.deep.equal({ cpu: "2", memory: "4Gi", pods: 10 });
        expect(general.namespaces).to.deep.equal(["fintrax-dev"]);
        // 2 × 2100Mi = 4200Mi ≥ 4Gi (4096Mi): fits by 104Mi.
        expect(monitoring.namespaces).to.deep.equal(["monitoring"]);
        expect(monitoring.headroom.memory).to.equal("104Mi");
        expect(report.fits).to.equal(true);
        expect(report.requested).to.deep.equal({ cpu: "4", memory: "8Gi", pods: 25 });
    });

    it("says by how much a pool falls short", () => {
        const report = checkCapacity(
            { nodeGroups: [group("general", 2)], daemonSetRequests, monitoringNamespace: "monitoring" },
            quotasOf("prod", [quota("fintrax-prod", "4", "8Gi", 20)]),
        );
        expect(report.fits).to.equal(false);
        expect(report.pools[0].fits).to.equal(false);
        expect(report.pools[0].headroom.cpu).to.equal("-600m");
        // 2 × 2100Mi = 4200Mi against 8Gi (8192Mi).
        expect(report.pools[0].headroom.memory).to.equal("-3992Mi");
    });

    it("treats the monitoring namespace like any other when no group is dedicated to it", () => {
        const report = checkCapacity(
            { nodeGroups: [group("general", 6)], daemonSetRequests, monitoringNamespace: "monitoring" },
            quotasOf("shared", [quota("monitoring", "2", "4Gi", 15)]),
        );
        expect(report.pools).to.have.length(1);
        expect(report.pools[0].namespaces).to.deep.equal(["monitoring"]);
    });
});
