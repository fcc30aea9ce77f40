import { formatCpu, formatMemory, parseQuantity } from "../model/quantity";
import { blockSize } from "../model/addressing";
import { INSTANCE_TYPES, type InstanceType } from "../model/instanceTypes";
import { VPC_CNI_CONFIGURATION } from "../components/cluster/eksCluster";
import type { ClusterExports, ClusterNetwork, NodeGroupCapacity } from "../model/clusterExports";
import { estimateCost } from "./cost";
import type { PlannedResource, StackRun } from "./runtime";

/**
 * Does the cluster hold what the namespaces may ask for? Every namespace quota's requests are a promise
 * that much can be scheduled; they are compared with what the node groups offer at their maximum size,
 * per node the allocatable CPU, memory and pods less what the add-ons' daemon sets take on every node.
 * Namespaces of dedicated (tainted) node groups — monitoring — are held against those groups only.
 */

interface Amounts { cpu: number; memory: number; pods: number }

export interface NamespaceQuota {
    stack: string;
    namespace: string;
    requests: Amounts;
}

export interface PoolCapacity {
    nodeGroups: string[];
    namespaces: string[];
    allocatable: { cpu: string; memory: string; pods: number };
    requested: { cpu: string; memory: string; pods: number };
    headroom: { cpu: string; memory: string; pods: number };
    fits: boolean;
}

export interface CapacityReport {
    allocatable: { cpu: string; memory: string; pods: number };
    requested: { cpu: string; memory: string; pods: number };
    fits: boolean;
    pools: PoolCapacity[];
    /** Addresses and prefixes per subnet (below); empty when the cluster exports no network. */
    subnets: SubnetUse[];
}

export interface ClusterCapacityInputs {
    nodeGroups: NodeGroupCapacity[];
    daemonSetRequests: { cpu: string; memory: string; pods: number };
    monitoringNamespace: string;
}

/** The ResourceQuota objects a stack creates, as requests per namespace. */
export function quotasOf(stack: string, resources: PlannedResource[]): NamespaceQuota[] {
    return resources
        .filter((r) => r.type === "kubernetes:core/v1:ResourceQuota")
        .map((r) => {
            const hard = r.inputs.spec?.hard ?? {};
            return {
                stack,
                namespace: String(r.inputs.metadata?.namespace),
                requests: {
                    cpu: parseQuantity(hard["requests.cpu"] ?? hard.cpu ?? 0),
                    memory: parseQuantity(hard["requests.memory"] ?? hard.memory ?? 0),
                    pods: Number(hard.pods ?? 0),
                },
            };
        });
}

const zero = (): Amounts => ({ cpu: 0, memory: 0, pods: 0 });
const show = (a: Amounts) => ({ cpu: formatCpu(a.cpu), memory: formatMemory(a.memory), pods: a.pods });

function poolReport(groups: NodeGroupCapacity[], quotas: NamespaceQuota[], perNodeDaemons: Amounts): PoolCapacity {
    const allocatable = zero();
    for (const group of groups) {
        allocatable.cpu += group.maxSize * Math.max(0, parseQuantity(group.allocatableCpu) - perNodeDaemons.cpu);
        allocatable.memory += group.maxSize * Math.max(0, parseQuantity(group.allocatableMemory) - perNodeDaemons.memory);
        allocatable.pods += group.maxSize * Math.max(0, group.maxPods - perNodeDaemons.pods);
    }
    const requested = zero();
    for (const quota of quotas) {
        requested.cpu += quota.requests.cpu;
        requested.memory += quota.requests.memory;
        requested.pods += quota.requests.pods;
    }
    const headroom = { cpu: allocatable.cpu - requested.cpu, memory: allocatable.memory - requested.memory, pods: allocatable.pods - requested.pods };
    return {
        nodeGroups: groups.map((g) => `${g.name} (${g.maxSize} × ${g.instanceType})`),
        namespaces: quotas.map((q) => q.namespace),
        allocatable: show(allocatable),
        requested: show(requested),
        headroom: { cpu: (headroom.cpu < 0 ? "-" : "") + formatCpu(Math.abs(headroom.cpu)), memory: (headroom.memory < 0 ? "-" : "") + formatMemory(Math.abs(headroom.memory)), pods: headroom.pods },
        fits: headroom.cpu >= -1e-9 && headroom.memory >= 0 && headroom.pods >= 0,
    };
}

