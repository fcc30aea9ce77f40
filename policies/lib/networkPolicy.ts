import { selectsEverything } from "./selectors";

/**
 * NetworkPolicy semantics the guardrails need: which policies deny all traffic of a namespace, and which
 * egress rules reach beyond the cluster on ports outside an allowlist.
 */

/** `policyTypes` as the API server defaults it: Ingress always, Egress when the policy has egress rules. */
function policyTypesOf(spec: any): string[] {
    if (Array.isArray(spec?.policyTypes) && spec.policyTypes.length) return spec.policyTypes;
    return spec?.egress?.length ? ["Ingress", "Egress"] : ["Ingress"];
}

/** The directions (Ingress, Egress) this policy denies for every pod of its namespace: all pods, no rules. */
export function deniedDirections(spec: any): string[] {
    if (!selectsEverything(spec?.podSelector)) return [];
    const types = policyTypesOf(spec);
    return [
        ...(types.includes("Ingress") && !spec.ingress?.length ? ["Ingress"] : []),
        ...(types.includes("Egress") && !spec.egress?.length ? ["Egress"] : []),
    ];
}

/** DNS is always allowed: without it no allowlisted name resolves. */
const DNS_PORT = 53;

/** A peer is inside the cluster when it selects pods or namespaces and names no IP block. */
function inCluster(peer: any): boolean {
    return !peer?.ipBlock && (peer?.podSelector !== undefined || peer?.namespaceSelector !== undefined);
}

function describeDestination(to: any[]): string {
    const blocks = to.filter((peer) => peer?.ipBlock).map((peer) => peer.ipBlock.cidr);
    if (!to.length) return "any destination";
    return blocks.length ? `IP blocks ${blocks.join(", ")}` : "peers outside the cluster";
}

/** A numeric port (IntOrString: `443` or `"443"`), or undefined for a named or missing port. */
function numericPort(port: unknown): number | undefined {
    const value = typeof port === "string" && /^\d+$/.test(port) ? Number(port) : port;
    return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

/**
 * What is wrong with one egress rule, or undefined when it only reaches in-cluster peers or only the allowed
 * ports. A rule without `to` reaches everything; a rule without `ports` (or a port entry without a port)
 * opens every port; a port range (`endPort`) must be a single allowed port; a named port cannot be checked.
 */
export function egressRuleProblem(rule: any, allowedPorts: readonly number[]): string | undefined {
    const to: any[] = rule?.to ?? [];
    if (to.length && to.every(inCluster)) return undefined;
    const destination = describeDestination(to);
    const ports: any[] = rule?.ports ?? [];
    if (!ports.length) return `allows every port to ${destination}`;
    const allowed = [DNS_PORT, ...allowedPorts];
    const offending = ports.filter((entry) => {
        const port = numericPort(entry?.port);
        const end = entry?.endPort ?? port;
        return port === undefined || end !== port || !allowed.includes(port);
    }).map((entry) => entry?.port === undefined ? "all ports" : `${entry.port}${entry.endPort ? `-${entry.endPort}` : ""}`);
    return offending.length ? `allows port ${offending.join(", ")} to ${destination}` : undefined;
}
