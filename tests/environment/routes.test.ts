import { expect } from "chai";
import { listenerFor } from "../../components/environmentRoutes";
import { CLUSTER_FIXTURE } from "../support/clusterFixture";
import { committedPlan, planEnvironment } from "../support/environment";
import { ofKind } from "../support/resources";

const GATEWAY = CLUSTER_FIXTURE.gateway;

describe("environment routes on the shared Gateway", () => {
    it("pick the apex listener for the domain itself and the wildcard listener for a host below it", () => {
        expect(listenerFor("fintrax.example.com", GATEWAY)).to.equal("https-apex");
        expect(listenerFor("pr-42.fintrax.example.com", GATEWAY)).to.equal("https-wildcard");
        expect(listenerFor("staging.fintrax.example.com", GATEWAY)).to.equal("https-wildcard");
    });

    it("give a preview environment its host on the wildcard listener with nothing but its name", async () => {
        // The dev stack file renamed: what a `pr-42` stack created from the template holds.
        const run = await planEnvironment("dev", { "fintrax:environment": "pr-42" });
        const routes = ofKind(run, "HTTPRoute").map((r) => r.inputs);
        expect(routes).to.have.length.greaterThan(0);
        for (const route of routes) {
            expect(route.metadata.namespace).to.equal("fintrax-pr-42");
            expect(route.spec.hostnames).to.deep.equal(["pr-42.fintrax.example.com"]);
            expect(route.spec.parentRefs[0]).to.deep.include({ name: "fintrax", namespace: "envoy-gateway-system", sectionName: "https-wildcard" });
        }
        expect(run.outputs.url).to.equal("https://pr-42.fintrax.example.com");
        // The namespace carries the label the Gateway's listeners admit routes by.
        const [ns] = ofKind(run, "Namespace");
        expect(ns.inputs.metadata.labels["fintrax.io/environment"]).to.equal("pr-42");
        expect(ns.inputs.metadata.labels["fintrax.io/tier"]).to.equal("development");
    });

    it("let the deployer role manage HTTPRoutes and no Ingress", async () => {
        const run = await committedPlan("dev");
        const rules = ofKind(run, "Role").flatMap((r) => r.inputs.rules);
        expect(rules.some((rule: any) => rule.apiGroups.includes("gateway.networking.k8s.io") && rule.resources.includes("httproutes"))).to.equal(true);
        expect(rules.some((rule: any) => rule.resources.includes("ingresses"))).to.equal(false);
    });
});
