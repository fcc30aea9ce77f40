import { expect } from "chai";
import fc from "fast-check";
import { addressAt, blockSize, containsAddress, containsBlock, isNetworkBlock, overlapsBlock, upperHalf } from "../../model/addressing";
import { prefixReservationOf } from "../../components/cluster/network";

const asIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
/** A random aligned block: its network address as a number, its prefix length, its CIDR. */
const block = (minBits: number, maxBits: number) => fc.tuple(fc.nat(2 ** 32 - 1), fc.integer({ min: minBits, max: maxBits })).map(([n, bits]) => {
    const size = 2 ** (32 - bits);
    const base = n - (n % size);
    return { base, bits, size, cidr: `${asIp(base)}/${bits}` };
});

describe("CIDR arithmetic (model/addressing.ts)", () => {
    it("knows the examples the cluster relies on", () => {
        expect(addressAt("172.20.0.0/16", 1)).to.equal("172.20.0.1");
        expect(addressAt("10.100.0.0/16", 1)).to.equal("10.100.0.1");
        expect(upperHalf("10.0.16.0/20")).to.equal("10.0.24.0/21");
        expect(prefixReservationOf("10.0.32.0/20")).to.equal("10.0.40.0/21");
        expect(blockSize("10.0.10.0/26")).to.equal(64);
        expect(() => addressAt("10.0.10.0/26", 64)).to.throw(RangeError);
    });

    it("addressAt walks the block in order and stays inside it", () => {
        fc.assert(fc.property(block(8, 32), fc.nat(), ({ base, size, cidr }, pick) => {
            const offset = pick % size;
            expect(addressAt(cidr, offset)).to.equal(asIp(base + offset));
            expect(containsAddress(cidr, addressAt(cidr, offset))).to.equal(true);
        }));
    });

    it("the upper half is half the block, inside it, and holds exactly its upper addresses", () => {
        fc.assert(fc.property(block(8, 31), fc.nat(), ({ base, size, cidr }, pick) => {
            const half = upperHalf(cidr);
            expect(blockSize(half)).to.equal(size / 2);
            expect(containsBlock(cidr, half)).to.equal(true);
            expect(containsBlock(half, cidr)).to.equal(false);
            const offset = pick % size;
            expect(containsAddress(half, asIp(base + offset))).to.equal(offset >= size / 2);
        }));
    });

    it("containsBlock is containment of address ranges", () => {
        fc.assert(fc.property(block(0, 32), block(0, 32), (a, b) => {
            expect(containsBlock(a.cidr, b.cidr)).to.equal(b.base >= a.base && b.base + b.size <= a.base + a.size);
        }));
    });

    it("overlapsBlock is intersection of address ranges", () => {
        fc.assert(fc.property(block(0, 32), block(0, 32), (a, b) => {
            expect(overlapsBlock(a.cidr, b.cidr)).to.equal(a.base < b.base + b.size && b.base < a.base + a.size);
        }));
    });

    it("isNetworkBlock takes every block on its network boundary and no address inside one", () => {
        fc.assert(fc.property(block(0, 31), fc.nat(), ({ base, bits, size, cidr }, pick) => {
            expect(isNetworkBlock(cidr)).to.equal(true);
            const inside = 1 + (pick % (size - 1));
            expect(isNetworkBlock(`${asIp(base + inside)}/${bits}`)).to.equal(false);
        }));
    });

    it("isNetworkBlock refuses what is not four decimal parts and a prefix length", () => {
        for (const text of ["10.1/16", "0x0a.0.0.0/8", "010.0.0.0/8", "10.0.0.0/33", "10.0.0.0", "10.0.0.0/8/8", "256.0.0.0/8", " 10.0.0.0/8", ""]) {
            expect(isNetworkBlock(text), text).to.equal(false);
        }
        expect(isNetworkBlock(10)).to.equal(false);
        expect(isNetworkBlock("0.0.0.0/0")).to.equal(true);
        expect(isNetworkBlock("10.0.1.7/32")).to.equal(true);
    });
});
