import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { appliedPlan } from "./support/applyPlan";
import { asControllersPod, core, environmentNamespaces, ofKind, podFromTemplate, refusal } from "./support/environments";
import type { Tier } from "../../model/tiers";

/** What Pod Security does to a pod that breaks `restricted` but not `baseline`, per tier (seed 000, README tiers). */
const RESTRICTED_VIOLATION: Record<Tier, "warned" | "refused"> = { development: "warned", staging: "refused", production: "refused" };

/** Within `baseline`, outside `restricted`: no security context at all (root allowed, escalation, capabilities). */
function unrestrictedPod(namespace: string, name: string): k8s.V1Pod {
    return {
        metadata: { name, namespace },
        spec: {
            automountServiceAccountToken: false,
            containers: [{ name: "app", image: "ghcr.io/fintrax/probe:1.0.0", resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } } }],
        },
    };
}

/** Outside even `baseline`: a privileged container. */
function privilegedPod(namespace: string, name: string): k8s.V1Pod {
    const pod = unrestrictedPod(namespace, name);
    pod.spec!.containers[0].securityContext = { privileged: true };
    return pod;
}

/** Create with dryRun=All: every admission plugin runs, nothing is stored, no quota is used. */
async function createDryRun(pod: k8s.V1Pod) {
    return core().createNamespacedPodWithHttpInfo({ namespace: pod.metadata!.namespace!, body: asControllersPod(pod), dryRun: "All" });
}

describe("Pod Security admission in every environment namespace", () => {
    before(async function () {
        this.timeout(300_000);
        await appliedPlan();
    });

    for (const ns of environmentNamespaces()) {
        describe(`${ns.name} (${ns.tier})`, () => {
            it("admits the project's own pods (every Deployment's template) without a warning", async () => {
                const deployments = ofKind(ns, "Deployment");
                expect(deployments.length).to.be.greaterThan(0);
                for (const deployment of deployments) {
                    const response = await createDryRun(podFromTemplate(deployment));
                    expect(response.httpStatusCode, deployment.metadata.name).to.equal(201);
                    expect(response.headers.warning, deployment.metadata.name).to.equal(undefined);
                }
            });

            const expected = RESTRICTED_VIOLATION[ns.tier];
            it(`${expected === "warned" ? "admits with a warning" : "refuses"} a pod that breaks the restricted profile`, async () => {
                const pod = unrestrictedPod(ns.name, "breaks-restricted");
                if (expected === "warned") {
                    const response = await createDryRun(pod);
                    expect(response.httpStatusCode).to.equal(201);
                    // A Warning header: `299 - "<text>"`, the text's own quotes escaped.
                    expect(response.headers.warning).to.match(/^299 - "would violate PodSecurity \\"restricted:latest\\"/);
                } else {
                    const refused = await refusal(createDryRun(pod));
                    expect(refused?.code).to.equal(403);
                    expect(refused?.message).to.match(/violates PodSecurity "restricted:latest"/);
                }
            });

            it("refuses a privileged pod", async () => {
                const refused = await refusal(createDryRun(privilegedPod(ns.name, "privileged")));
                expect(refused?.code).to.equal(403);
                expect(refused?.message).to.match(/violates PodSecurity "(baseline|restricted):latest"/);
            });
        });
    }
});
