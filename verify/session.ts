import { readFileSync } from "node:fs";
import * as k8s from "@kubernetes/client-node";
import type { Identity } from "./identities";
import type { PlanReport } from "./planObjects";

/** What the launcher hands the suite (the file named by $VERIFY_SESSION): where the server is, who may call it. */
export interface Session {
    server: string;
    caCert: string;
    /** Bearer tokens by user name (the API server's --token-auth-file). */
    tokens: Record<string, string>;
    /** The harness's own cluster-admin user. */
    admin: string;
    planFile: string;
    identities: Identity[];
}

let cached: Session | undefined;
export function session(): Session {
    if (cached) return cached;
    const file = process.env.VERIFY_SESSION;
    if (!file) throw new Error("no $VERIFY_SESSION: run the suite with `npm run verify:cluster`, which starts the servers");
    cached = JSON.parse(readFileSync(file, "utf8")) as Session;
    return cached;
}

let plan: PlanReport | undefined;
export function planReport(): PlanReport {
    plan ??= JSON.parse(readFileSync(session().planFile, "utf8")) as PlanReport;
    return plan;
}

/** A client configuration that authenticates as one user of the token file. */
export function kubeConfig(user = session().admin): k8s.KubeConfig {
    const s = session();
    const token = s.tokens[user];
    if (!token) throw new Error(`no token for ${user}`);
    const config = new k8s.KubeConfig();
    config.loadFromOptions({
        clusters: [{ name: "verify", server: s.server, caFile: s.caCert }],
        users: [{ name: user, token }],
        contexts: [{ name: "verify", cluster: "verify", user }],
        currentContext: "verify",
    });
    return config;
}

/** The field manager the Pulumi Kubernetes provider's server-side apply uses is its own; this one says whose it is. */
export const FIELD_MANAGER = "pulumikube-verify";

/**
 * An object as the API writes it (the plan's inputs, a CRD's YAML) turned into the client's model, which is
 * what the client serializes back: given wire names instead, it silently drops the fields whose model names
 * differ (a LimitRange's `default`, a schema's `x-kubernetes-preserve-unknown-fields`).
 */
export function toModel<T extends k8s.KubernetesObject>(object: object): T {
    return k8s.loadYaml<T>(JSON.stringify(object));
}

/** Server-side apply, forced, as the Kubernetes provider applies an object it owns. */
export async function serverSideApply<T extends k8s.KubernetesObject>(object: object, user?: string): Promise<T> {
    const api = k8s.KubernetesObjectApi.makeApiClient(kubeConfig(user));
    return api.patch(toModel<T>(object), undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
}

/** Poll until `check` is true, or fail with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (await check().catch(() => false)) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}
