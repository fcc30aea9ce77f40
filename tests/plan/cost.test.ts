import { expect } from "chai";
import { estimateCost } from "../../plan/cost";
import type { PlannedResource } from "../../plan/runtime";
import prices = require("../../plan/prices.json");

let counter = 0;
const resource = (type: string, inputs: Record<string, any>, id = `id-${++counter}`): PlannedResource => ({
    urn: `urn:pulumi:s::p::${type}::r${counter}`, id, type, name: `r${counter}`, parent: null, provider: null,
    protect: false, custom: true, inputs, maskedInputs: inputs,
});

describe("plan cost", () => {
    it("prices the control plane, nodes at desired size (spot cheaper), their volumes, NAT and keys", () => {
        const template = resource("aws:ec2/launchTemplate:LaunchTemplate", { blockDeviceMappings: [{ ebs: { volumeSize: 50 } }] }, "lt-1");
        const cost = estimateCost([
            resource("eks:index:Cluster", {}),
            template,
            // Linked by the input's dependency: in a first preview the template's id is unknown.
            { ...resource("eks:index:ManagedNodeGroup", { scalingConfig: { desiredSize: 3 }, instanceTypes: ["t3.medium"], capacityType: "ON_DEMAND", launchTemplate: { id: "[unknown]" } }),
                propertyDependencies: { launchTemplate: [template.urn] } },
            resource("eks:index:ManagedNodeGroup", { scalingConfig: { desiredSize: 1 }, instanceTypes: ["t3.medium"], capacityType: "SPOT", diskSize: 30 }),
            resource("aws:ec2/natGateway:NatGateway", {}),
            resource("aws:kms/key:Key", {}),
        ]);
        const byDescription = Object.fromEntries(cost.items.map((i) => [i.description, i.monthlyUsd]));
        expect(byDescription["EKS control plane"]).to.equal(73);
        expect(byDescription["3 × t3.medium nodes"]).to.equal(91.1);
        expect(byDescription["3 × 50 GB gp3 node volumes"]).to.equal(12);
        expect(byDescription["1 × t3.medium (spot) nodes"]).to.equal(Math.round(0.0416 * 730 * prices.spotPriceFraction * 100) / 100);
        expect(byDescription["1 × 30 GB gp3 node volumes"]).to.equal(2.4);
        expect(byDescription["NAT gateway"]).to.equal(32.85);
        expect(byDescription["KMS key"]).to.equal(1);
        expect(cost.asOf).to.equal(prices.asOf);
        expect(cost.monthlyUsd).to.equal(Math.round(cost.items.reduce((s, i) => s + i.monthlyUsd, 0) * 100) / 100);
    });

    it("doubles a Multi-AZ database and its storage", () => {
        const single = estimateCost([resource("aws:rds/instance:Instance", { instanceClass: "db.t3.medium", allocatedStorage: 100, multiAz: false })]);
        const multi = estimateCost([resource("aws:rds/instance:Instance", { instanceClass: "db.t3.medium", allocatedStorage: 100, multiAz: true })]);
        expect(multi.monthlyUsd).to.equal(Math.round(single.monthlyUsd * 2 * 100) / 100);
    });

    it("counts a load balancer for a LoadBalancer Service or a Helm release that asks for one", () => {
        const cost = estimateCost([
            resource("kubernetes:core/v1:Service", { spec: { type: "LoadBalancer" } }),
            resource("kubernetes:helm.sh/v3:Release", { values: { controller: { service: { type: "LoadBalancer" } } } }),
            resource("kubernetes:core/v1:Service", { spec: { type: "ClusterIP" } }),
        ]);
        expect(cost.items.map((i) => i.description)).to.deep.equal(["network load balancer", "network load balancer"]);
    });

    it("refuses to guess a price it does not have: the item is unpriced, not zero", () => {
        const cost = estimateCost([resource("aws:rds/instance:Instance", { instanceClass: "db.x9.huge" })]);
        expect(cost.items).to.deep.equal([]);
        expect(cost.unpriced.map((u) => u.reason)).to.deep.equal(["plan/prices.json has no price for RDS class db.x9.huge"]);
    });
});
