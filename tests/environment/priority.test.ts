import { expect } from "chai";
import { committedPlan, planEnvironment, ENVIRONMENT_STACKS } from "../support/environment";
import { named, ofKind } from "../support/resources";
import { CLUSTER_FIXTURE } from "../support/clusterFixture";

const classOf = (deployment: { inputs: any }) => deployment.inputs.spec.template.spec.priorityClassName;

describe("environment services: priority classes from the cluster", () => {
    for (const stack of ENVIRONMENT_STACKS) {
        it(`${stack}: every default service runs at the cluster's standard class`, async () => {
            const deployments = ofKind(await committedPlan(stack), "Deployment");
            expect(deployments.map(classOf)).to.deep.equal(deployments.map(() => CLUSTER_FIXTURE.priorityClasses.standard));
        });
    }

    it("prod: a service marked critical gets the cluster's critical class, the others standard", async () => {
        const run = await planEnvironment("prod", {
            "fintrax:services": [
                { name: "payments", image: "ghcr.io/fintrax/payments:1.0.0", port: 8080, path: "/api/payments", priority: "critical", replicas: { min: 3, max: 4 } },
                { name: "reports", image: "ghcr.io/fintrax/reports:1.0.0", port: 8080, priority: "standard", replicas: { min: 3, max: 4 } },
            ],
        });
        expect(classOf(named(ofKind(run, "Deployment"), "payments"))).to.equal(CLUSTER_FIXTURE.priorityClasses.critical);
        expect(classOf(named(ofKind(run, "Deployment"), "reports"))).to.equal(CLUSTER_FIXTURE.priorityClasses.standard);
    });
});