export function checkCapacity(cluster: ClusterCapacityInputs, quotas: NamespaceQuota[]): CapacityReport {
    const daemons: Amounts = {
        cpu: parseQuantity(cluster.daemonSetRequests.cpu),
        memory: parseQuantity(cluster.daemonSetRequests.memory),
        pods: cluster.daemonSetRequests.pods,
    };
    const dedicated = cluster.nodeGroups.filter((g) => g.taints.length > 0);
    const shared = cluster.nodeGroups.filter((g) => g.taints.length === 0);
    const isMonitoring = (q: NamespaceQuota) => q.namespace === cluster.monitoringNamespace && dedicated.length > 0;
    const pools = [
        poolReport(shared, quotas.filter((q) => !isMonitoring(q)), daemons),
        ...(dedicated.length ? [poolReport(dedicated, quotas.filter(isMonitoring), daemons)] : []),
    ];
    const total = (pick: (p: PoolCapacity) => { cpu: string; memory: string; pods: number }) => show(pools.reduce((sum, pool) => {
        const amounts = pick(pool);
        return { cpu: sum.cpu + parseQuantity(amounts.cpu), memory: sum.memory + parseQuantity(amounts.memory), pods: sum.pods + amounts.pods };
    }, zero()));
    return {
        allocatable: total((p) => p.allocatable),
        requested: total((p) => p.requested),
        fits: pools.every((p) => p.fits),
        pools,
        subnets: [],
    };
}

/**
 * Do the subnets hold every address the cluster may need at once? Per zone (node groups spread evenly over the
 * zones, rounding up): every node at its group's maximum with the /28 prefixes its pods and its warm prefix
 * take, inside the node subnet's prefix reservation; outside it, each node's network interfaces (one primary
 * address each) and the control plane's; in the public subnets the NAT gateways', the load balancers' and the
 * control plane's; in each tier's database subnets one address per database in every zone (a single-AZ
 * instance may be placed, restored or failed over in any zone of its group).
 */

/** AWS keeps the first four and the last address of every subnet (VPC User Guide, "Subnet CIDR blocks", read 2026-12-01). */
const AWS_RESERVED_PER_SUBNET = 5;
/** EKS asks for at least 6 and recommends 16 free addresses in each cluster subnet (EKS User Guide, "VPC and subnet requirements", read 2026-12-01). */
const CONTROL_PLANE_ADDRESSES_PER_SUBNET = 16;
const PREFIX_SIZE = 16;

export interface SubnetUse {
    subnet: string;
    cidr: string;
    /** `prefixes`: /28 blocks of the prefix reservation; `addresses`: single addresses outside it. */
    unit: "prefixes" | "addresses";
    available: number;
    needed: number;
    fits: boolean;
    /** What the need is made of, e.g. "6 nodes × 8 prefixes". */
    parts: string[];
}

export interface AddressInputs {
    network: ClusterNetwork;
    nodeGroups: NodeGroupCapacity[];
    /** The VPC CNI's WARM_PREFIX_TARGET: free prefixes each node keeps. */
    warmPrefixes: number;
    natGatewayZones: number;
    loadBalancers: number;
    /** The DB subnet group of every planned database instance. */
    databaseSubnetGroups: string[];
}

/** The prefixes and network interfaces one node of a group takes at most. */
export function perNodeAddressing(group: NodeGroupCapacity, warmPrefixes: number): { prefixes: number; interfaces: number } {
    const facts = INSTANCE_TYPES[group.instanceType as InstanceType];
    if (!facts) throw new Error(`model/instanceTypes.ts has no ${group.instanceType}`);
    const prefixesPerInterface = facts.ipv4PerEni - 1;
    const prefixes = Math.min(Math.ceil(group.maxPods / PREFIX_SIZE) + warmPrefixes, facts.maxEnis * prefixesPerInterface);
    return { prefixes, interfaces: Math.ceil(prefixes / prefixesPerInterface) };
}

