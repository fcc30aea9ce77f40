import { expect } from "chai";
import { committedPlan, planEnvironment } from "../support/environment";
import { named, ofKind } from "../support/resources";
import { StackRun } from "../../plan/runtime";

const SERVICES = { frontend: "/", auth: "/api/auth", transactions: "/api/transactions", categories: "/api/categories", analytics: "/api/analytics" };

const TIERS = {
    dev: { replicas: { min: 1, max: 2 }, requests: { cpu: "50m", memory: "64Mi" }, pdb: false, spread: false, rollout: { maxSurge: 0, maxUnavailable: 1 }, host: "dev.fintrax.example.com" },
    staging: { replicas: { min: 2, max: 3 }, requests: { cpu: "100m", memory: "128Mi" }, pdb: true, spread: false, rollout: { maxSurge: 0, maxUnavailable: 1 }, host: "staging.fintrax.example.com" },
    prod: { replicas: { min: 3, max: 4 }, requests: { cpu: "200m", memory: "256Mi" }, pdb: true, spread: true, rollout: { maxSurge: 1, maxUnavailable: 0 }, host: "fintrax.example.com" },
} as const;

for (const [stack, tier] of Object.entries(TIERS)) {
    describe(`environment ${stack}: the five Fintrax services`, () => {
        let run: StackRun;
        before(async () => { run = await committedPlan(stack); });

        for (const [service, path] of Object.entries(SERVICES)) {
            it(`${service}: hardened Deployment with probes, pinned image and the tier's resources`, () => {
                const deployment = named(ofKind(run, "Deployment"), service);
                const spec = deployment.inputs.spec;
                const pod = spec.template.spec;
                const [container] = pod.containers;
                expect(deployment.inputs.metadata.namespace).to.equal(`fintrax-${stack}`);
                expect(spec.replicas).to.equal(tier.replicas.min);
                expect(spec.strategy.rollingUpdate).to.deep.equal(tier.rollout);
                expect(container.image).to.match(/^ghcr\.io\/fintrax\/[a-z]+:\d+\.\d+\.\d+$/);
                expect(container.resources.requests).to.deep.equal(tier.requests);
                expect(container.resources.limits.memory).to.be.a("string");
                expect(pod.securityContext).to.include({ runAsNonRoot: true });
                expect(pod.securityContext.seccompProfile).to.deep.equal({ type: "RuntimeDefault" });
                expect(pod.automountServiceAccountToken).to.equal(false);
                expect(pod.serviceAccountName).to.equal(service);
                expect(container.securityContext).to.deep.include({
                    allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] },
                });
                // A writable /tmp, and the RDS CA bundle the database URL's sslrootcert names (read-only).
                expect(container.volumeMounts).to.deep.equal([{ name: "tmp", mountPath: "/tmp" }, { name: "config-0", mountPath: "/etc/fintrax/rds", readOnly: true }]);
                expect(pod.volumes[0]).to.deep.include({ name: "tmp" });
                expect(container.readinessProbe.httpGet.port).to.equal("http");
                expect(container.livenessProbe.httpGet.port).to.equal("http");
                expect(spec.template.metadata.labels["fintrax.io/exposed"]).to.equal(path ? "true" : undefined);
                if (tier.spread) {
                    expect(pod.topologySpreadConstraints[0]).to.deep.include({ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" });
                } else {
                    expect(pod.topologySpreadConstraints).to.equal(undefined);
                }
            });

            it(`${service}: ClusterIP Service, token-less ServiceAccount, autoscaler ${tier.replicas.min}-${tier.replicas.max}${tier.pdb ? ", PDB" : ""}`, () => {
                const selector = named(ofKind(run, "Deployment"), service).inputs.spec.selector.matchLabels;
                const svc = named(ofKind(run, "Service"), service).inputs.spec;
                expect(svc.type).to.equal("ClusterIP");
                expect(svc.selector).to.deep.equal(selector);
                expect(named(ofKind(run, "ServiceAccount"), service).inputs.automountServiceAccountToken).to.equal(false);
                const hpa = named(ofKind(run, "HorizontalPodAutoscaler"), service).inputs;
                expect(hpa.apiVersion).to.equal("autoscaling/v2");
                expect(hpa.spec.scaleTargetRef).to.deep.equal({ apiVersion: "apps/v1", kind: "Deployment", name: service });
                expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).to.deep.equal([tier.replicas.min, tier.replicas.max]);
                expect(hpa.spec.metrics[0].resource.name).to.equal("cpu");
                const pdbs = ofKind(run, "PodDisruptionBudget").filter((p) => p.inputs.metadata.name === service);
                expect(pdbs).to.have.length(tier.pdb ? 1 : 0);
                if (tier.pdb) {
                    expect(pdbs[0].inputs.spec).to.deep.equal({ maxUnavailable: 1, selector: { matchLabels: selector } });
                }
            });
        }

        it(`routes ${tier.host} through the shared Gateway, an HTTPRoute per service`, () => {
            const routes = ofKind(run, "HTTPRoute").map((r) => r.inputs);
            const listener = tier.host === "fintrax.example.com" ? "https-apex" : "https-wildcard";
            for (const route of routes) {
                expect(route.apiVersion).to.equal("gateway.networking.k8s.io/v1");
                expect(route.spec.hostnames).to.deep.equal([tier.host]);
                expect(route.spec.parentRefs).to.deep.equal([{
                    group: "gateway.networking.k8s.io", kind: "Gateway", name: "fintrax", namespace: "envoy-gateway-system", sectionName: listener,
                }]);
            }
            const paths = Object.fromEntries(routes.map((r) => [r.spec.rules[0].matches[0].path.value, r.spec.rules[0].backendRefs[0].name]));
            expect(paths).to.deep.equal(Object.fromEntries(Object.entries(SERVICES).map(([name, path]) => [path, name])));
            expect(ofKind(run, "Ingress")).to.have.length(0);
            expect(run.outputs.url).to.equal(`https://${tier.host}`);
        });
    });
}

describe("environment services from config", () => {
    it("keeps a service without a path off the Gateway and away from its proxies", async () => {
        const run = await planEnvironment("dev", {
            "fintrax:services": [
                { name: "web", image: "ghcr.io/fintrax/web:2.0.0", port: 8080, path: "/" },
                { name: "worker", image: "ghcr.io/fintrax/worker:2.0.0", port: 9000, env: { QUEUE: "payments" } },
            ],
        });
        const worker = named(ofKind(run, "Deployment"), "worker").inputs.spec.template;
        expect(worker.metadata.labels["fintrax.io/exposed"]).to.equal(undefined);
        expect(worker.spec.containers[0].ports[0].containerPort).to.equal(9000);
        expect(worker.spec.containers[0].env).to.deep.include({ name: "QUEUE", value: "payments" });
        const routes = ofKind(run, "HTTPRoute").map((r) => r.inputs);
        expect(routes.map((r) => r.spec.rules[0].backendRefs[0].name)).to.deep.equal(["web"]);
    });

    it("creates no route when no service has a path", async () => {
        const run = await planEnvironment("dev", {
            "fintrax:services": [{ name: "worker", image: "ghcr.io/fintrax/worker:2.0.0", port: 9000 }],
        });
        expect(ofKind(run, "HTTPRoute")).to.have.length(0);
        expect(run.outputs.url).to.equal(null);
    });
});
