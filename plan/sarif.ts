import { createHash } from "node:crypto";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { allPolicies, PACK_NAME } from "../policies/all";
import { COST_BUDGET_POLICY } from "./compare";
import type { PlanReport, StackReport, Violation } from "./plan";

/**
 * `npm run plan -- --sarif FILE` (CONTRACT.md, "Comparing plans"): the plan's violations as a SARIF 2.1.0
 * log, so that GitHub code scanning shows them on the pull request. One result per violation, located in the
 * stack's file (the source of the stack's configuration) and, logically, at the resource's URN.
 */

/** The checks the plan makes besides the pack's policies, with what each means. */
const PLAN_CHECKS: Record<string, string> = {
    "plan-kubernetes-schema": "Kubernetes objects must be valid against the API server's OpenAPI schema, or the API server rejects them.",
    "plan-explicit-provider": "Kubernetes objects must use the stack's own Kubernetes provider; the default provider is disabled.",
    [COST_BUDGET_POLICY]: "The estimated monthly cost may rise against the pull request's base by at most --max-cost-increase USD.",
};

/** The SARIF levels of CrossGuard's enforcement levels: only a mandatory violation fails the plan. */
function level(enforcementLevel: string): "error" | "warning" {
    return enforcementLevel === "mandatory" || enforcementLevel === "remediate" ? "error" : "warning";
}

interface Rule {
    id: string;
    name: string;
    shortDescription: { text: string };
    fullDescription: { text: string };
    help: { text: string; markdown: string };
    properties: { source: string };
}

/** Code scanning requires a full description and help on every rule; help points at where the rule is explained. */
function rule(id: string, description: string, source: string, doc: string): Rule {
    return {
        id,
        // SARIF's "friendly name": one Pascal-case identifier (k8s-image-pinned -> K8sImagePinned).
        name: id.split("-").map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(""),
        shortDescription: { text: description },
        fullDescription: { text: description },
        help: { text: `${description} See ${doc} in the repository.`, markdown: `${description}\n\nSee \`${doc}\` in the repository.` },
        properties: { source },
    };
}

function rules(report: PlanReport): Rule[] {
    const described = new Map<string, Rule>();
    for (const policy of allPolicies) {
        described.set(policy.name, rule(policy.name, policy.description, PACK_NAME, "docs/policies.md"));
    }
    for (const [id, text] of Object.entries(PLAN_CHECKS)) described.set(id, rule(id, text, "offline plan", "README.md, \"The offline plan\""));
    // A violation of a policy this list lacks still gets a rule, so that every result's ruleIndex is valid.
    for (const v of report.stacks.flatMap((s) => s.violations)) {
        if (!described.has(v.policy)) described.set(v.policy, rule(v.policy, `The policy ${v.policy}.`, "unknown", "docs/policies.md"));
    }
    return [...described.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The stack file as SARIF names an artifact: relative to the repository root (%SRCROOT%) when inside it. */
function artifactLocation(file: string, root: string): { uri: string; uriBaseId?: string } {
    const relative = path.relative(root, path.resolve(root, file));
    if (relative.startsWith("..") || path.isAbsolute(relative)) return { uri: pathToFileURL(path.resolve(root, file)).href };
    return { uri: relative.split(path.sep).join("/"), uriBaseId: "%SRCROOT%" };
}

function result(stack: StackReport, v: Violation, ruleIndex: number, root: string) {
    return {
        ruleId: v.policy,
        ruleIndex,
        level: level(v.enforcementLevel),
        message: { text: `${stack.stack}: ${v.message}` },
        locations: [{
            physicalLocation: { artifactLocation: artifactLocation(stack.file, root), region: { startLine: 1 } },
            logicalLocations: [{ fullyQualifiedName: v.urn, kind: "resource" }],
        }],
        // Code scanning tracks an alert across commits by this, rather than by the line (always 1 here).
        partialFingerprints: { "fintraxViolation/v1": createHash("sha256").update(`${v.policy}\n${v.urn}\n${v.message}`).digest("hex") },
    };
}

export function toSarif(report: PlanReport, root: string, version: string) {
    const driverRules = rules(report);
    const index = new Map(driverRules.map((r, i) => [r.id, i]));
    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [{
            tool: {
                driver: {
                    name: "fintrax-plan",
                    fullName: `fintrax offline plan with the ${PACK_NAME} policy pack`,
                    version,
                    informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
                    rules: driverRules,
                },
            },
            originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(root + path.sep).href } },
            results: report.stacks.flatMap((s) => s.violations.map((v) => result(s, v, index.get(v.policy)!, root))),
        }],
    };
}