const use = (subnet: string, cidr: string, unit: SubnetUse["unit"], available: number, parts: Array<[string, number]>): SubnetUse => {
    const needed = parts.reduce((sum, [, n]) => sum + n, 0);
    return { subnet, cidr, unit, available, needed, fits: needed <= available, parts: parts.filter(([, n]) => n > 0).map(([what]) => what) };
};

export function checkSubnetAddresses(inputs: AddressInputs): SubnetUse[] {
    const { network } = inputs;
    const zones = network.nodeSubnets.length;
    const perZone = inputs.nodeGroups.map((group) => ({ group, nodes: Math.ceil(group.maxSize / zones), ...perNodeAddressing(group, inputs.warmPrefixes) }));
    const controlPlane = (cidr: string): Array<[string, number]> =>
        network.controlPlaneSubnetCidrs.includes(cidr) ? [[`${CONTROL_PLANE_ADDRESSES_PER_SUBNET} for the control plane`, CONTROL_PLANE_ADDRESSES_PER_SUBNET]] : [];
    const nodeSubnets = network.nodeSubnets.flatMap((subnet) => [
        use(`nodes ${subnet.zone}`, subnet.prefixReservationCidr, "prefixes", blockSize(subnet.prefixReservationCidr) / PREFIX_SIZE,
            perZone.map((z) => [`${z.nodes} ${z.group.name} nodes × ${z.prefixes} prefixes`, z.nodes * z.prefixes])),
        use(`nodes ${subnet.zone}`, subnet.cidr, "addresses", blockSize(subnet.cidr) - blockSize(subnet.prefixReservationCidr) - AWS_RESERVED_PER_SUBNET, [
            ...perZone.map((z): [string, number] => [`${z.nodes} ${z.group.name} nodes × ${z.interfaces} interfaces`, z.nodes * z.interfaces]),
            ...controlPlane(subnet.cidr),
        ]),
    ]);
    const publicSubnets = network.publicSubnetCidrs.map((cidr, index) => use(`public ${network.nodeSubnets[index]?.zone ?? index}`, cidr, "addresses",
        blockSize(cidr) - AWS_RESERVED_PER_SUBNET, [
            [`${inputs.loadBalancers} load balancers`, inputs.loadBalancers],
            ...(index < inputs.natGatewayZones ? [["a NAT gateway", 1] as [string, number]] : []),
            ...controlPlane(cidr),
        ]));
    const databaseSubnets = Object.entries(network.databaseSubnets).flatMap(([tier, { subnetGroupName, cidrs }]) => {
        const databases = inputs.databaseSubnetGroups.filter((group) => group === subnetGroupName).length;
        return cidrs.map((cidr, index) => use(`${tier} databases ${network.nodeSubnets[index]?.zone ?? index}`, cidr, "addresses",
            blockSize(cidr) - AWS_RESERVED_PER_SUBNET, [[`${databases} databases`, databases]]));
    });
    return [...nodeSubnets, ...publicSubnets, ...databaseSubnets];
}

/** What the address check needs from the planned stacks: the cluster's network, its NAT gateways, every load balancer and database. */
export function addressInputsOf(cluster: ClusterExports, runs: StackRun[]): AddressInputs {
    const resources = runs.flatMap((run) => run.resources);
    return {
        network: cluster.network,
        nodeGroups: cluster.nodeGroups,
        warmPrefixes: Number(VPC_CNI_CONFIGURATION.env.WARM_PREFIX_TARGET),
        natGatewayZones: resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length,
        // The load balancers the cost estimate charges for are the ones that take addresses.
        loadBalancers: runs.flatMap((run) => estimateCost(run.resources).items).filter((item) => item.description === "network load balancer").length,
        databaseSubnetGroups: resources.filter((r) => r.type === "aws:rds/instance:Instance").map((r) => String(r.inputs.dbSubnetGroupName)),
    };
}
