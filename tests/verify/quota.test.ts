import { expect } from "chai";
import type * as k8s from "@kubernetes/client-node";
import { parseQuantity } from "../../model/quantity";
import type { KubeObject } from "../../verify/planObjects";
import { appliedPlan } from "./support/applyPlan";
import {
    cloneNamespace, core, deleteNamespace, environmentNamespaces, ofKind, podFromTemplate, refusal, type PlannedNamespace,
} from "./support/environments";

type Hard = Record<string, string>;
const RESOURCE_KEYS = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] as const;

function hardOf(ns: PlannedNamespace): Hard {
    const quotas = ofKind(ns, "ResourceQuota");
    expect(quotas, `${ns.name} has one ResourceQuota`).to.have.length(1);
    return (quotas[0].spec as { hard: Hard }).hard;
}

/** A pod's requests and limits summed over its containers, in base units, keyed as a quota keys them. */
function podUsage(pod: k8s.V1Pod): Record<string, number> {
    const usage: Record<string, number> = { pods: 1 };
    for (const container of pod.spec?.containers ?? []) {
        for (const key of RESOURCE_KEYS) {
            const [kind, resource] = key.split(".") as ["requests" | "limits", string];
            usage[key] = (usage[key] ?? 0) + parseQuantity(container.resources?.[kind]?.[resource] ?? 0);
        }
    }
    return usage;
}

/** How many pods like this one the quota holds: the first of its limits they reach. */
function podsTheQuotaHolds(hard: Hard, pod: k8s.V1Pod): number {
    const usage = podUsage(pod);
    return Math.min(...Object.entries(usage)
        .filter(([key, used]) => hard[key] !== undefined && used > 0)
        .map(([key, used]) => Math.floor(parseQuantity(hard[key]) / used + 1e-9)));
}

/** The most pods a Deployment runs: its autoscaler's maximum (or its replicas) plus the rollout's surge. */
function worstCasePods(ns: PlannedNamespace, deployment: KubeObject): number {
    const spec = deployment.spec as { replicas?: number; strategy?: { rollingUpdate?: { maxSurge?: number | string } } };
    const hpa = ofKind(ns, "HorizontalPodAutoscaler")
        .find((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === deployment.metadata.name);
    const max = (hpa?.spec as { maxReplicas?: number } | undefined)?.maxReplicas ?? spec.replicas ?? 1;
    // Kubernetes' default maxSurge is 25 %, rounded up.
    const surge = spec.strategy?.rollingUpdate?.maxSurge ?? "25%";
    const surgePods = typeof surge === "number" ? surge : Math.ceil((max * parseFloat(surge)) / 100);
    return max + surgePods;
}

function createPod(pod: k8s.V1Pod, namespace: string, name: string) {
    return core().createNamespacedPod({ namespace, body: { ...pod, metadata: { ...pod.metadata, name, namespace } } });
}

describe("quotas and limit ranges of every environment namespace, enforced by the API server", () => {
    before(async function () {
        this.timeout(300_000);
        await appliedPlan();
    });

    for (const ns of environmentNamespaces()) {
        describe(`${ns.name} (${ns.tier})`, () => {
            // A namespace of its own per test: a deleted one stays Terminating for a while.
            let scratch = "";
            let count = 0;
            beforeEach(async function () {
                this.timeout(60_000);
                scratch = `verify-quota-${ns.name}-${count++}`;
                // Without the tier label the admission policies' bindings leave the copy alone (they have their own
                // suite): what refuses here is the quota, and what fills in resources the limit range.
                await cloneNamespace(ns, scratch, undefined, ["fintrax.io/tier"]);
            });
            afterEach(async () => deleteNamespace(scratch));

            it("gives a container without resources the LimitRange's default requests and limits", async () => {
                const limitRange = ofKind(ns, "LimitRange")[0];
                const defaults = (limitRange.spec as { limits: { type: string; default: Hard; defaultRequest: Hard }[] }).limits
                    .find((l) => l.type === "Container")!;
                const pod = podFromTemplate(ofKind(ns, "Deployment")[0]);
                for (const container of pod.spec!.containers) delete container.resources;
                const created = await core().createNamespacedPod({ namespace: scratch, body: { ...pod, metadata: { name: "no-resources", namespace: scratch } }, dryRun: "All" });
                for (const container of created.spec!.containers) {
                    expect(container.resources?.requests).to.deep.equal(defaults.defaultRequest);
                    expect(container.resources?.limits).to.deep.equal(defaults.default);
                }
            });

            it("admits pods up to the quota and refuses the next one", async function () {
                this.timeout(120_000);
                const pod = podFromTemplate(ofKind(ns, "Deployment")[0]);
                const holds = podsTheQuotaHolds(hardOf(ns), pod);
                for (let i = 0; i < holds; i++) await createPod(pod, scratch, `fill-${i}`);
                const refused = await refusal(createPod(pod, scratch, "one-too-many"));
                expect(refused?.code, `pod ${holds + 1} of a quota that holds ${holds}`).to.equal(403);
                expect(refused?.message).to.match(/exceeded quota/);
            });

            it("admits the worst case: every service at its autoscaler's maximum, all rolling out at once", async function () {
                this.timeout(120_000);
                const refusedPods: string[] = [];
                for (const deployment of ofKind(ns, "Deployment")) {
                    const pod = podFromTemplate(deployment);
                    for (let i = 0; i < worstCasePods(ns, deployment); i++) {
                        const refused = await refusal(createPod(pod, scratch, `${deployment.metadata.name}-${i}`));
                        if (refused) refusedPods.push(`${deployment.metadata.name}-${i}: ${refused.message}`);
                    }
                }
                expect(refusedPods).to.deep.equal([]);
            });

            for (const type of ["LoadBalancer", "NodePort"] as const) {
                it(`refuses a Service of type ${type}`, async () => {
                    const key = type === "LoadBalancer" ? "services.loadbalancers" : "services.nodeports";
                    expect(hardOf(ns)[key], `the planned quota sets ${key}`).to.equal("0");
                    const refused = await refusal(core().createNamespacedService({
                        namespace: scratch,
                        body: { metadata: { name: "exposed" }, spec: { type, selector: { app: "x" }, ports: [{ port: 80 }] } },
                    }));
                    expect(refused?.code).to.equal(403);
                    expect(refused?.message).to.match(/exceeded quota/);
                });
            }
        });
    }
});
