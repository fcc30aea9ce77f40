import { expect } from "chai";
import fc from "fast-check";
import { addressAt, blockSize, containsAddress, containsBlock, upperHalf } from "../../components/addressing";
import { prefixReservationOf } from "../../components/cluster/network";

const asIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
/** A random aligned block: its network address as a number, its prefix length, its CIDR. */
const block = (minBits: number, maxBits: number) => fc.tuple(fc.nat(2 ** 32 - 1), fc.integer({ min: minBits, max: maxBits })).map(([n, bits]) => {
    const size = 2 ** (32 - bits);
    const base = n - (n % size);
    return { base, bits, size, cidr: `${asIp(base)}/${bits}` };
});

describe("CIDR arithmetic (components/addressing.ts)", () => {
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
});
