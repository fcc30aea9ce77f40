import { expect } from "chai";
import { committedPlan, ENVIRONMENT_STACKS } from "../support/environment";
import { ofType } from "../support/resources";
import { validateKubernetesObjects } from "../../plan/kubernetesSchema";

for (const stack of ENVIRONMENT_STACKS) {
    describe(`environment ${stack}: every Kubernetes object`, () => {
        it("validates against the Kubernetes OpenAPI schema", async () => {
            const run = await committedPlan(stack);
            const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
            expect(objects.length).to.be.greaterThan(30);
            expect(await validateKubernetesObjects(run.resources)).to.deep.equal([]);
        });

        it("is created with the environment's own Kubernetes provider, built from the cluster's secret kubeconfig", async () => {
            const run = await committedPlan(stack);
            const [provider] = ofType(run, "pulumi:providers:kubernetes");
            expect(provider.maskedInputs.kubeconfig).to.equal("[secret]");
            expect(JSON.parse(provider.inputs.kubeconfig).kind).to.equal("Config");
            expect(provider.inputs.namespace).to.equal(`fintrax-${stack}`);
            for (const object of run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"))) {
                expect(object.provider, object.urn).to.equal(provider.urn);
            }
        });

        it("puts every namespaced object in the environment's namespace", async () => {
            const run = await committedPlan(stack);
            const namespaced = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.endsWith(":Namespace"));
            for (const object of namespaced) expect(object.inputs.metadata.namespace, object.urn).to.equal(`fintrax-${stack}`);
        });

        it("registers every resource under a component of ours, with its outputs", async () => {
            const run = await committedPlan(stack);
            const components = new Set(run.resources.filter((r) => !r.custom).map((r) => r.urn));
            for (const resource of run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))) {
                expect(components.has(resource.parent ?? ""), resource.urn).to.equal(true);
            }
            expect(run.secretOutputNames).to.deep.equal([]);
        });
    });
}
