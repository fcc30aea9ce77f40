import * as k8s from "@kubernetes/client-node";
import { eventually, kubeConfig } from "./session";

const PROBE = "verify-readiness";

/**
 * /readyz says the API server is up, not that the controllers the suite relies on work: wait for the service
 * account controller (the default namespace's `default` account), the quota controller (a quota's usage
 * computed) and the namespace controller (a namespace deleted to the end).
 */
export async function waitForControllers(timeoutMs = 90_000): Promise<void> {
    const core = kubeConfig().makeApiClient(k8s.CoreV1Api);
    await eventually("the default service account (serviceaccount controller)",
        async () => Boolean(await core.readNamespacedServiceAccount({ name: "default", namespace: "default" })), timeoutMs);
    await core.createNamespace({ body: { metadata: { name: PROBE } } });
    await core.createNamespacedResourceQuota({ namespace: PROBE, body: { metadata: { name: "probe" }, spec: { hard: { pods: "1" } } } });
    await eventually("quota usage (resourcequota controller)", async () => {
        const quota = await core.readNamespacedResourceQuota({ name: "probe", namespace: PROBE });
        return quota.status?.used?.pods === "0";
    }, timeoutMs);
    await core.deleteNamespace({ name: PROBE });
    await eventually("a namespace deleted (namespace controller)", () => namespaceGone(PROBE), timeoutMs);
}

/** Whether the namespace has been deleted to the end (its finalizers done), not merely marked for deletion. */
export async function namespaceGone(name: string): Promise<boolean> {
    try {
        await kubeConfig().makeApiClient(k8s.CoreV1Api).readNamespace({ name });
        return false;
    } catch (error) {
        return (error as { code?: number }).code === 404;
    }
}
