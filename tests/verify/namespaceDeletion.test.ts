import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { eventually, kubeConfig, serverSideApply } from "../../verify/session";
import { namespaceGone } from "../../verify/readiness";
import { appliedPlan } from "./support/applyPlan";
import { core, environmentNamespaces } from "./support/environments";

/** dev's namespace and every object the plan puts in it, under another name, so deleting it spares dev. */
const COPY = "fintrax-verify-deletion";

describe("deleting an environment namespace", () => {
    before(async function () {
        this.timeout(300_000);
        await appliedPlan();
    });

    it("completes: the namespace controller removes every object, pods included, and finalizes it", async function () {
        this.timeout(180_000);
        const dev = environmentNamespaces().find((ns) => ns.stack === "dev")!;
        await serverSideApply({ ...dev.namespace, metadata: { ...dev.namespace.metadata, name: COPY } });
        for (const object of dev.objects) await serverSideApply({ ...object, metadata: { ...object.metadata, namespace: COPY } });
        // Something for the controller to clean up beyond the applied objects: the Deployments' pods.
        await eventually(`pods in ${COPY}`, async () => (await core().listNamespacedPod({ namespace: COPY })).items.length > 0, 60_000);
        const before = await core().readNamespace({ name: COPY });
        expect(before.spec?.finalizers).to.include("kubernetes");

        await core().deleteNamespace({ name: COPY });
        await eventually(`${COPY} gone`, () => namespaceGone(COPY), 150_000);
        const apps = kubeConfig().makeApiClient(k8s.AppsV1Api);
        expect((await apps.listNamespacedDeployment({ namespace: COPY })).items).to.deep.equal([]);
    });
});
