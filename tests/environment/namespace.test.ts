import { expect } from "chai";
import { CLUSTER_FIXTURE } from "../support/clusterFixture";
import { committedPlan } from "../support/environment";
import { named, ofKind } from "../support/resources";
import { StackRun } from "../../plan/runtime";

const EXPECTED = {
    dev: {
        tier: "development", enforce: "baseline",
        quota: { "requests.cpu": "2", "requests.memory": "4Gi", "limits.cpu": "4", "limits.memory": "8Gi", pods: "10", "services.loadbalancers": "0", "services.nodeports": "0", "requests.storage": "10Gi", persistentvolumeclaims: "5" },
        defaultRequest: { cpu: "50m", memory: "64Mi" },
        protect: false,
    },
    staging: {
        tier: "staging", enforce: "restricted",
        quota: { "requests.cpu": "3", "requests.memory": "6Gi", "limits.cpu": "6", "limits.memory": "12Gi", pods: "15", "services.loadbalancers": "0", "services.nodeports": "0", "requests.storage": "10Gi", persistentvolumeclaims: "5" },
        defaultRequest: { cpu: "100m", memory: "128Mi" },
        protect: true,
    },
    prod: {
        tier: "production", enforce: "restricted",
        quota: { "requests.cpu": "5", "requests.memory": "8Gi", "limits.cpu": "10", "limits.memory": "16Gi", pods: "25", "services.loadbalancers": "0", "services.nodeports": "0", "requests.storage": "20Gi", persistentvolumeclaims: "5" },
        defaultRequest: { cpu: "200m", memory: "256Mi" },
        protect: true,
    },
} as const;

function policy(run: StackRun, name: string) {
    return named(ofKind(run, "NetworkPolicy"), name).inputs.spec;
}

for (const [stack, expected] of Object.entries(EXPECTED)) {
    describe(`environment ${stack}: namespace and guardrails`, () => {
        let run: StackRun;
        before(async () => { run = await committedPlan(stack); });

        it("creates namespace fintrax-<env> labelled with environment, tier and Pod Security levels", () => {
            const [namespace] = ofKind(run, "Namespace");
            const labels = namespace.inputs.metadata.labels;
            expect(namespace.inputs.metadata.name).to.equal(`fintrax-${stack}`);
            expect(labels["fintrax.io/environment"]).to.equal(stack);
            expect(labels["fintrax.io/tier"]).to.equal(expected.tier);
            expect(labels["pod-security.kubernetes.io/enforce"]).to.equal(expected.enforce);
            expect(labels["pod-security.kubernetes.io/warn"]).to.equal("restricted");
            expect(labels["pod-security.kubernetes.io/audit"]).to.equal("restricted");
            expect(namespace.protect).to.equal(expected.protect);
        });

        it("caps the namespace with the tier's quota: the worst case, no external Service, the storage budget", () => {
            const [quota] = ofKind(run, "ResourceQuota");
            expect(quota.inputs.metadata.namespace).to.equal(`fintrax-${stack}`);
            expect(quota.inputs.spec.hard).to.deep.equal(expected.quota);
        });

        it("gives containers default requests and limits through a LimitRange", () => {
            const [limitRange] = ofKind(run, "LimitRange");
            const [limits] = limitRange.inputs.spec.limits;
            expect(limits.type).to.equal("Container");
            expect(limits.defaultRequest).to.deep.equal(expected.defaultRequest);
            expect(limits.default.cpu).to.be.a("string");
            expect(limits.default.memory).to.be.a("string");
        });

        it("denies all ingress and egress by default", () => {
            expect(policy(run, "default-deny")).to.deep.equal({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        });

        it("allows DNS to kube-system, its own pods, the gateway's proxies and Prometheus", () => {
            const dns = policy(run, "allow-dns").egress[0];
            expect(dns.to[0].namespaceSelector.matchLabels).to.deep.equal({ "kubernetes.io/metadata.name": "kube-system" });
            expect(dns.ports.map((p: { port: number }) => p.port)).to.deep.equal([53, 53]);
            const same = policy(run, "allow-same-namespace");
            expect(same.ingress).to.deep.equal([{ from: [{ podSelector: {} }] }]);
            expect(same.egress).to.deep.equal([{ to: [{ podSelector: {} }] }]);
            const fromIngress = policy(run, "allow-from-ingress-controller");
            expect(fromIngress.podSelector.matchLabels).to.deep.equal({ "fintrax.io/exposed": "true" });
            expect(fromIngress.ingress[0].from[0].namespaceSelector.matchLabels).to.deep.equal({ "kubernetes.io/metadata.name": "envoy-gateway-system" });
            const scrape = policy(run, "allow-monitoring-scrape");
            expect(scrape.ingress[0].from[0].namespaceSelector.matchLabels).to.deep.equal({ "kubernetes.io/metadata.name": "monitoring" });
        });
    });
}

describe("environment egress by tier", () => {
    it("development reaches anything outside the VPC, the Services and the instance metadata service", async () => {
        const run = await committedPlan("dev");
        const egress = policy(run, "allow-egress-internet").egress;
        expect(egress).to.deep.equal([{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16", "172.20.0.0/16", "169.254.169.254/32"] } }] }]);
    });

    for (const stack of ["staging", "prod"]) {
        it(`${stack} egress reaches only DNS (53), HTTPS (443) and PostgreSQL (5432) outside its namespace`, async () => {
            const run = await committedPlan(stack);
            const ports = new Set<number>();
            for (const netpol of ofKind(run, "NetworkPolicy")) {
                for (const rule of netpol.inputs.spec.egress ?? []) {
                    const inCluster = (rule.to ?? []).every((peer: object) => !("ipBlock" in peer));
                    if (inCluster && !rule.ports) {
                        // Only peers inside the namespace may be reached on any port.
                        expect(rule.to).to.deep.equal([{ podSelector: {} }]);
                        continue;
                    }
                    expect(rule.ports?.length ?? 0, `${netpol.name} must name ports`).to.be.greaterThan(0);
                    rule.ports.forEach((p: { port: number }) => ports.add(p.port));
                }
            }
            expect([...ports].sort((a, b) => a - b)).to.deep.equal([53, 443, 5432]);
            const tier = stack === "prod" ? "production" : "staging";
            expect(policy(run, "allow-egress-postgres").egress[0].to).to.deep.equal(
                CLUSTER_FIXTURE.network.databaseSubnets[tier].cidrs.map((cidr) => ({ ipBlock: { cidr } })));
            expect(ofKind(run, "NetworkPolicy").map((n) => n.inputs.metadata.name)).not.to.include("allow-egress-internet");
        });
    }
});
