import { expect } from "chai";
import { evaluatePolicies, PolicyConfigError, resolvePolicyConfig } from "../../plan/policyEngine";
import type { Policies, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs } from "../../policies/lib/types";
import { allPolicies } from "../../policies/all";
import { configOf, kubernetesProvider, resource } from "./fixtures";

/** A resource policy that reports once per resource of `type` and records what it was handed. */
function probe(name: string, extra: Partial<ResourceValidationPolicy> = {}, seen: ResourceValidationArgs[] = []): ResourceValidationPolicy {
    return {
        name,
        description: `${name} description`,
        validateResource: (args, report) => {
            seen.push(args);
            if (args.type !== "test:index:Thing") args.notApplicable("not a thing");
            report(`${args.name} is wrong`);
        },
        ...extra,
    };
}

const thing = resource("test:index:Thing", "a", { size: 1 });
const levels = (policies: Policies, config: unknown) =>
    Object.fromEntries(evaluatePolicies(policies, [thing], config, "dev").map((violation) => [violation.policy, violation.enforcementLevel]));

describe("policy engine: enforcement levels", () => {
    it("takes the config's level over the policy's, and the policy's over the pack's (mandatory)", () => {
        const policies = [probe("plain"), probe("advisory-by-policy", { enforcementLevel: "advisory" }), probe("configured")];
        expect(levels(policies, {})).to.deep.equal({ "plain": "mandatory", "advisory-by-policy": "advisory", "configured": "mandatory" });
        expect(levels(policies, { configured: "advisory", "advisory-by-policy": { enforcementLevel: "mandatory" } }))
            .to.deep.equal({ "plain": "mandatory", "advisory-by-policy": "mandatory", "configured": "advisory" });
    });

    it("applies `all` to every policy, under each policy's own entry", () => {
        const policies = [probe("one"), probe("two", { enforcementLevel: "advisory" })];
        expect(levels(policies, { all: "advisory", one: "mandatory" })).to.deep.equal({ one: "mandatory", two: "advisory" });
        expect(levels(policies, { all: "disabled", two: "advisory" })).to.deep.equal({ two: "advisory" });
    });

    it("skips disabled policies and reports remediate as mandatory", () => {
        expect(levels([probe("off"), probe("fix")], { off: "disabled", fix: "remediate" })).to.deep.equal({ fix: "mandatory" });
    });

    it("rejects an enforcement level that does not exist", () => {
        expect(() => evaluatePolicies([probe("p")], [thing], { p: "warn" }, "dev")).to.throw(/"p": "warn" is not an enforcement level/);
        expect(() => evaluatePolicies([probe("p")], [thing], { p: 3 }, "dev")).to.throw(/must be an enforcement level or an object/);
    });
});

describe("policy engine: configuration", () => {
    const tunable = (seen: ResourceValidationArgs[]) => probe("tunable", {
        configSchema: {
            properties: {
                floor: { type: "integer", minimum: 1, default: 3 },
                budget: { type: "object", properties: { cpu: { type: "string" } }, required: ["cpu"], additionalProperties: false, default: { cpu: "2" } },
                names: { type: "array", items: { type: "string" }, default: ["a"] },
            },
        },
    }, seen);

    it("hands a policy its schema defaults, replaced key by key by the config", () => {
        const seen: ResourceValidationArgs[] = [];
        evaluatePolicies([tunable(seen)], [thing], {}, "dev");
        expect(seen[0].getConfig()).to.deep.equal({ floor: 3, budget: { cpu: "2" }, names: ["a"] });
        seen.length = 0;
        evaluatePolicies([tunable(seen)], [thing], { tunable: { enforcementLevel: "advisory", floor: 5 } }, "dev");
        expect(seen[0].getConfig()).to.deep.equal({ floor: 5, budget: { cpu: "2" }, names: ["a"] });
    });

    it("rejects a config that does not match the schema, naming the policy and the key", () => {
        const run = (config: unknown) => () => evaluatePolicies([tunable([])], [thing], { tunable: config }, "prod");
        expect(run({ floor: 0 })).to.throw(PolicyConfigError, /policy pack config of stack "prod": invalid policy configuration\n {2}tunable: floor: must be at least 1/);
        expect(run({ floor: "3" })).to.throw(/tunable: floor: must be integer/);
        expect(run({ budget: { cpu: "2", cpus: "3" } })).to.throw(/tunable: budget.cpus: is not allowed/);
        expect(run({ budget: {} })).to.throw(/tunable: budget: must set "cpu"/);
        expect(run({ names: ["a", 1] })).to.throw(/tunable: names\[1\]: must be string/);
    });

    it("checks the pack's own schemas: a budget quantity that is not a quantity is refused", () => {
        const config = { ...configOf("dev"), "k8s-quota-budget": { requests: { cpu: "two", memory: "4Gi" } } };
        expect(() => resolvePolicyConfig(allPolicies, config)).to.throw(/k8s-quota-budget: requests.cpu: "two" does not match/);
    });

    it("ignores entries for names that are not policies, as the engine does", () => {
        expect(levels([probe("p")], { "not-a-policy": "disabled" })).to.deep.equal({ p: "mandatory" });
    });
});

