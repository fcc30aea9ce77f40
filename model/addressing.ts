import * as ipaddr from "ipaddr.js";

/**
 * IPv4 address arithmetic on CIDR blocks, for the stack files' address keys, the subnets, the service CIDR and the
 * NetworkPolicies' ipBlocks. Parsing and matching are ipaddr.js's; this only adds the few checks and derived blocks
 * the cluster needs.
 */

const toNumber = (address: ipaddr.IPv4) => address.toByteArray().reduce((acc, octet) => acc * 256 + octet, 0);
const fromNumber = (value: number) => new ipaddr.IPv4([24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256));

function parse(cidr: string): [ipaddr.IPv4, number] {
    return [ipaddr.IPv4.networkAddressFromCIDR(cidr), ipaddr.IPv4.parseCIDR(cidr)[1]];
}

/** Is `cidr` an IPv4 block in four decimal parts on its network boundary: 10.0.1.0/24, not 10.0.1.5/24 or 10.1/16? */
export function isNetworkBlock(cidr: unknown): cidr is string {
    return typeof cidr === "string" && ipaddr.IPv4.isValidCIDRFourPartDecimal(cidr)
        && ipaddr.IPv4.networkAddressFromCIDR(cidr).toString() === cidr.split("/")[0];
}

/** How many addresses the block spans (AWS's five reserved ones included). */
export function blockSize(cidr: string): number {
    return 2 ** (32 - parse(cidr)[1]);
}

/** The address `offset` places after the block's network address: 172.20.0.0/16, 1 → 172.20.0.1. */
export function addressAt(cidr: string, offset: number): string {
    if (offset < 0 || offset >= blockSize(cidr)) throw new RangeError(`${cidr} has no address at offset ${offset}`);
    return fromNumber(toNumber(parse(cidr)[0]) + offset).toString();
}

/** The upper half of a block as a block: 10.0.16.0/20 → 10.0.24.0/21. */
export function upperHalf(cidr: string): string {
    const [network, bits] = parse(cidr);
    if (bits >= 32) throw new RangeError(`${cidr} has no halves`);
    return `${fromNumber(toNumber(network) + 2 ** (31 - bits)).toString()}/${bits + 1}`;
}

/** Is the address inside the block? */
export function containsAddress(cidr: string, address: string): boolean {
    const parsed = ipaddr.parse(address);
    return parsed.kind() === "ipv4" && (parsed as ipaddr.IPv4).match(ipaddr.IPv4.parseCIDR(cidr));
}

/** Is every address of `inner` inside `outer`? */
export function containsBlock(outer: string, inner: string): boolean {
    const [network, bits] = parse(inner);
    return bits >= parse(outer)[1] && containsAddress(outer, network.toString());
}

/** Do the blocks share an address? Two CIDR blocks are either disjoint or one inside the other. */
export function overlapsBlock(a: string, b: string): boolean {
    return containsBlock(a, b) || containsBlock(b, a);
}
