import { expect } from "chai";
import fc from "fast-check";
import {
    inIpBlock, NetworkPolicy, NetworkPolicyEvaluator, Pod, selects,
} from "../support/networkPolicyEvaluator";

const NAMESPACES = [{ name: "a", labels: { team: "red" } }, { name: "b", labels: { team: "blue" } }, { name: "c" }];
const web: Pod = { namespace: "a", labels: { app: "web" }, ip: "10.1.0.10", ports: [{ name: "http", containerPort: 8080 }] };
const api: Pod = { namespace: "a", labels: { app: "api" }, ip: "10.1.0.11", ports: [{ name: "http", containerPort: 9090 }, { name: "dns", containerPort: 53, protocol: "UDP" }] };
const other: Pod = { namespace: "b", labels: { app: "web" }, ip: "10.1.0.20", ports: [{ name: "http", containerPort: 8080 }] };
const third: Pod = { namespace: "c", labels: { app: "db" }, ip: "10.1.0.30" };
const outside = { ip: "203.0.113.7" };

const policy = (namespace: string, spec: NetworkPolicy["spec"], name = "p"): NetworkPolicy => ({ metadata: { namespace, name }, spec });
const evaluator = (...policies: NetworkPolicy[]) => new NetworkPolicyEvaluator(policies, NAMESPACES);
const denyAll = (namespace: string) => policy(namespace, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, "deny");

describe("NetworkPolicy evaluator: isolation", () => {
    it("allows everything when no policy selects a pod", () => {
        const e = evaluator(policy("a", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress", "Egress"] }));
        expect(e.allows({ from: web, to: outside, port: 443 })).to.equal(true);
        expect(e.allows({ from: other, to: web, port: 8080 })).to.equal(true);
        expect(e.allows({ from: web, to: api, port: 9090 })).to.equal(false);
    });

    it("defaults policyTypes as the API server does: Ingress always, Egress only with egress rules", () => {
        const ingressOnly = evaluator(policy("a", { podSelector: {} }));
        expect(ingressOnly.allows({ from: web, to: outside, port: 443 })).to.equal(true);
        expect(ingressOnly.allows({ from: other, to: web, port: 8080 })).to.equal(false);
        const withEgress = evaluator(policy("a", { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "198.51.100.0/24" } }] }] }));
        expect(withEgress.allows({ from: web, to: outside, port: 443 })).to.equal(false);
        expect(withEgress.allows({ from: web, to: { ip: "198.51.100.1" }, port: 443 })).to.equal(true);
    });

    it("allows what any rule of any selecting policy allows (the union)", () => {
        const e = evaluator(
            denyAll("a"),
            policy("a", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 443 }] }] }, "https"),
            policy("a", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"], egress: [{ ports: [{ port: 5432 }] }] }, "pg"),
        );
        expect(e.egressAllowed({ from: web, to: outside, port: 443 })).to.equal(true);
        expect(e.egressAllowed({ from: web, to: outside, port: 5432 })).to.equal(false);
        expect(e.egressAllowed({ from: api, to: outside, port: 5432 })).to.equal(true);
    });

    it("needs the source's egress and the destination's ingress", () => {
        const egressFromA = policy("a", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] }, "out");
        expect(evaluator(egressFromA, denyAll("b")).allows({ from: web, to: other, port: 8080 })).to.equal(false);
        const ingressToB = policy("b", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "red" } } }] }] }, "in");
        expect(evaluator(egressFromA, denyAll("b"), ingressToB).allows({ from: web, to: other, port: 8080 })).to.equal(true);
        expect(evaluator(denyAll("a"), ingressToB).allows({ from: web, to: other, port: 8080 })).to.equal(false);
    });

    it("denies everything in a direction whose policies have no rules", () => {
        const e = evaluator(denyAll("a"));
        expect(e.allows({ from: web, to: api, port: 9090 })).to.equal(false);
        expect(e.allows({ from: other, to: web, port: 8080 })).to.equal(false);
        expect(e.allows({ from: web, to: outside, port: 443 })).to.equal(false);
    });
});

