import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { ADMISSION_RULES, validatingAdmissionPolicy } from "../../../policies/admission/objects";
import { platformDeployerScopeRule } from "../../../policies/admission/platformDeployerScope";
import { imageRegistryRule, PRODUCTION_REGISTRIES, saTokenAutomountRule } from "../../../policies/admission/rules";
import { TIER_PRESETS } from "../../../config/tiers";
import { TIERS, type Tier } from "../../../model/tiers";
import type { StackRun } from "../../../plan/runtime";
import { ofKind } from "../../support/resources";
import { committedClusterPlan } from "../../cluster/support";
import { ADMISSION_PROBES, JUDGED_ADMISSION_PROBES, REFUSING_TIERS } from "../../support/admissionProbes";
import { judge } from "./cel";
import { crossGuardViolations } from "./crossGuard";

/** What the API server's mutating admission does to a Pod before validation: the LimitRange's defaults. */
function asAdmitted(object: any, tier: Tier): any {
    if (object.kind !== "Pod") return object;
    const pod = structuredClone(object);
    const { requests, limits } = TIER_PRESETS[tier].container;
    for (const container of pod.spec.containers) container.resources ??= { requests, limits };
    return pod;
}

const policyObjects = ADMISSION_RULES.map(validatingAdmissionPolicy);
const policyNamed = (name: string) => policyObjects.find((policy) => policy.metadata.name === name)!;
const label = (probe: { policy: string; tier: string; object: any }) => `${probe.policy} on ${probe.object.kind} ${probe.object.metadata.name} in ${probe.tier}`;

describe("admission policies: CEL judged by @bufbuild/cel on the probe objects", () => {
    it("has a probe set for every rule, each with objects it admits and objects it refuses where it denies", () => {
        expect([...new Set(ADMISSION_PROBES.map((probe) => probe.policy))]).to.have.members(ADMISSION_RULES.map((rule) => rule.name));
        for (const rule of ADMISSION_RULES) {
            const inDenyingTier = ADMISSION_PROBES.filter((probe) => probe.policy === rule.name && REFUSING_TIERS[rule.name].includes(probe.tier));
            expect(inDenyingTier.some((probe) => probe.admitted), rule.name).to.equal(true);
            expect(inDenyingTier.some((probe) => !probe.admitted), rule.name).to.equal(true);
        }
    });

    it("judges every probe as it expects: the objects that keep the rule pass every validation, the others fail one", () => {
        for (const probe of JUDGED_ADMISSION_PROBES) {
            const verdict = judge(policyNamed(probe.policy), asAdmitted(probe.object, probe.tier));
            expect(verdict.matched, label(probe)).to.equal(true);
            expect(verdict.failures.length === 0, `${label(probe)}: ${verdict.failures.join("; ")}`).to.equal(probe.valid);
        }
    });

    it("makes every validation of every rule fail for some probe, and hold for the compliant ones", () => {
        const failed = new Set(JUDGED_ADMISSION_PROBES.flatMap((probe) => judge(policyNamed(probe.policy), asAdmitted(probe.object, probe.tier)).failures));
        for (const rule of ADMISSION_RULES) {
            for (const validation of rule.validations) expect(failed.has(validation.message), `${rule.name}: ${validation.message}`).to.equal(true);
        }
    });

    it("breaks no other rule with a probe: each object is compliant but for what its policy judges", () => {
        for (const probe of JUDGED_ADMISSION_PROBES) {
            const others = policyObjects.filter((policy) => policy.metadata.name !== probe.policy && REFUSING_TIERS[policy.metadata.name].includes(probe.tier));
            const failures = others.flatMap((policy) => judge(policy, asAdmitted(probe.object, probe.tier)).failures);
            expect(failures, label(probe)).to.deep.equal([]);
        }
    });

    it("leaves the default ServiceAccount the controller manager creates to the pods that use it", () => {
        const account = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: "fintrax-staging" } };
        expect(judge(validatingAdmissionPolicy(saTokenAutomountRule), account).matched).to.equal(false);
        expect(judge(validatingAdmissionPolicy(saTokenAutomountRule), { ...account, metadata: { ...account.metadata, name: "worker" } }).failures).to.have.length(1);
    });

    it("exempts no requester: a pod from cert-manager's image in production is refused like anyone's (DNS-01 puts no solver there)", () => {
        const solver = {
            apiVersion: "v1", kind: "Pod",
            metadata: { name: "cm-acme-http-solver-x7k2p", namespace: "fintrax-prod", ownerReferences: [{ apiVersion: "acme.cert-manager.io/v1", kind: "Challenge", name: "c", uid: "1", controller: true }] },
            spec: { containers: [{ name: "acmesolver", image: "quay.io/jetstack/cert-manager-acmesolver:v1.21.1" }] },
        };
        const registry = policyNamed("fintrax-image-registry");
        expect(judge(registry, solver, "CREATE", { request: { userInfo: { username: "system:serviceaccount:cert-manager:cert-manager" } } }).failures).to.have.length(1);
    });

    it("judges bare pods at creation only, so that updating a pod never fails on it", () => {
        const bare = JUDGED_ADMISSION_PROBES.find((probe) => (probe.object as any).metadata.name === "bare" && probe.tier === "staging")!;
        expect(judge(policyNamed("fintrax-no-bare-pods"), bare.object, "UPDATE").matched).to.equal(false);
    });
});

