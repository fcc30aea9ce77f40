import { expect } from "chai";
import { CHARTS } from "../../components/cluster/charts";
import type { StackRun } from "../../plan/runtime";
import { committedClusterPlan } from "./support";
import { ofType, release } from "../support/resources";
import { unknownValuesKeys } from "../reference/helmValues";
import { isReleased } from "../reference/referenceData";

/** The edge's pins and values against `reference/` (facts read from the charts' sources, README there). */
const unknownPaths = (chart: string, version: string, values: Record<string, unknown>) => unknownValuesKeys(chart, version, values).map((key) => key.path);

describe("cluster stack: the edge's charts against reference/", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });

    for (const [name, chart] of [["envoyGateway", "gateway-helm"], ["externalDns", "external-dns"]] as const) {
        it(`pins ${chart} to a release (not a prerelease) in the reference data`, () => {
            expect(isReleased(chart, CHARTS[name].version), `${chart} ${CHARTS[name].version}`).to.equal(true);
        });
    }

    it("pins gateway-crds-helm to gateway-helm's version: the release build publishes every chart of the tag under it", () => {
        expect(CHARTS.envoyGatewayCrds.version).to.equal(CHARTS.envoyGateway.version);
        expect(CHARTS.envoyGatewayCrds.repo).to.equal(CHARTS.envoyGateway.repo);
    });

    it("sets only values keys the pinned charts have", () => {
        expect(unknownPaths("gateway-helm", CHARTS.envoyGateway.version, release(run, "envoy-gateway").inputs.values)).to.deep.equal([]);
        expect(unknownPaths("external-dns", CHARTS.externalDns.version, release(run, "external-dns").inputs.values)).to.deep.equal([]);
        const [crds] = ofType(run, "kubernetes:helm.sh/v4:Chart");
        expect(unknownPaths("gateway-crds-helm", CHARTS.envoyGatewayCrds.version, crds.inputs.values)).to.deep.equal([]);
    });

    it("catches a key the chart does not have", () => {
        expect(unknownPaths("gateway-helm", "v1.9.0", { deployment: { replicaCount: 2 }, crds: { enabled: false } })).to.deep.equal(["deployment.replicaCount"]);
    });

});
