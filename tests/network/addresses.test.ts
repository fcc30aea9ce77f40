import { expect } from "chai";
import type { ClusterExports } from "../../model/clusterExports";
import { addressInputsOf, checkSubnetAddresses, perNodeAddressing, SubnetUse } from "../../plan/capacity";
import { plan } from "../../plan/plan";
import { CLUSTER_FIXTURE } from "../support/clusterFixture";
import { committedClusterPlan } from "../cluster/support";

const [general] = CLUSTER_FIXTURE.nodeGroups;
const inputs = (overrides: Partial<Parameters<typeof checkSubnetAddresses>[0]> = {}) => ({
    network: CLUSTER_FIXTURE.network,
    nodeGroups: CLUSTER_FIXTURE.nodeGroups,
    warmPrefixes: 1,
    natGatewayZones: 1,
    loadBalancers: 1,
    databaseSubnetGroups: ["fintrax-eks-shared-databases-development", "fintrax-eks-shared-databases-staging", "fintrax-eks-shared-databases-production"],
    ...overrides,
});
const find = (uses: SubnetUse[], subnet: string, unit: SubnetUse["unit"]) => uses.find((u) => u.subnet === subnet && u.unit === unit)!;

describe("plan capacity: subnet addresses", () => {
    it("gives a t3.medium node at 110 pods 7 prefixes plus the warm one, on 2 interfaces (5 prefixes each)", () => {
        expect(perNodeAddressing(general, 1)).to.deep.equal({ prefixes: 8, interfaces: 2 });
        expect(perNodeAddressing(general, 0)).to.deep.equal({ prefixes: 7, interfaces: 2 });
        // A t3.small has 3 interfaces × 3 prefix slots: 8 prefixes need all three.
        expect(perNodeAddressing({ ...general, instanceType: "t3.small" }, 1)).to.deep.equal({ prefixes: 8, interfaces: 3 });
        // Never more than the interfaces can hold (3 × 3 = 9 slots on a t3.small).
        expect(perNodeAddressing({ ...general, instanceType: "t3.small" }, 5)).to.deep.equal({ prefixes: 9, interfaces: 3 });
    });

    it("fits the default cluster: per zone 6 nodes × 8 = 48 of 128 prefixes, 28 of 2043 other addresses", () => {
        const uses = checkSubnetAddresses(inputs());
        expect(uses.every((u) => u.fits)).to.equal(true);
        const prefixes = find(uses, "nodes us-east-1a", "prefixes");
        expect(prefixes).to.deep.include({ cidr: "10.0.24.0/21", available: 128, needed: 48 });
        expect(prefixes.parts).to.deep.equal(["5 general nodes × 8 prefixes", "1 monitoring nodes × 8 prefixes"]);
        expect(find(uses, "nodes us-east-1b", "addresses")).to.deep.include({ cidr: "10.0.32.0/20", available: 4096 - 2048 - 5, needed: 5 * 2 + 2 + 16 });
        expect(find(uses, "public us-east-1a", "addresses")).to.deep.include({ available: 251, needed: 1 + 1 + 16 });
        expect(find(uses, "public us-east-1b", "addresses")).to.deep.include({ available: 251, needed: 1 + 16 });
        expect(find(uses, "production databases us-east-1a", "addresses")).to.deep.include({ available: 59, needed: 1 });
    });

    it("does not fit the seed's /24 node subnets: a /25 reservation holds 8 prefixes, the nodes need 48", () => {
        const network = {
            ...CLUSTER_FIXTURE.network,
            controlPlaneSubnetCidrs: ["10.0.101.0/24", "10.0.102.0/24", "10.0.1.0/24", "10.0.2.0/24"],
            nodeSubnets: [
                { zone: "us-east-1a", cidr: "10.0.1.0/24", prefixReservationCidr: "10.0.1.128/25" },
                { zone: "us-east-1b", cidr: "10.0.2.0/24", prefixReservationCidr: "10.0.2.128/25" },
            ],
        };
        const uses = checkSubnetAddresses(inputs({ network }));
        expect(find(uses, "nodes us-east-1a", "prefixes")).to.deep.include({ available: 8, needed: 48, fits: false });
        expect(find(uses, "nodes us-east-1a", "addresses")).to.deep.include({ available: 128 - 5, needed: 28, fits: true });
        // One general node per zone fits: 8 prefixes; two do not.
        const small = (maxSize: number) => checkSubnetAddresses(inputs({ network, nodeGroups: [{ ...general, maxSize }] }));
        expect(find(small(2), "nodes us-east-1a", "prefixes").fits).to.equal(true);
        expect(find(small(4), "nodes us-east-1a", "prefixes").fits).to.equal(false);
    });

    it("counts every database of a tier in each of its subnets: 60 previews overflow development's /26s (59 addresses)", () => {
        const previews = Array.from({ length: 60 }, () => "fintrax-eks-shared-databases-development");
        const uses = checkSubnetAddresses(inputs({ databaseSubnetGroups: previews }));
        expect(find(uses, "development databases us-east-1a", "addresses")).to.deep.include({ needed: 60, available: 59, fits: false });
        expect(find(uses, "staging databases us-east-1a", "addresses")).to.deep.include({ needed: 0, fits: true });
        expect(checkSubnetAddresses(inputs({ databaseSubnetGroups: previews.slice(1) })).every((u) => u.fits)).to.equal(true);
    });

    it("reads the planned cluster: its NAT gateways, its load balancer, its node groups", async () => {
        const cluster = await committedClusterPlan();
        const found = addressInputsOf(cluster.outputs as unknown as ClusterExports, [cluster]);
        expect(found).to.deep.include({ warmPrefixes: 1, natGatewayZones: 1, loadBalancers: 1, databaseSubnetGroups: [] });
        expect(found.network.nodeSubnets.map((s) => s.cidr)).to.deep.equal(["10.0.16.0/20", "10.0.32.0/20"]);
    });

    it("is part of the plan's report, and every default subnet fits", async () => {
        const report = await plan({ stacks: ["dev", "prod"] });
        expect(report.capacity?.subnets).to.have.length(12);
        expect(report.capacity?.subnets.every((s) => s.fits)).to.equal(true);
        expect(find(report.capacity!.subnets, "development databases us-east-1b", "addresses").needed).to.equal(1);
        expect(report.capacity?.fits).to.equal(true);
    });
});
