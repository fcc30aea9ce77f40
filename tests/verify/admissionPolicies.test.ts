import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { VERIFIED_STACKS, kubernetesObjects, type KubeObject } from "../../verify/planObjects";
import { eventually, kubeConfig, planReport, serverSideApply, toModel } from "../../verify/session";
import { ADMISSION_PROBES, type AdmissionProbe } from "../support/admissionProbes";
import { appliedPlan } from "./support/applyPlan";
import { deleteNamespace, environmentNamespaces, ofKind, refusal } from "./support/environments";
import { TIERS, type Tier } from "../../model/tiers";


/** A probe: an object a user would submit in a namespace of `tier`, and whether the policy must admit it. */

const ADMISSION_GROUP = "admissionregistration.k8s.io/v1";

/**
 * The mechanism's own policy, created by this test: no ConfigMap labelled `verify.fintrax.io/deny` in an
 * environment namespace. It shows that the server evaluates CEL with the project's binding style (a namespace
 * selector on the tier label) before the programs' policies are there to show it.
 */
const MECHANISM_POLICY = "verify-deny-labelled-configmaps";
const mechanismObjects: KubeObject[] = [
    {
        apiVersion: ADMISSION_GROUP, kind: "ValidatingAdmissionPolicy", metadata: { name: MECHANISM_POLICY },
        spec: {
            failurePolicy: "Fail",
            matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["configmaps"] }] },
            validations: [{ expression: "!has(object.metadata.labels) || !('verify.fintrax.io/deny' in object.metadata.labels)", message: "labelled to be denied" }],
        },
    },
    {
        apiVersion: ADMISSION_GROUP, kind: "ValidatingAdmissionPolicyBinding", metadata: { name: MECHANISM_POLICY },
        spec: {
            policyName: MECHANISM_POLICY, validationActions: ["Deny"],
            matchResources: { namespaceSelector: { matchExpressions: [{ key: "fintrax.io/tier", operator: "Exists" }] } },
        },
    },
];
const configMap = (labels: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "probe", labels }, data: { a: "b" } });
const MECHANISM_PROBES: AdmissionProbe[] = TIERS.flatMap((tier) => [
    { policy: MECHANISM_POLICY, tier, object: configMap({ "verify.fintrax.io/deny": "yes" }), admitted: false },
    { policy: MECHANISM_POLICY, tier, object: configMap({ app: "probe" }), admitted: true },
]);

/** The unit tests' probes (judged there by @bufbuild/cel and the pack), here judged by the server itself. */
const PROBES: AdmissionProbe[] = [...ADMISSION_PROBES, ...MECHANISM_PROBES];

const plannedPolicies = () => VERIFIED_STACKS.flatMap((stack) => kubernetesObjects(planReport(), stack))
    .filter((o) => o.apiVersion === ADMISSION_GROUP && o.kind.startsWith("ValidatingAdmissionPolicy"));

/**
 * Create the probe with dryRun=All (the whole admission chain runs, nothing is kept) in `namespace`, by default
 * the environment namespace of its tier, where every guard of that tier judges it.
 */
async function admit(probe: AdmissionProbe, namespace = environmentNamespaces().find((ns) => ns.tier === probe.tier)!.name): Promise<{ code: number; message: string } | undefined> {
    const object = probe.object as KubeObject;
    const api = k8s.KubernetesObjectApi.makeApiClient(kubeConfig());
    return refusal(api.create(toModel({ ...object, metadata: { ...object.metadata, namespace } }), undefined, "All"));
}

/**
 * A namespace per tier that carries only the tier label (no Pod Security level, no quota): there the
 * admission policies bound to the tier are the only guards, so a refusal can only be theirs.
 */
const policiesOnlyNamespace = (tier: Tier) => `verify-admission-${tier}`;

/** Whether the planned binding of `policy` to `tier` denies (staging and production), or only warns and audits. */
function bindingDenies(policy: string, tier: Tier): boolean {
    return plannedPolicies().some((o) => {
        const spec = o.spec as { policyName?: string; validationActions?: string[]; matchResources?: { namespaceSelector?: { matchLabels?: Record<string, string> } } };
        return o.kind === "ValidatingAdmissionPolicyBinding" && spec.policyName === policy
            && spec.matchResources?.namespaceSelector?.matchLabels?.["fintrax.io/tier"] === tier && !!spec.validationActions?.includes("Deny");
    });
}

describe("ValidatingAdmissionPolicies, evaluated by the API server's own CEL", () => {
    before(async function () {
        this.timeout(300_000);
        await appliedPlan();
        for (const object of mechanismObjects) await serverSideApply(object);
        for (const tier of TIERS) {
            const source = environmentNamespaces().find((ns) => ns.tier === tier)!;
            await serverSideApply({ apiVersion: "v1", kind: "Namespace", metadata: { name: policiesOnlyNamespace(tier), labels: { "fintrax.io/tier": tier } } });
            // The probes' pods name the environment's service accounts, which admission looks up.
            for (const account of ofKind(source, "ServiceAccount")) {
                await serverSideApply({ ...account, metadata: { ...account.metadata, namespace: policiesOnlyNamespace(tier) } });
            }
        }
        // Policies reach the admission plugin through an informer: wait until the mechanism's policy denies.
        await eventually("the mechanism's policy in force", async () => (await admit(MECHANISM_PROBES[0])) !== undefined);
    });
    after(async () => {
        const api = k8s.KubernetesObjectApi.makeApiClient(kubeConfig());
        for (const object of mechanismObjects) await api.delete(object).catch(() => undefined);
        for (const tier of TIERS) await deleteNamespace(policiesOnlyNamespace(tier));
    });

    it("every planned policy has a binding, and every binding a planned policy", () => {
        const policies = plannedPolicies().filter((o) => o.kind === "ValidatingAdmissionPolicy").map((o) => o.metadata.name);
        const bound = plannedPolicies().filter((o) => o.kind === "ValidatingAdmissionPolicyBinding")
            .map((o) => (o.spec as { policyName: string }).policyName);
        expect([...new Set(bound)].sort()).to.deep.equal([...new Set(policies)].sort());
    });

    it("the API server accepted every planned policy and binding", async () => {
        const { objects } = await appliedPlan();
        const refused = objects.filter((r) => r.error && r.object.apiVersion === ADMISSION_GROUP);
        expect(refused.map((r) => `${r.object.kind} ${r.object.metadata.name}: ${r.error}`)).to.deep.equal([]);
    });

    for (const probe of PROBES) {
        const object = probe.object as KubeObject;
        const what = `${object.kind} ${JSON.stringify(object.metadata.labels ?? {})}`;
        if (probe.admitted) {
            it(`${probe.policy} in ${probe.tier}: admits ${what}`, async () => {
                expect((await admit(probe))?.message).to.equal(undefined);
            });
            continue;
        }
        it(`${probe.policy} in ${probe.tier}: the tier's namespace refuses ${what}`, async () => {
            // Whichever guard comes first in the admission chain (Pod Security, the quota, or the policy).
            expect((await admit(probe))?.code).to.be.oneOf([403, 422]);
        });
        if (bindingDenies(probe.policy, probe.tier)) {
            it(`${probe.policy} in ${probe.tier}: the policy itself denies ${what}`, async () => {
                const refused = await admit(probe, policiesOnlyNamespace(probe.tier));
                expect(refused?.code).to.be.oneOf([403, 422]);
                expect(refused?.message).to.contain(`ValidatingAdmissionPolicy '${probe.policy}'`);
            });
        }
    }
});
