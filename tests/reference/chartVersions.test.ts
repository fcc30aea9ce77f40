import { expect } from "chai";
import { CHARTS } from "../../components/cluster/charts";
import { committedClusterPlan, helmReleases } from "../cluster/support";
import { chartFacts, isReleased, valuesReference } from "./referenceData";

describe("reference: chart versions", () => {
    for (const [key, pin] of Object.entries(CHARTS)) {
        it(`${key}: ${pin.chart} ${pin.version} was released (reference/helm-charts.json)`, () => {
            expect(chartFacts(pin.chart), `${pin.chart} is not in reference/helm-charts.json`).to.not.equal(undefined);
            const newest = chartFacts(pin.chart)!.releases.filter((r) => !r.prerelease).slice(0, 3).map((r) => r.version);
            expect(isReleased(pin.chart, pin.version), `${pin.chart} ${pin.version} is not a release; newest: ${newest.join(", ")}`).to.equal(true);
        });

        it(`${key}: the values facts of ${pin.chart} ${pin.version} are in reference/`, () => {
            expect(valuesReference(pin.chart, pin.version), `add reference/helm-values-${pin.chart}-${pin.version}.json (reference/README.md)`).to.not.equal(undefined);
        });
    }

    it("every release the cluster program plans is a pinned chart at its pinned version", async () => {
        const pins = Object.values(CHARTS).map((c) => `${c.chart}@${c.version}`);
        const planned = helmReleases(await committedClusterPlan());
        expect(planned.length).to.be.greaterThan(0);
        for (const release of planned) expect(pins, release.name).to.include(`${release.chart}@${release.version}`);
    });

    it("refuses a version that was never released, and a prerelease", () => {
        expect(isReleased("metrics-server", "3.14.0")).to.equal(false);
        expect(isReleased("cert-manager", "v1.21.0-beta.0")).to.equal(false);
        expect(isReleased("cert-manager", "v1.21.1")).to.equal(true);
    });
});