describe("NetworkPolicy evaluator: peers", () => {
    const egress = (to: NetworkPolicy["spec"]["egress"]) => evaluator(denyAll("a"), policy("a", { podSelector: {}, policyTypes: ["Egress"], egress: to }, "allow"));

    it("a podSelector alone selects pods of the policy's own namespace", () => {
        const e = egress([{ to: [{ podSelector: { matchLabels: { app: "web" } } }] }]);
        expect(e.egressAllowed({ from: api, to: web, port: 8080 })).to.equal(true);
        expect(e.egressAllowed({ from: api, to: other, port: 8080 })).to.equal(false);
    });

    it("an empty podSelector selects every pod of the namespace, an empty namespaceSelector every namespace", () => {
        expect(egress([{ to: [{ podSelector: {} }] }]).egressAllowed({ from: web, to: third, port: 1 })).to.equal(false);
        expect(egress([{ to: [{ podSelector: {} }] }]).egressAllowed({ from: web, to: api, port: 1 })).to.equal(true);
        expect(egress([{ to: [{ namespaceSelector: {} }] }]).egressAllowed({ from: web, to: third, port: 1 })).to.equal(true);
        expect(egress([{ to: [{ namespaceSelector: {} }] }]).egressAllowed({ from: web, to: outside, port: 1 })).to.equal(false);
    });

    it("namespaceSelector and podSelector in one peer are ANDed, in two peers ORed", () => {
        const both = egress([{ to: [{ namespaceSelector: { matchLabels: { team: "blue" } }, podSelector: { matchLabels: { app: "db" } } }] }]);
        expect(both.egressAllowed({ from: web, to: other, port: 1 })).to.equal(false);
        expect(both.egressAllowed({ from: web, to: third, port: 1 })).to.equal(false);
        const either = egress([{ to: [{ namespaceSelector: { matchLabels: { team: "blue" } } }, { podSelector: { matchLabels: { app: "db" } } }] }]);
        expect(either.egressAllowed({ from: web, to: other, port: 1 })).to.equal(true);
        // The podSelector peer alone means the policy's own namespace: c's db pod is not in a.
        expect(either.egressAllowed({ from: web, to: third, port: 1 })).to.equal(false);
    });

    it("selects namespaces by their automatic kubernetes.io/metadata.name label", () => {
        const e = egress([{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "c" } } }] }]);
        expect(e.egressAllowed({ from: web, to: third, port: 1 })).to.equal(true);
        expect(e.egressAllowed({ from: web, to: other, port: 1 })).to.equal(false);
    });

    it("matches ipBlocks by address, less their exceptions, pods included", () => {
        const e = egress([{ to: [{ ipBlock: { cidr: "10.1.0.0/16", except: ["10.1.0.20/32"] } }] }]);
        expect(e.egressAllowed({ from: web, to: third, port: 1 })).to.equal(true);
        expect(e.egressAllowed({ from: web, to: other, port: 1 })).to.equal(false);
        expect(e.egressAllowed({ from: web, to: outside, port: 1 })).to.equal(false);
    });
});

describe("NetworkPolicy evaluator: ports", () => {
    const egressPorts = (ports: NonNullable<NetworkPolicy["spec"]["egress"]>[number]["ports"]) =>
        evaluator(denyAll("a"), policy("a", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports }] }, "allow"));

    it("takes TCP when no protocol is named, and tells protocols apart", () => {
        const e = egressPorts([{ port: 53 }]);
        expect(e.egressAllowed({ from: web, to: outside, port: 53 })).to.equal(true);
        expect(e.egressAllowed({ from: web, to: outside, port: 53, protocol: "UDP" })).to.equal(false);
        expect(egressPorts([{ protocol: "UDP" }]).egressAllowed({ from: web, to: outside, port: 9999, protocol: "UDP" })).to.equal(true);
        expect(egressPorts([{ protocol: "UDP" }]).egressAllowed({ from: web, to: outside, port: 9999 })).to.equal(false);
    });

    it("resolves a named port against the destination pod's container ports", () => {
        const e = egressPorts([{ port: "http" }]);
        expect(e.egressAllowed({ from: web, to: api, port: 9090 })).to.equal(true);
        expect(e.egressAllowed({ from: web, to: api, port: 8080 })).to.equal(false);
        // An address has no named ports.
        expect(e.egressAllowed({ from: web, to: outside, port: 8080 })).to.equal(false);
        const dns = egressPorts([{ protocol: "UDP", port: "dns" }]);
        expect(dns.egressAllowed({ from: web, to: api, port: 53, protocol: "UDP" })).to.equal(true);
        expect(dns.egressAllowed({ from: web, to: api, port: 53 })).to.equal(false);
    });

    it("resolves a named port on ingress against the pod being reached", () => {
        const e = evaluator(policy("a", { podSelector: {}, ingress: [{ ports: [{ port: "http" }] }] }));
        expect(e.ingressAllowed({ from: other, to: web, port: 8080 })).to.equal(true);
        expect(e.ingressAllowed({ from: other, to: api, port: 8080 })).to.equal(false);
    });

    it("covers port to endPort inclusive", () => {
        const e = egressPorts([{ port: 32000, endPort: 32768 }]);
        expect([31999, 32000, 32500, 32768, 32769].map((port) => e.egressAllowed({ from: web, to: outside, port }))).to.deep.equal([false, true, true, true, false]);
    });
});

