import { expect } from "chai";
import * as k8s from "@kubernetes/client-node";
import { VERIFIED_STACKS, kubernetesObjects, type KubeObject } from "../../verify/planObjects";
import { eventually, kubeConfig, planReport, serverSideApply, toModel } from "../../verify/session";
import { appliedPlan } from "./support/applyPlan";
import { environmentNamespaces, refusal, type Tier } from "./support/environments";

/**
 * The shape of tests/support/admissionProbes.ts (ADMISSION_PROBES), which "Environment isolation that holds…"
 * provides with the programs' ValidatingAdmissionPolicies. At merge, PROBES below becomes
 * `[...ADMISSION_PROBES, ...MECHANISM_PROBES]` with `import { ADMISSION_PROBES } from "../support/admissionProbes"`.
 */
interface AdmissionProbe { policy: string; tier: Tier; object: object; admitted: boolean }

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
const MECHANISM_PROBES: AdmissionProbe[] = (["development", "staging", "production"] as const).flatMap((tier) => [
    { policy: MECHANISM_POLICY, tier, object: configMap({ "verify.fintrax.io/deny": "yes" }), admitted: false },
    { policy: MECHANISM_POLICY, tier, object: configMap({ app: "probe" }), admitted: true },
]);

const PROBES: AdmissionProbe[] = MECHANISM_PROBES;

const plannedPolicies = () => VERIFIED_STACKS.flatMap((stack) => kubernetesObjects(planReport(), stack))
    .filter((o) => o.apiVersion === ADMISSION_GROUP && o.kind.startsWith("ValidatingAdmissionPolicy"));

/**
 * Create the probe with dryRun=All (the whole admission chain runs, nothing is kept) in its own namespace if it
 * names one, else in the namespace of its tier.
 */
async function admit(probe: AdmissionProbe): Promise<{ code: number; message: string } | undefined> {
    const object = probe.object as KubeObject;
    const namespace = object.metadata.namespace ?? environmentNamespaces().find((ns) => ns.tier === probe.tier)!.name;
    const api = k8s.KubernetesObjectApi.makeApiClient(kubeConfig());
    return refusal(api.create(toModel({ ...object, metadata: { ...object.metadata, namespace } }), undefined, "All"));
}

describe("ValidatingAdmissionPolicies, evaluated by the API server's own CEL", () => {
    before(async function () {
        this.timeout(300_000);
        await appliedPlan();
        for (const object of mechanismObjects) await serverSideApply(object);
        // Policies reach the admission plugin through an informer: wait until the mechanism's policy denies.
        await eventually("the mechanism's policy in force", async () => (await admit(MECHANISM_PROBES[0])) !== undefined);
    });
    after(async () => {
        const api = k8s.KubernetesObjectApi.makeApiClient(kubeConfig());
        for (const object of mechanismObjects) await api.delete(object).catch(() => undefined);
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
        it(`${probe.policy} in ${probe.tier}: ${probe.admitted ? "admits" : "denies"} ${object.kind} ${JSON.stringify(object.metadata.labels ?? {})}`, async () => {
            const refused = await admit(probe);
            if (probe.admitted) {
                expect(refused?.message).to.equal(undefined);
            } else {
                expect(refused?.code).to.be.oneOf([403, 422]);
                expect(refused?.message).to.contain(`ValidatingAdmissionPolicy '${probe.policy}'`);
            }
        });
    }
});
