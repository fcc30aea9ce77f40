import { expect } from "chai";
import { CLUSTER_FIXTURE } from "../support/clusterFixture";
import { committedClusterPlan } from "../cluster/support";

/** The environment tests run against a fixture; this keeps the fixture honest about the real exports. */
describe("environment tests' cluster fixture", () => {
    it("has the keys and the non-generated values of the cluster program's exports", async () => {
        const run = await committedClusterPlan();
        const real = run.outputs as Record<string, unknown>;
        expect(Object.keys(CLUSTER_FIXTURE).sort()).to.deep.equal(Object.keys(real).sort());
        const generated = /^(vpc|subnet|sg)-|^arn:|oidc\.eks\./;
        for (const [key, value] of Object.entries(CLUSTER_FIXTURE)) {
            if (key === "kubeconfig" || generated.test(JSON.stringify(value).replace(/^\["?|^"/, ""))) continue;
            expect(value, key).to.deep.equal(real[key]);
        }
        expect(run.secretOutputNames).to.deep.equal(["kubeconfig"]);
    });
});
