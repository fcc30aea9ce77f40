import { expect } from "chai";
import { containsBlock } from "../../model/addressing";
import { TIERS } from "../../model/tiers";
import type { StackRun } from "../../plan/runtime";
import { clusterConfigRejection, STACK_FILE, TYPES } from "../cluster/support";
import { ofType } from "../support/resources";
import { networkOf, plannedCluster } from "./support";

describe("cluster addressing: the planned network", () => {
    let run: StackRun;
    before(async () => {
        run = await plannedCluster();
    });

    it("pins the service CIDR on the EKS cluster and exports the kubernetes Service's ClusterIP, its first address", () => {
        const [cluster] = ofType(run, TYPES.cluster);
        expect(cluster.inputs.kubernetesServiceIpAddressRange).to.equal("172.20.0.0/16");
        expect(networkOf(run)).to.deep.include({ serviceCidr: "172.20.0.0/16", kubernetesServiceIp: "172.20.0.1" });
    });

    it("names the cluster's own subnets as the control plane's, the ones EKS puts its interfaces in", () => {
        const subnetCidrs = ofType(run, TYPES.subnet).filter((s) => !s.name.startsWith("network-database-")).map((s) => s.inputs.cidrBlock);
        expect(networkOf(run).controlPlaneSubnetCidrs).to.have.members(subnetCidrs);
    });

    it("reserves the upper half of every node subnet for /28 prefixes", () => {
        const reservations = ofType(run, "aws:ec2/subnetCidrReservation:SubnetCidrReservation");
        const subnets = ofType(run, TYPES.subnet);
        expect(reservations.map((r) => [subnets.find((s) => s.id === r.inputs.subnetId)?.inputs.cidrBlock, r.inputs.cidrBlock, r.inputs.reservationType]))
            .to.have.deep.members([["10.0.16.0/20", "10.0.24.0/21", "prefix"], ["10.0.32.0/20", "10.0.40.0/21", "prefix"]]);
        expect(networkOf(run).nodeSubnets.map((s) => s.prefixReservationCidr)).to.deep.equal(["10.0.24.0/21", "10.0.40.0/21"]);
    });

    it("gives each tier database subnets of its own, one per zone, in a DB subnet group of its own, with no route out", () => {
        const groups = ofType(run, "aws:rds/subnetGroup:SubnetGroup");
        expect(groups.map((g) => g.inputs.name)).to.have.members(TIERS.map((tier) => `fintrax-eks-shared-databases-${tier}`));
        const subnets = ofType(run, TYPES.subnet);
        const associations = ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation");
        const tables = ofType(run, TYPES.routeTable);
        for (const tier of TIERS) {
            const group = groups.find((g) => g.inputs.name === `fintrax-eks-shared-databases-${tier}`)!;
            const members = group.inputs.subnetIds.map((id: string) => subnets.find((s) => s.id === id)!);
            expect(members.map((s: { inputs: { availabilityZone: string } }) => s.inputs.availabilityZone)).to.deep.equal(["us-east-1a", "us-east-1b"]);
            expect(members.map((s: { inputs: { cidrBlock: string } }) => s.inputs.cidrBlock)).to.deep.equal(networkOf(run).databaseSubnets[tier].cidrs);
            for (const subnet of members) {
                const table = tables.find((t) => t.id === associations.find((a) => a.inputs.subnetId === subnet.id)?.inputs.routeTableId);
                expect(table?.inputs.routes ?? [], `${tier} ${subnet.inputs.cidrBlock}`).to.deep.equal([]);
            }
            expect(networkOf(run).databaseSubnets[tier].subnetGroupName).to.equal(group.inputs.name);
        }
    });

    it("keeps every subnet inside the VPC and apart from every other", () => {
        const cidrs: string[] = ofType(run, TYPES.subnet).map((s) => s.inputs.cidrBlock);
        for (const [index, cidr] of cidrs.entries()) {
            expect(containsBlock("10.0.0.0/16", cidr)).to.equal(true);
            for (const other of cidrs.slice(index + 1)) expect(containsBlock(cidr, other) || containsBlock(other, cidr), `${cidr} / ${other}`).to.equal(false);
        }
    });
});

