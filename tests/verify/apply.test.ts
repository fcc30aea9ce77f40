import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { kubernetesObjects, VERIFIED_STACKS } from "../../verify/planObjects";
import { eventually, FIELD_MANAGER, kubeConfig, planReport, serverSideApply } from "../../verify/session";
import { appliedPlan, type AppliedPlan, type ApplyResult } from "./support/applyPlan";
import { ENVIRONMENT_STACKS } from "./support/environments";

const appliedAt = (object: k8s.KubernetesObject) =>
    object.metadata?.managedFields?.find((f) => f.manager === FIELD_MANAGER && f.operation === "Apply")?.time?.toString();

const refused = (results: ApplyResult[]) => results.filter((r) => r.error)
    .map((r) => `${r.object.kind} ${r.object.metadata.namespace ?? ""}/${r.object.metadata.name}: ${r.error!.slice(0, 400)}`);
/** Each refusal on a line of its own in the failure message (chai elides long arrays). */
const noneRefused = (results: ApplyResult[]) => expect(refused(results), `\n${refused(results).join("\n")}\n`).to.deep.equal([]);

describe("the plan's Kubernetes objects, applied to a real API server by server-side apply", function () {
    let plan: AppliedPlan;
    before(async function () {
        this.timeout(300_000);
        plan = await appliedPlan();
    });

    it("installs the CRDs the objects use from their published releases", () => {
        expect(plan.crds.length).to.be.greaterThan(0);
        noneRefused(plan.crds);
    });

    for (const stack of VERIFIED_STACKS) {
        const kinds = [...new Set(kubernetesObjects(planReport(), stack).map((o) => o.kind))].sort();
        for (const kind of kinds) {
            it(`${stack}: the API server accepts every ${kind}`, () => {
                const results = plan.objects.filter((r) => r.stack === stack && r.object.kind === kind);
                expect(results.length).to.be.greaterThan(0);
                noneRefused(results);
            });
        }
    }

    it("a second apply of every object changes nothing (the server keeps what the plan says, defaults and all)", async () => {
        const api = k8s.KubernetesObjectApi.makeApiClient(kubeConfig());
        const changed: string[] = [];
        for (const { object } of plan.objects.filter((r) => !r.error)) {
            // Our manager's entry gets a new time only when an apply changes something (a controller's status
            // update between the two calls would move resourceVersion, not this).
            const before = await api.read(object as k8s.KubernetesObject & { metadata: { name: string } });
            const after = await serverSideApply(object);
            if (appliedAt(after) !== appliedAt(before)) {
                // What the server keeps against what the plan applies: the difference is what each apply rewrites.
                const stored = JSON.stringify((after as { spec?: unknown }).spec);
                changed.push(`${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name}: planned spec ${JSON.stringify(object.spec)}, stored ${stored}`);
            }
        }
        expect(changed, `\n${changed.join("\n")}\n`).to.deep.equal([]);
    });

    it("every environment Deployment's ReplicaSet gets its pods created (admission lets them in)", async function () {
        this.timeout(120_000);
        const apps = kubeConfig().makeApiClient(k8s.AppsV1Api);
        const deployments = ENVIRONMENT_STACKS.flatMap((stack) => kubernetesObjects(planReport(), stack).filter((o) => o.kind === "Deployment"));
        expect(deployments.length).to.be.greaterThan(0);
        const short: string[] = [];
        await eventually("every Deployment's pods created", async () => {
            short.length = 0;
            for (const d of deployments) {
                const read = await apps.readNamespacedDeployment({ name: d.metadata.name, namespace: d.metadata.namespace! });
                if ((read.status?.replicas ?? 0) < (read.spec?.replicas ?? 1)) {
                    short.push(`${d.metadata.namespace}/${d.metadata.name}: ${read.status?.replicas ?? 0} of ${read.spec?.replicas}`);
                }
            }
            return short.length === 0;
        }, 90_000).catch((error: Error) => { throw new Error(`${error.message}: ${short.join("; ")}`); });
    });

    it("binds the EKS access policies' ClusterRoles for every access entry (see support/eksAccessPolicies.ts)", () => {
        expect(plan.accessPolicies.length).to.be.greaterThan(0);
        noneRefused(plan.accessPolicies);
    });
});
