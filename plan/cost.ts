import prices = require("./prices.json");
import type { PlannedResource } from "./runtime";

/**
 * A monthly estimate of what a stack's resources cost to run, from the dated list prices in prices.json:
 * the EKS control plane, nodes at their desired size (spot at a fraction of on-demand), their volumes, NAT
 * gateways and their addresses, load balancers, databases and KMS keys. Traffic and requests are left out:
 * they depend on use, not on the plan.
 */

export interface CostItem { urn: string; description: string; monthlyUsd: number }
/** A resource the table has no price for: planned all the same, its cost unknown and left out of the total. */
export interface UnpricedItem { urn: string; reason: string }
export interface StackCost { monthlyUsd: number; items: CostItem[]; unpriced: UnpricedItem[]; asOf: string; region: string }

type Priced = (resource: PlannedResource, all: PlannedResource[]) => Omit<CostItem, "urn"> | Omit<CostItem, "urn">[] | undefined;

const perMonth = (hourly: number) => hourly * prices.hoursPerMonth;
const round = (usd: number) => Math.round(usd * 100) / 100;

class MissingPrice extends Error {}

function hourlyPrice(table: Record<string, number>, key: string, what: string): number {
    const price = table[key];
    if (price === undefined) throw new MissingPrice(`plan/prices.json has no price for ${what} ${key}`);
    return price;
}

/**
 * The launch template a node group takes its `launchTemplate` from, if our code created it: found by that input's
 * dependencies, which a first preview knows even though the template's id is not known yet.
 */
function launchTemplateOf(nodeGroup: PlannedResource, all: PlannedResource[]): PlannedResource | undefined {
    const from = new Set(nodeGroup.propertyDependencies?.launchTemplate ?? []);
    return all.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate" && from.has(r.urn));
}

const nodeGroup: Priced = (resource, all) => {
    const template = launchTemplateOf(resource, all);
    const desired = Number(resource.inputs.scalingConfig?.desiredSize ?? 0);
    const instanceType = String(resource.inputs.instanceTypes?.[0] ?? template?.inputs.instanceType ?? "");
    const spot = resource.inputs.capacityType === "SPOT";
    const hourly = hourlyPrice(prices.ec2PerHour, instanceType, "EC2 instance type") * (spot ? prices.spotPriceFraction : 1);
    const diskGb = Number(template?.inputs.blockDeviceMappings?.[0]?.ebs?.volumeSize ?? resource.inputs.diskSize ?? 20);
    return [
        { description: `${desired} × ${instanceType}${spot ? " (spot)" : ""} nodes`, monthlyUsd: desired * perMonth(hourly) },
        { description: `${desired} × ${diskGb} GB gp3 node volumes`, monthlyUsd: desired * diskGb * prices.ebsGp3PerGbMonth },
    ];
};

const database: Priced = (resource) => {
    const copies = resource.inputs.multiAz ? 2 : 1;
    const instanceClass = String(resource.inputs.instanceClass);
    const storage = Number(resource.inputs.allocatedStorage ?? 20);
    return [
        { description: `PostgreSQL ${instanceClass}${copies > 1 ? " Multi-AZ" : ""}`, monthlyUsd: copies * perMonth(hourlyPrice(prices.rdsPostgresPerHour, instanceClass, "RDS class")) },
        { description: `${storage} GB database storage${copies > 1 ? " (two copies)" : ""}`, monthlyUsd: copies * storage * prices.rdsGp3PerGbMonth },
    ];
};

function isLoadBalancerService(resource: PlannedResource): boolean {
    return resource.type === "kubernetes:core/v1:Service" && resource.inputs.spec?.type === "LoadBalancer";
}

/** A Helm release whose values ask for a LoadBalancer Service (a controller behind an NLB) gets one. */
function releasesLoadBalancer(resource: PlannedResource): boolean {
    if (resource.type !== "kubernetes:helm.sh/v3:Release") return false;
    const values = resource.inputs.values ?? {};
    return values.controller?.service?.type === "LoadBalancer" || values.service?.type === "LoadBalancer";
}

/**
 * Envoy Gateway gives every Gateway its own Envoy Service, of type LoadBalancer unless the default
 * EnvoyProxy (the chart's `config.envoyGateway.envoyProxy`) says otherwise: the NLB is created by the
 * controller, so the plan sees the Gateway, not the Service.
 */
function gatewayLoadBalancer(resource: PlannedResource, resources: PlannedResource[]): boolean {
    if (resource.type !== "kubernetes:gateway.networking.k8s.io/v1:Gateway") return false;
    const envoyService = resources
        .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
        .map((r) => r.inputs.values?.config?.envoyGateway?.envoyProxy?.provider?.kubernetes?.envoyService)
        .find((service) => service !== undefined);
    return (envoyService?.type ?? "LoadBalancer") === "LoadBalancer";
}

const PRICED: Record<string, Priced> = {
    "eks:index:Cluster": () => ({ description: "EKS control plane", monthlyUsd: perMonth(prices.eksControlPlanePerHour) }),
    "aws:eks/cluster:Cluster": () => ({ description: "EKS control plane", monthlyUsd: perMonth(prices.eksControlPlanePerHour) }),
    "eks:index:ManagedNodeGroup": nodeGroup,
    "aws:eks/nodeGroup:NodeGroup": nodeGroup,
    "aws:ec2/natGateway:NatGateway": () => ({ description: "NAT gateway", monthlyUsd: perMonth(prices.natGatewayPerHour) }),
    "aws:ec2/eip:Eip": () => ({ description: "public IPv4 address", monthlyUsd: perMonth(prices.publicIpv4PerHour) }),
    "aws:rds/instance:Instance": database,
    "aws:kms/key:Key": () => ({ description: "KMS key", monthlyUsd: prices.kmsKeyPerMonth }),
    "aws:ebs/volume:Volume": (resource) => ({
        description: `${resource.inputs.size} GB EBS volume`, monthlyUsd: Number(resource.inputs.size ?? 0) * prices.ebsGp3PerGbMonth,
    }),
};

export function estimateCost(resources: PlannedResource[]): StackCost {
    const items: CostItem[] = [];
    const unpriced: UnpricedItem[] = [];
    for (const resource of resources) {
        const priced = PRICED[resource.type];
        let found: ReturnType<Priced>;
        try {
            found = priced ? priced(resource, resources) : isLoadBalancerService(resource) || releasesLoadBalancer(resource) || gatewayLoadBalancer(resource, resources)
                ? { description: "network load balancer", monthlyUsd: perMonth(prices.networkLoadBalancerPerHour) }
                : undefined;
        } catch (error) {
            if (!(error instanceof MissingPrice)) throw error;
            unpriced.push({ urn: resource.urn, reason: error.message });
            continue;
        }
        for (const item of [found ?? []].flat()) items.push({ urn: resource.urn, ...item, monthlyUsd: round(item.monthlyUsd) });
    }
    return { monthlyUsd: round(items.reduce((sum, item) => sum + item.monthlyUsd, 0)), items, unpriced, asOf: prices.asOf, region: prices.region };
}

/** The warning for each resource whose cost is unknown. */
export function unpricedWarnings(cost: StackCost): string[] {
    return cost.unpriced.map((item) => `cost: ${item.reason}, so the cost of ${item.urn} is unknown and left out of the total (add it to plan/prices.json)`);
}
