import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import type { Identity } from "../../verify/identities";
import { kubeConfig, session } from "../../verify/session";
import { ACCESS_TABLE, type Access } from "./accessTable";
import { appliedPlan } from "./support/applyPlan";

function tableEntry(identity: Identity) {
    return ACCESS_TABLE.find((entry) => identity.user.endsWith(entry.principal));
}

/** The API server's authorizer (Node, RBAC) on one request of one identity. */
async function allowed(identity: Identity, access: Access): Promise<boolean> {
    const api = kubeConfig().makeApiClient(k8s.AuthorizationV1Api);
    const review = await api.createSubjectAccessReview({
        body: {
            spec: {
                user: identity.user,
                groups: [...identity.groups, "system:authenticated"],
                resourceAttributes: {
                    verb: access.verb, group: access.group, resource: access.resource,
                    subresource: access.subresource, namespace: access.namespace, name: access.name,
                },
            },
        },
    });
    return review.status?.allowed === true;
}

function describeAccess(access: Access): string {
    const what = `${access.resource}${access.subresource ? `/${access.subresource}` : ""}${access.group ? `.${access.group}` : ""}`;
    return `${access.allowed ? "may" : "may not"} ${access.verb} ${what}${access.name ? ` ${access.name}` : ""} ${access.namespace ? `in ${access.namespace}` : "cluster-wide"}`;
}

describe("RBAC: every identity's rights, asked of the real authorizer, match the access table", () => {
    before(async function () {
        this.timeout(300_000);
        await appliedPlan();
    });

    it("every identity the plan defines has a row in the access table, and every row an identity", () => {
        const identities = session().identities;
        expect(identities.filter((i) => !tableEntry(i)).map((i) => i.user), "identities without expectations").to.deep.equal([]);
        expect(ACCESS_TABLE.filter((e) => !identities.some((i) => i.user.endsWith(e.principal))).map((e) => e.principal),
            "table rows without an identity").to.deep.equal([]);
    });

    for (const identity of session().identities) {
        const entry = tableEntry(identity);
        if (!entry) continue;
        describe(entry.description, () => {
            for (const access of entry.access) {
                it(describeAccess(access), async () => {
                    expect(await allowed(identity, access)).to.equal(access.allowed);
                });
            }
        });
    }

    it("with its own token, the prod deployer lists the pods of fintrax-prod and is refused its Secrets", async () => {
        const deployer = session().identities.find((i) => i.user.endsWith(":role/fintrax-prod-deployer"));
        expect(deployer, "the prod deployer").to.not.equal(undefined);
        const core = kubeConfig(deployer!.user).makeApiClient(k8s.CoreV1Api);
        const pods = await core.listNamespacedPod({ namespace: "fintrax-prod" });
        expect(pods.items.length).to.be.greaterThan(0);
        const secrets = await core.listNamespacedSecret({ namespace: "fintrax-prod" }).then(() => 200, (e: { code?: number }) => e.code);
        expect(secrets).to.equal(403);
    });
});
