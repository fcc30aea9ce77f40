import { expect } from "chai";
import fc from "fast-check";
import {
    allocatable, EVICTION_MEMORY_MIB, kubeReservedCpuMillis, kubeReservedMemoryMib, maxPodsWithPrefixDelegation, smallestAllocatable,
} from "../../components/cluster/instanceTypes";
import { INSTANCE_TYPE_NAMES, INSTANCE_TYPES, type InstanceFacts } from "../../model/instanceTypes";
import { parseQuantity } from "../../model/quantity";

const vcpus = fc.integer({ min: 1, max: 448 });
const facts: fc.Arbitrary<InstanceFacts> = fc.record({
    vcpus,
    memoryMib: fc.integer({ min: 512, max: 2 ** 22 }),
    maxEnis: fc.integer({ min: 1, max: 15 }),
    ipv4PerEni: fc.integer({ min: 2, max: 50 }),
});
const instanceType = fc.constantFrom(...INSTANCE_TYPE_NAMES);

describe("node-reservation arithmetic (properties)", () => {
    it("reserves CPU by the AMI's bands: each further core costs no more than the one before, 6% at most", () => {
        fc.assert(fc.property(vcpus, (cores) => {
            const marginal = kubeReservedCpuMillis(cores + 1) - kubeReservedCpuMillis(cores);
            const previous = cores === 1 ? kubeReservedCpuMillis(1) : kubeReservedCpuMillis(cores) - kubeReservedCpuMillis(cores - 1);
            expect(marginal).to.be.above(0);
            expect(marginal).to.be.at.most(previous);
            expect(kubeReservedCpuMillis(cores)).to.be.at.most(cores * 1000 * 0.06);
        }));
    });

    it("reserves 11Mi of memory per pod the node may run, on top of 255Mi", () => {
        fc.assert(fc.property(fc.integer({ min: 0, max: 737 }), (pods) => {
            expect(kubeReservedMemoryMib(pods + 1) - kubeReservedMemoryMib(pods)).to.equal(11);
        }));
        expect(kubeReservedMemoryMib(0)).to.equal(255);
    });

    it("never gives prefix delegation fewer pods than secondary IPs would, nor more than the EKS cap", () => {
        fc.assert(fc.property(facts, (node) => {
            const pods = maxPodsWithPrefixDelegation(node);
            const cap = node.vcpus < 30 ? 110 : 250;
            expect(pods).to.be.at.most(cap);
            expect(pods).to.be.at.least(Math.min(cap, node.maxEnis * (node.ipv4PerEni - 1) + 2));
        }));
    });

    it("gives more pods to a node with more ENIs or more addresses per ENI", () => {
        fc.assert(fc.property(facts, (node) => {
            const pods = maxPodsWithPrefixDelegation(node);
            expect(maxPodsWithPrefixDelegation({ ...node, maxEnis: node.maxEnis + 1 })).to.be.at.least(pods);
            expect(maxPodsWithPrefixDelegation({ ...node, ipv4PerEni: node.ipv4PerEni + 1 })).to.be.at.least(pods);
        }));
    });

    it("splits every instance type into allocatable and reserved, with the quantities the cluster exports", () => {
        fc.assert(fc.property(instanceType, (type) => {
            const node = allocatable(type);
            const { vcpus: cores, memoryMib } = INSTANCE_TYPES[type];
            expect(node.cpuMillis + kubeReservedCpuMillis(cores)).to.equal(cores * 1000);
            expect(node.memoryMib + kubeReservedMemoryMib(node.maxPods) + EVICTION_MEMORY_MIB).to.equal(memoryMib);
            expect(parseQuantity(node.cpu) * 1000).to.be.closeTo(node.cpuMillis, 0.5);
            expect(parseQuantity(node.memory) / 2 ** 20).to.be.closeTo(node.memoryMib, 0.5);
        }));
    });

    it("plans a mixed group for the member with the least allocatable memory, whatever the order", () => {
        fc.assert(fc.property(fc.uniqueArray(instanceType, { minLength: 1 }), (types) => {
            const smallest = smallestAllocatable(types);
            expect(types).to.include(smallest.instanceType);
            for (const type of types) expect(smallest.memoryMib).to.be.at.most(allocatable(type).memoryMib);
            const reversed = smallestAllocatable([...types].reverse());
            expect([reversed.memoryMib, reversed.cpuMillis]).to.deep.equal([smallest.memoryMib, smallest.cpuMillis]);
        }));
    });
});
