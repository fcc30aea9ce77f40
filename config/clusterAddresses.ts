import type { z } from "zod";
import { TIERS, type Tier } from "../model/tiers";
import { containsBlock, isNetworkBlock, overlapsBlock } from "../model/addressing";
import { ipv4Cidr } from "./fields";

/**
 * Where Kubernetes Services get their ClusterIPs. Pinned so that the `kubernetes` Service's address (the
 * first one) is known to the NetworkPolicies that let platform pods reach the API server. EKS's rules for
 * `serviceIpv4Cidr` (EKS API reference, KubernetesNetworkConfigRequest, read 2026-12-01): inside 10.0.0.0/8,
 * 172.16.0.0/12 or 192.168.0.0/16, not overlapping the VPC, /12 to /24, fixed at cluster creation. 172.20.0.0/16
 * is what EKS picks by itself for a VPC in 10/8.
 */
export const DEFAULT_SERVICE_CIDR = "172.20.0.0/16";
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/**
 * Node subnets of /20 (4091 addresses each; the upper half reserved for /28 prefixes, docs/cluster.md
 * "Addressing"), database subnets of /26 per tier and zone: the environments of one tier share theirs, no other.
 */
export const DEFAULT_PRIVATE_SUBNET_CIDRS = ["10.0.16.0/20", "10.0.32.0/20"];
export const DEFAULT_DATABASE_SUBNET_CIDRS: Record<Tier, string[]> = {
    development: ["10.0.10.0/26", "10.0.10.64/26"],
    staging: ["10.0.11.0/26", "10.0.11.64/26"],
    production: ["10.0.12.0/26", "10.0.12.64/26"],
};

export const serviceCidr = ipv4Cidr.refine((cidr) => {
    const bits = Number(cidr.split("/")[1]);
    return bits >= 12 && bits <= 24 && PRIVATE_RANGES.some((range) => containsBlock(range, cidr));
}, `must be a /12 to /24 block inside ${PRIVATE_RANGES.join(", ")} (the EKS rule for the service CIDR)`);

/** The address keys of `fintrax-cluster:`, as zod hands them to the schema's final check (each possibly malformed). */
interface ClusterAddresses {
    vpcCidr: string;
    availabilityZones: unknown;
    serviceCidr: string;
    publicSubnetCidrs: unknown;
    privateSubnetCidrs: unknown;
    databaseSubnetCidrs?: Partial<Record<Tier, unknown>>;
}

/**
 * The checks that need several address keys at once: the service CIDR outside the VPC, every subnet list one
 * CIDR per zone, every subnet inside the VPC, at least a /28, and no two subnets overlapping.
 */
export function checkClusterAddresses(addresses: ClusterAddresses, ctx: z.core.$RefinementCtx<unknown>): void {
    // Zod runs this check even when a key failed its own schema: skip what is malformed (reported already).
    const vpc = addresses.vpcCidr;
    if (!isNetworkBlock(vpc) || !Array.isArray(addresses.availabilityZones)) return;
    if (isNetworkBlock(addresses.serviceCidr) && overlapsBlock(addresses.serviceCidr, vpc)) {
        ctx.addIssue({ code: "custom", path: ["serviceCidr"], message: `must not overlap vpcCidr ${addresses.vpcCidr} (an EKS rule)` });
    }
    const seen: Array<{ key: string; cidr: string }> = [];
    const subnetLists: Array<{ path: string[]; list: unknown }> = [
        { path: ["publicSubnetCidrs"], list: addresses.publicSubnetCidrs },
        { path: ["privateSubnetCidrs"], list: addresses.privateSubnetCidrs },
        ...TIERS.map((tier) => ({ path: ["databaseSubnetCidrs", tier], list: addresses.databaseSubnetCidrs?.[tier] })),
    ];
    for (const { path, list } of subnetLists) {
        const key = path.join(".");
        if (!Array.isArray(list)) continue;
        if (list.length !== addresses.availabilityZones.length) {
            ctx.addIssue({
                code: "custom",
                path,
                message: `must list one CIDR per availability zone (${addresses.availabilityZones.length} zone${addresses.availabilityZones.length === 1 ? "" : "s"}, got ${list.length})`,
            });
        }
        list.forEach((cidr: string, index) => {
            if (!isNetworkBlock(cidr)) return;
            const bits = Number(cidr.split("/")[1]);
            if (!containsBlock(vpc, cidr)) {
                ctx.addIssue({ code: "custom", path: [...path, index], message: `must be inside vpcCidr ${addresses.vpcCidr}` });
            } else if (bits > 28) {
                ctx.addIssue({ code: "custom", path: [...path, index], message: "must be /28 or larger (the smallest AWS subnet)" });
            }
            const clash = seen.find((other) => overlapsBlock(cidr, other.cidr));
            if (clash) {
                ctx.addIssue({ code: "custom", path: [...path, index], message: `must not overlap ${clash.key} ${clash.cidr}` });
            }
            seen.push({ key: `${key}[${index}]`, cidr });
        });
    }
}