describe("cluster addressing: bad config", () => {
    const rejection = (overrides: Record<string, unknown>): string => clusterConfigRejection(overrides).message;

    const cases: Array<[string, Record<string, unknown>, string]> = [
        ["a service CIDR inside the VPC", { "fintrax-cluster:serviceCidr": "10.0.128.0/20" },
            "fintrax-cluster:serviceCidr: must not overlap vpcCidr 10.0.0.0/16 (an EKS rule)"],
        ["a public service CIDR", { "fintrax-cluster:serviceCidr": "100.64.0.0/16" },
            "fintrax-cluster:serviceCidr: must be a /12 to /24 block inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16"],
        ["a service CIDR larger than /12", { "fintrax-cluster:serviceCidr": "10.0.0.0/8" }, "fintrax-cluster:serviceCidr: must be a /12 to /24 block"],
        ["a service CIDR smaller than /24", { "fintrax-cluster:serviceCidr": "172.20.0.0/25" }, "fintrax-cluster:serviceCidr: must be a /12 to /24 block"],
        ["a node subnet too small to keep a prefix half", { "fintrax-cluster:privateSubnetCidrs": ["10.0.16.0/27", "10.0.32.0/20"] },
            "fintrax-cluster:privateSubnetCidrs[0]: must be /26 or larger"],
        ["a database subnet inside a node subnet", {
            "fintrax-cluster:databaseSubnetCidrs": { development: ["10.0.16.0/26", "10.0.10.64/26"], staging: ["10.0.11.0/26", "10.0.11.64/26"], production: ["10.0.12.0/26", "10.0.12.64/26"] },
        }, "fintrax-cluster:databaseSubnetCidrs.development[0]: must not overlap privateSubnetCidrs[0] 10.0.16.0/20"],
        ["two tiers sharing a database subnet", {
            "fintrax-cluster:databaseSubnetCidrs": { development: ["10.0.10.0/26", "10.0.10.64/26"], staging: ["10.0.10.0/26", "10.0.11.64/26"], production: ["10.0.12.0/26", "10.0.12.64/26"] },
        }, "fintrax-cluster:databaseSubnetCidrs.staging[0]: must not overlap databaseSubnetCidrs.development[0] 10.0.10.0/26"],
        ["a tier without subnets in every zone", {
            "fintrax-cluster:databaseSubnetCidrs": { development: ["10.0.10.0/26"], staging: ["10.0.11.0/26", "10.0.11.64/26"], production: ["10.0.12.0/26", "10.0.12.64/26"] },
        }, "fintrax-cluster:databaseSubnetCidrs.development: must list one CIDR per availability zone (2 zones, got 1)"],
        ["a tier missing", {
            "fintrax-cluster:databaseSubnetCidrs": { development: ["10.0.10.0/26", "10.0.10.64/26"], staging: ["10.0.11.0/26", "10.0.11.64/26"] },
        }, "fintrax-cluster:databaseSubnetCidrs.production: required: a list"],
        ["an unknown tier", {
            "fintrax-cluster:databaseSubnetCidrs": { development: ["10.0.10.0/26", "10.0.10.64/26"], staging: ["10.0.11.0/26", "10.0.11.64/26"], production: ["10.0.12.0/26", "10.0.12.64/26"], qa: [] },
        }, "fintrax-cluster:databaseSubnetCidrs.qa: unknown key (allowed here: development, staging, production)"],
    ];
    for (const [what, overrides, expected] of cases) {
        it(`refuses ${what}, naming the stack file and the key`, () => {
            expect(rejection(overrides)).to.include(`${STACK_FILE}: ${expected}`);
        });
    }
});
