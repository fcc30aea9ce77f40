import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { allPolicies } from "../../policies/all";
import { AWS_SDK_VERSION, TAGGABLE_TYPES } from "../../policies/lib/awsTaggableTypes";
import { sdkVersion, taggableTypes } from "../../policies/scripts/taggableTypes";
import { configOf, configuredLevel, evaluate, goodEnvironment, STACKS } from "./fixtures";

/** The policy table of CONTRACT.md ("The policy pack: names"), `true` for the stack policies. */
const CONTRACT: Record<string, boolean> = {
    "k8s-namespace-quota": true,
    "k8s-namespace-limit-range": true,
    "k8s-namespace-default-deny": true,
    "k8s-quota-budget": false,
    "k8s-container-resources": false,
    "k8s-image-pinned": false,
    "k8s-pod-security-restricted": false,
    "k8s-probes": false,
    "k8s-no-default-namespace": false,
    "k8s-service-exposure": false,
    // Added by the edge change (Gateway API): to be added to CONTRACT.md's table.
    "k8s-route-attachment": false,
    "k8s-route-namespace": true,
    "k8s-edge-objects": false,
    "k8s-namespace-pss-label": false,
    "k8s-no-bare-pods": false,
    "k8s-sa-token-automount": false,
    "prod-min-replicas": false,
    "prod-pdb": true,
    "prod-egress-allowlist": false,
    "prod-image-registry": false,
    "prod-database-protection": false,
    "prod-resource-protect": false,
    "aws-eks-secrets-encryption": false,
    "aws-eks-endpoint-access": false,
    "aws-eks-control-plane-logging": false,
    "aws-node-imdsv2": false,
    "aws-ebs-encryption": false,
    "aws-nodes-private": false,
    "aws-required-tags": false,
    "aws-rds-encrypted-private": false,
};

describe("policy pack: the pack itself", () => {
    it("holds exactly the policies of CONTRACT.md, stack policies as stack policies", () => {
        expect(allPolicies.map((policy) => policy.name).sort()).to.deep.equal(Object.keys(CONTRACT).sort());
        for (const policy of allPolicies) {
            const isStack = "validateStack" in policy && !("validateResource" in policy);
            expect(isStack, policy.name).to.equal(CONTRACT[policy.name]);
            expect(policy.description, policy.name).to.be.a("string").with.length.greaterThan(0);
        }
    });

    it("index.ts builds one PolicyPack from all.ts, mandatory by default (read, not imported: it would start the server)", () => {
        const source = readFileSync(path.resolve(__dirname, "../../policies/index.ts"), "utf8");
        expect(source.match(/new PolicyPack\(/g)).to.have.length(1);
        expect(source).to.match(/import \{ allPolicies, PACK_NAME \} from "\.\/all";/);
        expect(source).to.match(/new PolicyPack\(PACK_NAME, \{ enforcementLevel: "mandatory", policies: allPolicies \}\)/);
    });

    it("has a version and pins its dependencies exactly", () => {
        const pkg = JSON.parse(readFileSync(path.resolve(__dirname, "../../policies/package.json"), "utf8"));
        expect(pkg.version).to.match(/^\d+\.\d+\.\d+$/);
        expect(pkg.dependencies).to.deep.equal({ "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.270.0" });
        expect(pkg.devDependencies.typescript).to.match(/^5\.\d+\.\d+$/);
    });

    it("gives every tunable a default", () => {
        for (const policy of allPolicies) {
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                expect(schema.default, `${policy.name}.${key}`).to.not.equal(undefined);
            }
        }
    });

    it("keeps the taggable AWS types in step with the installed @pulumi/aws", () => {
        expect(AWS_SDK_VERSION).to.equal(sdkVersion());
        const generated = Object.fromEntries(Object.entries(taggableTypes()).map(([module, names]) => [module, names.sort().join(" ")]));
        expect(TAGGABLE_TYPES).to.deep.equal(generated);
    });
});

describe("policy pack: per-stack configs", () => {
    const names = new Set(allPolicies.map((policy) => policy.name));

    it("name only policies of the pack and properties of their schemas", () => {
        for (const stack of STACKS) {
            for (const [name, entry] of Object.entries(configOf(stack))) {
                expect(names.has(name), `${stack}.json: ${name}`).to.equal(true);
                const schema = allPolicies.find((policy) => policy.name === name)!.configSchema?.properties ?? {};
                const properties = typeof entry === "object" ? Object.keys(entry as object).filter((key) => key !== "enforcementLevel") : [];
                for (const property of properties) expect(schema, `${stack}.json: ${name}.${property}`).to.have.property(property);
            }
        }
    });

    it("make prod-* mandatory in prod only, and everything else mandatory everywhere", async () => {
        for (const stack of STACKS) {
            for (const policy of allPolicies) {
                const level = await configuredLevel(policy.name, stack);
                if (!policy.name.startsWith("prod-")) expect(level, `${policy.name} in ${stack}`).to.equal("mandatory");
                else if (stack === "prod") expect(level, `${policy.name} in prod`).to.equal("mandatory");
                else expect(level, `${policy.name} in ${stack}`).to.not.equal("mandatory");
            }
        }
    });

    it("keep the rehearsal of production in staging advisory and development free of production rules", async () => {
        expect(await Promise.all(["prod-pdb", "prod-egress-allowlist", "prod-image-registry"].map((name) => configuredLevel(name, "staging")))).to.deep.equal(["advisory", "advisory", "advisory"]);
        expect(await Promise.all(allPolicies.filter((policy) => policy.name.startsWith("prod-")).map((policy) => configuredLevel(policy.name, "dev")))).to.satisfy((levels: unknown[]) => levels.every((level) => level === undefined));
    });

    for (const stack of STACKS) {
        it(`let a compliant ${stack} environment through without a single violation`, async () => {
            expect(await evaluate(stack, goodEnvironment(stack))).to.deep.equal([]);
        });
    }
});
