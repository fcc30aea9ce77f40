import { describeObject, effectiveNamespace, kindIn, metadataOf } from "./lib/kubernetes";
import { violation } from "./lib/messages";
import { NAMESPACE_TYPE } from "./lib/namespaces";
import type { PolicyConfigJSONSchema, ResourceValidationPolicy, StackValidationPolicy } from "./lib/types";
import { notApplicable } from "./lib/policy";

/**
 * The edge: traffic enters through the cluster's one shared Gateway (Gateway API), which admits routes from
 * environment namespaces. A route may attach to that Gateway only, lives in an environment namespace, and
 * nobody else creates a Gateway (its own load balancer) or an Ingress.
 */

const GATEWAY_GROUP = "gateway.networking.k8s.io";
const ROUTE_KINDS = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

interface EdgeConfig { gatewayName: string; gatewayNamespace: string; environmentLabel: string }

const edgeConfig: { properties: Record<string, PolicyConfigJSONSchema> } = {
    properties: {
        gatewayName: { type: "string", minLength: 1, default: "fintrax", description: "the shared Gateway's name (the cluster stack's `gateway.name` export)" },
        gatewayNamespace: { type: "string", minLength: 1, default: "envoy-gateway-system", description: "the shared Gateway's namespace" },
        environmentLabel: { type: "string", minLength: 1, default: "fintrax.io/environment", description: "the label every environment namespace carries" },
    },
};

/** Why a parentRef is not the shared Gateway, or undefined when it is. */
function foreignParent(ref: any, routeNamespace: string, config: EdgeConfig): string | undefined {
    const group = ref?.group ?? GATEWAY_GROUP;
    const kind = ref?.kind ?? "Gateway";
    if (group !== GATEWAY_GROUP || kind !== "Gateway") return `names a parent of kind ${group}/${kind}`;
    const namespace = ref?.namespace ?? routeNamespace;
    if (typeof ref?.name !== "string" || typeof namespace !== "string") return undefined; // unknown in a first preview
    return ref.name === config.gatewayName && namespace === config.gatewayNamespace ? undefined : `attaches to Gateway ${namespace}/${ref.name}`;
}

export const routeAttachment: ResourceValidationPolicy = {
    name: "k8s-route-attachment",
    description: "A Gateway API route (HTTPRoute…) attaches to the cluster's shared Gateway and to nothing else.",
    configSchema: edgeConfig,
    validateResource: (args, reportViolation) => {
        if (!kindIn(args.type, ROUTE_KINDS, [GATEWAY_GROUP])) notApplicable(args, "not a Gateway API route");
        const config = args.getConfig<EdgeConfig>();
        const fix = `attach it to Gateway ${config.gatewayNamespace}/${config.gatewayName} (parentRefs with its name and namespace)`;
        const parents = args.props.spec?.parentRefs;
        if (!Array.isArray(parents) || !parents.length) {
            reportViolation(violation(describeObject(args), "has no parentRefs", fix));
            return;
        }
        for (const problem of parents.map((ref) => foreignParent(ref, effectiveNamespace(args), config)).filter((p) => p !== undefined)) {
            reportViolation(violation(describeObject(args), problem, fix));
        }
    },
};

export const routeNamespace: StackValidationPolicy = {
    name: "k8s-route-namespace",
    description: "Gateway API routes live only in environment namespaces (created by the stack with the environment label), "
        + "or in the shared Gateway's own namespace (its HTTP→HTTPS redirect).",
    configSchema: edgeConfig,
    validateStack: (args, reportViolation) => {
        const config = args.getConfig<EdgeConfig>();
        const routes = args.resources.filter((r) => kindIn(r.type, ROUTE_KINDS, [GATEWAY_GROUP]));
        if (!routes.length) notApplicable(args, "the stack creates no Gateway API route");
        const environments = new Set(args.resources
            .filter((r) => r.type === NAMESPACE_TYPE && metadataOf(r.props).labels[config.environmentLabel] !== undefined)
            .map((r) => metadataOf(r.props).name));
        for (const route of routes) {
            const namespace = effectiveNamespace(route);
            if (namespace === config.gatewayNamespace || environments.has(namespace)) continue;
            reportViolation(violation(describeObject(route), `is in namespace ${namespace}, which is not an environment namespace of this stack`,
                `put it in the environment's namespace (a Namespace of the stack labelled ${config.environmentLabel})`), route.urn);
        }
    },
};

export const edgeObjects: ResourceValidationPolicy = {
    name: "k8s-edge-objects",
    description: "No Ingress, and no Gateway but the shared one: traffic enters through the cluster's shared Gateway only.",
    configSchema: edgeConfig,
    validateResource: (args, reportViolation) => {
        const kind = kindIn(args.type, ["Ingress"], ["networking.k8s.io", "extensions"]) ?? kindIn(args.type, ["Gateway"], [GATEWAY_GROUP]);
        if (!kind) notApplicable(args, "not an Ingress or a Gateway");
        const config = args.getConfig<EdgeConfig>();
        const fix = `route through Gateway ${config.gatewayNamespace}/${config.gatewayName} with an HTTPRoute in the environment's namespace`;
        if (kind === "Ingress") {
            reportViolation(violation(describeObject(args), "is an Ingress, which no controller of this cluster serves", fix));
            return;
        }
        const { name } = metadataOf(args.props);
        const namespace = effectiveNamespace(args);
        if (name !== undefined && (name !== config.gatewayName || namespace !== config.gatewayNamespace)) {
            reportViolation(violation(describeObject(args), "is a Gateway of its own (each gets its own load balancer)", fix));
        }
    },
};

export const gatewayPolicies = [routeAttachment, routeNamespace, edgeObjects];
