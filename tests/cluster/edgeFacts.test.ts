import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { CHARTS } from "../../components/cluster/charts";
import type { StackRun } from "../../plan/runtime";
import { committedClusterPlan } from "./support";
import { ofType, release } from "../support/resources";

/** The edge's pins and values against `reference/` (facts read from the charts' sources, README there). */
const REFERENCE = path.resolve(__dirname, "../../reference");
const read = (file: string) => JSON.parse(readFileSync(path.join(REFERENCE, file), "utf8"));
const replacements = read("helm-charts.json").ingressNginxReplacements;

/** Every leaf key path of a values object, joined as the reference files join them (`.` in a key as `\.`). */
function leafPaths(value: unknown, prefix = ""): string[] {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.keys(value).length) return [prefix];
    return Object.entries(value).flatMap(([key, child]) => leafPaths(child, `${prefix ? `${prefix}.` : ""}${key.replace(/\./g, "\\.")}`));
}

/**
 * A values path the chart knows: one of its default keys, schema paths or template references, or a path
 * below a default that is a map (free-form, like `resources`) or below a key the templates read whole.
 */
function unknownPaths(values: unknown, file: string): string[] {
    const facts = read(file);
    const known = new Set([...Object.keys(facts.keys), ...Object.keys(facts.schemaPaths ?? {}), ...facts.templateValuesRefs]);
    const hasChildren = (p: string) => Object.keys(facts.keys).some((key) => key.startsWith(`${p}.`));
    // An empty default map is free-form; a map the templates reference by its own path is passed on whole (toYaml).
    const openAt = (p: string) => (facts.keys[p] === "map" && !hasChildren(p)) || (facts.templateValuesRefs.includes(p) && [undefined, "map"].includes(facts.keys[p]));
    return leafPaths(values).filter((leaf) => {
        const parts = leaf.split(/(?<!\\)\./);
        const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("."));
        return !known.has(leaf) && !prefixes.slice(0, -1).some(openAt);
    });
}

describe("cluster stack: the edge's charts against reference/", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });

    for (const [name, chart] of [["envoyGateway", "gateway-helm"], ["externalDns", "external-dns"]] as const) {
        it(`pins ${chart} to a release (not a prerelease) in the reference data`, () => {
            const released = replacements[chart].releases.filter((r: { prerelease?: boolean }) => !r.prerelease).map((r: { version: string }) => r.version);
            expect(released).to.include(CHARTS[name].version);
        });
    }

    it("pins gateway-crds-helm to gateway-helm's version: the release build publishes every chart of the tag under it", () => {
        expect(CHARTS.envoyGatewayCrds.version).to.equal(CHARTS.envoyGateway.version);
        expect(CHARTS.envoyGatewayCrds.repo).to.equal(CHARTS.envoyGateway.repo);
    });

    it("sets only values keys the pinned charts have", () => {
        const file = (chart: string, version: string) => `helm-values-${chart}-${version}.json`;
        expect(unknownPaths(release(run, "envoy-gateway").inputs.values, file("gateway-helm", CHARTS.envoyGateway.version))).to.deep.equal([]);
        expect(unknownPaths(release(run, "external-dns").inputs.values, file("external-dns", CHARTS.externalDns.version))).to.deep.equal([]);
        const [crds] = ofType(run, "kubernetes:helm.sh/v4:Chart");
        expect(unknownPaths(crds.inputs.values, file("gateway-crds-helm", CHARTS.envoyGatewayCrds.version))).to.deep.equal([]);
    });

    it("catches a key the chart does not have", () => {
        expect(unknownPaths({ deployment: { replicaCount: 2 }, crds: { enabled: false } }, "helm-values-gateway-helm-v1.9.0.json")).to.deep.equal(["deployment.replicaCount"]);
    });

});