describe("policy engine: running policies", () => {
    it("prefixes each message with the policy's description, and reports on the resource", () => {
        const [violation] = evaluatePolicies([probe("p")], [thing], {}, "dev");
        expect(violation).to.deep.equal({ policy: "p", enforcementLevel: "mandatory", message: "p description\na is wrong", urn: thing.urn });
    });

    it("runs resource policies on every resource, providers and components included; notApplicable stays quiet", () => {
        const seen: ResourceValidationArgs[] = [];
        const provider = kubernetesProvider("apps");
        const component = resource("fintrax:kubernetes:GuardedNamespace", "ns", {});
        const violations = evaluatePolicies([probe("p", {}, seen)], [provider, component, thing], {}, "dev");
        expect(seen.map((args) => args.type)).to.deep.equal(["pulumi:providers:kubernetes", "fintrax:kubernetes:GuardedNamespace", "test:index:Thing"]);
        expect(violations).to.have.length(1);
    });

    it("hands a resource policy its props, options, provider and type checks", () => {
        const seen: ResourceValidationArgs[] = [];
        const provider = kubernetesProvider("apps");
        const child = resource("test:index:Thing", "child", { size: 2 }, { protect: true, provider, parent: "urn:parent" });
        evaluatePolicies([probe("p", {}, seen)], [provider, child], {}, "dev");
        const args = seen[1];
        expect(args.props).to.deep.equal({ size: 2 });
        expect(args.opts).to.include({ protect: true, parent: "urn:parent" });
        expect(args.provider).to.deep.include({ type: "pulumi:providers:kubernetes", urn: provider.urn, props: { kubeconfig: "{}", namespace: "apps" } });
        expect(args.isType({ __pulumiType: "test:index:Thing" } as any)).to.equal(true);
        expect(args.asType({ __pulumiType: "test:index:Other" } as any)).to.equal(undefined);
    });

    it("gives each validation fresh props: one policy cannot change what the next sees", () => {
        const mutating: ResourceValidationPolicy = { name: "m", description: "m", validateResource: (args) => void (args.props.size = 99) };
        const seen: ResourceValidationArgs[] = [];
        evaluatePolicies([mutating, probe("p", {}, seen)], [thing], {}, "dev");
        expect(seen[0].props.size).to.equal(1);
    });

    it("turns a value unknown during preview into an advisory \"can't run\"", () => {
        const unknown = resource("test:index:Thing", "u", { size: "[unknown]" });
        const reading: ResourceValidationPolicy = { name: "r", description: "r", validateResource: (args, report) => void (args.props.size > 0 && report("big")) };
        expect(evaluatePolicies([reading], [unknown], {}, "dev")).to.deep.equal([{
            policy: "r", enforcementLevel: "advisory", urn: unknown.urn,
            message: "can't run policy 'r' from policy pack 'fintrax-guardrails@v0.1.0' during preview: value at .size can't be known during preview",
        }]);
    });

    it("fails loudly when a policy throws, naming the policy and the resource", () => {
        const broken: ResourceValidationPolicy = { name: "b", description: "b", validateResource: () => { throw new Error("boom"); } };
        expect(() => evaluatePolicies([broken], [thing], {}, "dev")).to.throw(/Error validating urn:pulumi:test::fintrax::test:index:Thing::a with policy 'b'.*: boom/);
    });

    it("runs stack policies once over every resource, with parents resolved, and reports on the stack when no URN is given", () => {
        const seen: StackValidationArgs[] = [];
        const parent = resource("test:index:Parent", "p", {});
        const child = resource("test:index:Thing", "c", {}, { parent: parent.urn, id: "id-1" });
        const stackPolicy = { name: "s", description: "s", validateStack: (args: StackValidationArgs, report: (message: string, urn?: string) => void) => {
            seen.push(args);
            report("stack-wide");
            report("on the child", child.urn);
        } };
        const violations = evaluatePolicies([stackPolicy], [parent, child], {}, "prod");
        expect(seen).to.have.length(1);
        expect(seen[0].resources.map((r) => r.name)).to.deep.equal(["p", "c"]);
        expect(seen[0].resources[1].parent?.urn).to.equal(parent.urn);
        expect(violations.map((v) => v.urn)).to.deep.equal(["urn:pulumi:prod::fintrax::pulumi:pulumi:Stack::fintrax-prod", child.urn]);
    });
});

describe("policy pack: config defaults whoever runs it", () => {
    it("fills in schema defaults itself when a runner hands over a bare config (or none)", () => {
        const protect = allPolicies.find((policy) => policy.name === "prod-resource-protect") as ResourceValidationPolicy;
        const reports: string[] = [];
        const args = {
            type: "aws:rds/instance:Instance", name: "db", urn: "urn:db", props: {}, opts: { protect: false },
            getConfig: () => ({}), notApplicable: () => { throw new Error("not applicable"); },
        } as unknown as ResourceValidationArgs;
        (protect.validateResource as (args: ResourceValidationArgs, report: (message: string) => void) => void)(args, (message) => reports.push(message));
        expect(reports).to.have.length(1);
    });
});