describe("admission policies agree with the pack (one definition per rule)", () => {
    it("names a resource policy of the pack for every rule", () => {
        for (const rule of ADMISSION_RULES) expect(() => crossGuardViolations(rule.crossGuardPolicy, "production", {}), rule.name).not.to.throw(/no resource policy/);
    });

    it("judges every probe as the pack's policy judges the same object", () => {
        for (const probe of JUDGED_ADMISSION_PROBES) {
            const rule = ADMISSION_RULES.find((candidate) => candidate.name === probe.policy)!;
            const object = asAdmitted(probe.object, probe.tier);
            const pack = crossGuardViolations(rule.crossGuardPolicy, probe.tier, object);
            expect(pack, `${label(probe)}: ${rule.crossGuardPolicy} applies`).not.to.equal(undefined);
            const cel = judge(policyNamed(probe.policy), object).failures;
            expect(cel.length === 0, `${label(probe)}: CEL [${cel.join("; ")}] vs ${rule.crossGuardPolicy} [${pack!.join("; ")}]`).to.equal(pack!.length === 0);
        }
    });

    it("allows production the registries prod-image-registry allows in every stack that enables it", () => {
        for (const stack of ["prod", "staging"]) {
            const config = JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../../policies/config/${stack}.json`), "utf8"));
            expect(config["prod-image-registry"].allowedRegistries, stack).to.deep.equal(PRODUCTION_REGISTRIES);
        }
        expect(imageRegistryRule.validations[0].expression).to.contain("'ghcr.io/fintrax/'");
    });
});

describe("admission policies on the shared cluster", () => {
    let run: StackRun;
    before(async () => { run = await committedClusterPlan(); });

    it("creates one ValidatingAdmissionPolicy per rule, failing closed, with the provider of the cluster", () => {
        const policies = ofKind(run, "ValidatingAdmissionPolicy");
        expect(policies.map((p) => p.inputs.metadata.name)).to.have.members([...ADMISSION_RULES, platformDeployerScopeRule].map((rule) => rule.name));
        for (const policy of policies) {
            expect(policy.inputs.spec).to.deep.equal(validatingAdmissionPolicy(policy.inputs.metadata.name === platformDeployerScopeRule.name
                ? platformDeployerScopeRule : ADMISSION_RULES.find((rule) => rule.name === policy.inputs.metadata.name)!).spec);
            expect(policy.inputs.spec.failurePolicy).to.equal("Fail");
            expect(policy.provider, policy.name).to.be.a("string").and.to.contain("kubernetes");
        }
    });

    it("has cert-manager solve every challenge by DNS-01: no solver pod or Service lands in an environment namespace", () => {
        const issuers = run.resources.filter((r) => r.type.endsWith(":ClusterIssuer") || r.inputs?.kind === "ClusterIssuer");
        const solvers = issuers.flatMap((issuer) => issuer.inputs.spec?.acme?.solvers ?? []);
        expect(solvers.length).to.be.greaterThan(0);
        for (const solver of solvers) expect(solver, JSON.stringify(solver)).to.have.property("dns01").and.not.have.property("http01");
    });

    it("binds each rule to the namespaces of each tier by label, denying where the tier preset says", () => {
        const bindings = ofKind(run, "ValidatingAdmissionPolicyBinding").map((b) => b.inputs);
        for (const rule of ADMISSION_RULES) {
            for (const tier of TIERS) {
                const binding = bindings.find((b) => b.spec.policyName === rule.name && b.spec.matchResources.namespaceSelector.matchLabels["fintrax.io/tier"] === tier);
                const expected = rule.scope === "production" ? TIER_PRESETS[tier].admission.production : TIER_PRESETS[tier].admission.everyTier;
                expect(binding?.spec.validationActions ?? [], `${rule.name} in ${tier}`).to.deep.equal(expected);
                // The probes' expectations (written by hand) and the bindings (from the tier presets) say the same.
                expect(expected.includes("Deny"), `${rule.name} denies in ${tier}`).to.equal(REFUSING_TIERS[rule.name].includes(tier));
            }
        }
    });
});