describe("NetworkPolicy evaluator: properties", () => {
    const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
    const asNumber = (o: number[]) => o.reduce((acc, x) => acc * 256 + x, 0);
    const asIp = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

    it("a block holds exactly the addresses that share its prefix", () => {
        fc.assert(fc.property(octets, octets, fc.integer({ min: 0, max: 32 }), (network, address, bits) => {
            const size = 2 ** (32 - bits);
            const base = asNumber(network) - (asNumber(network) % size);
            const cidr = `${asIp(base)}/${bits}`;
            const n = asNumber(address);
            expect(inIpBlock({ cidr }, asIp(n))).to.equal(n >= base && n < base + size);
        }));
    });

    it("an exception removes exactly its own addresses", () => {
        fc.assert(fc.property(octets, fc.integer({ min: 8, max: 24 }), fc.integer({ min: 1, max: 8 }), fc.nat(), (network, bits, extra, pick) => {
            const size = 2 ** (32 - bits);
            const base = asNumber(network) - (asNumber(network) % size);
            const exceptSize = size / 2 ** extra;
            const exceptBase = base + (pick % 2 ** extra) * exceptSize;
            const block = { cidr: `${asIp(base)}/${bits}`, except: [`${asIp(exceptBase)}/${bits + extra}`] };
            const probe = base + (pick % size);
            expect(inIpBlock(block, asIp(probe))).to.equal(probe < exceptBase || probe >= exceptBase + exceptSize);
        }));
    });

    const labels = fc.dictionary(fc.constantFrom("app", "tier", "team"), fc.constantFrom("x", "y", "z"));

    it("matchLabels {k: v} selects what matchExpressions [k In [v]] selects; NotIn and DoesNotExist are their complements", () => {
        fc.assert(fc.property(labels, fc.constantFrom("app", "tier", "team"), fc.constantFrom("x", "y", "z"), (podLabels, key, value) => {
            const byLabel = selects({ matchLabels: { [key]: value } }, podLabels);
            expect(selects({ matchExpressions: [{ key, operator: "In", values: [value] }] }, podLabels)).to.equal(byLabel);
            expect(selects({ matchExpressions: [{ key, operator: "NotIn", values: [value] }] }, podLabels)).to.equal(!byLabel);
            expect(selects({ matchExpressions: [{ key, operator: "DoesNotExist" }] }, podLabels))
                .to.equal(!selects({ matchExpressions: [{ key, operator: "Exists" }] }, podLabels));
            expect(selects({}, podLabels)).to.equal(true);
        }));
    });

    it("once a pod is isolated, another policy never takes away what was allowed", () => {
        const rule = fc.record({ port: fc.integer({ min: 1, max: 6 }) });
        fc.assert(fc.property(fc.array(rule, { maxLength: 3 }), fc.array(rule, { maxLength: 3 }), fc.integer({ min: 1, max: 6 }), (first, second, port) => {
            const base = policy("a", { podSelector: {}, policyTypes: ["Egress"], egress: first.map((p) => ({ ports: [p] })) }, "one");
            const more = policy("a", { podSelector: {}, policyTypes: ["Egress"], egress: second.map((p) => ({ ports: [p] })) }, "two");
            const before = evaluator(base).egressAllowed({ from: web, to: outside, port });
            const after = evaluator(base, more).egressAllowed({ from: web, to: outside, port });
            expect(!before || after).to.equal(true);
            expect(after).to.equal([...first, ...second].some((p) => p.port === port));
        }));
    });
});
