import { expect } from "chai";
import fc from "fast-check";
import { formatCpu, formatMemory, isQuantity, parseQuantity } from "../../../model/quantity";

/** Each suffix's factor in thousandths of the base unit, so that the expected order is exact integer arithmetic. */
const MILLI_FACTORS: Record<string, bigint> = {
    m: 1n, "": 1000n, k: 1000n ** 2n, M: 1000n ** 3n, G: 1000n ** 4n,
    Ki: 1000n * 2n ** 10n, Mi: 1000n * 2n ** 20n, Gi: 1000n * 2n ** 30n, Ti: 1000n * 2n ** 40n,
};

/** Millicores up to 10 000 cores, the range a cluster's quotas and nodes are in. */
const millicores = fc.integer({ min: 0, max: 10_000_000 });
/**
 * Whole KiB up to 1 TiB. Above that parseQuantity's rounding to 1e-9 (raw × 1e9 passes 2^53) can be off by a
 * fraction of a byte: 5368709113Ki parses to 5497558131711.999. No node, quota or volume here comes near it.
 */
const kibibytes = fc.integer({ min: 0, max: 2 ** 30 });

describe("quantity arithmetic (properties)", () => {
    it("formatCpu then parseQuantity gives the millicores back", () => {
        fc.assert(fc.property(millicores, (milli) => {
            const text = formatCpu(milli / 1000);
            expect(isQuantity(text), text).to.equal(true);
            expect(Math.round(parseQuantity(text) * 1000), text).to.equal(milli);
        }));
    });

    it("formatMemory then parseQuantity gives whole KiB back exactly, and any byte count to within half a MiB", () => {
        fc.assert(fc.property(kibibytes, (kib) => {
            const text = formatMemory(kib * 1024);
            expect(isQuantity(text), text).to.equal(true);
            expect(parseQuantity(text), text).to.equal(kib * 1024);
        }));
        fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (bytes) => {
            expect(Math.abs(parseQuantity(formatMemory(bytes)) - bytes)).to.be.at.most(2 ** 19);
        }));
    });

    it("parseQuantity then formatCpu is the identity on compact CPU quantities", () => {
        fc.assert(fc.property(millicores, (milli) => {
            const compact = formatCpu(milli / 1000);
            expect(formatCpu(parseQuantity(compact))).to.equal(compact);
        }));
    });

    it("the same amount in different notations parses to the same number", () => {
        fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => {
            expect(parseQuantity(`${n}Gi`)).to.equal(parseQuantity(`${n * 1024}Mi`));
            expect(parseQuantity(`${n}Mi`)).to.equal(parseQuantity(`${n * 1024}Ki`));
            expect(parseQuantity(`${n}k`)).to.equal(parseQuantity(`${n * 1000}`));
            expect(parseQuantity(`${n}k`)).to.equal(parseQuantity(`${n}e3`));
            expect(parseQuantity(`${n * 1000}m`)).to.equal(parseQuantity(`${n}`));
        }));
    });

    it("orders quantities as their amounts, across units", () => {
        const quantity = fc.record({ amount: fc.integer({ min: 0, max: 100_000 }), unit: fc.constantFrom(...Object.keys(MILLI_FACTORS)) });
        fc.assert(fc.property(quantity, quantity, (a, b) => {
            const difference = BigInt(a.amount) * MILLI_FACTORS[a.unit] - BigInt(b.amount) * MILLI_FACTORS[b.unit];
            const expected = difference > 0n ? 1 : difference < 0n ? -1 : 0;
            expect(Math.sign(parseQuantity(`${a.amount}${a.unit}`) - parseQuantity(`${b.amount}${b.unit}`)), `${a.amount}${a.unit} vs ${b.amount}${b.unit}`)
                .to.equal(expected);
        }));
    });

    it("keeps order through formatting: more cores or bytes never format to less", () => {
        fc.assert(fc.property(millicores, millicores, (a, b) => {
            fc.pre(a < b);
            expect(parseQuantity(formatCpu(a / 1000))).to.be.below(parseQuantity(formatCpu(b / 1000)));
        }));
        fc.assert(fc.property(kibibytes, kibibytes, (a, b) => {
            fc.pre(a < b);
            expect(parseQuantity(formatMemory(a * 1024))).to.be.below(parseQuantity(formatMemory(b * 1024)));
        }));
    });

    it("a leading minus negates, a leading plus and surrounding spaces change nothing", () => {
        fc.assert(fc.property(millicores, fc.constantFrom("m", "", "k", "Ki", "Mi", "Gi"), (n, unit) => {
            const value = parseQuantity(`${n}${unit}`);
            expect(parseQuantity(`-${n}${unit}`)).to.equal(-value);
            expect(parseQuantity(`+${n}${unit}`)).to.equal(value);
            expect(parseQuantity(` ${n}${unit} `)).to.equal(value);
        }));
    });

    it("refuses what is not a quantity, and parseQuantity throws on it", () => {
        fc.assert(fc.property(fc.string(), (text) => {
            fc.pre(!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?\s*$/.test(text));
            expect(isQuantity(text), JSON.stringify(text)).to.equal(false);
            expect(() => parseQuantity(text)).to.throw(/is not a Kubernetes quantity/);
        }));
    });
});
