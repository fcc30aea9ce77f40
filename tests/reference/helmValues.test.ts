import { expect } from "chai";
import { Test } from "mocha";
import { committedClusterPlan, helmReleases } from "../cluster/support";
import { ancestry, flattenValues, isOpenMap, unknownValuesKeys } from "./helmValues";
import { valuesReference } from "./referenceData";

describe("reference: Helm values keys", () => {
    describe("every key the cluster program sets exists in its chart version", () => {
        it("plans releases to check", async () => {
            expect(helmReleases(await committedClusterPlan()).length).to.be.greaterThan(3);
        });

        // One test per planned release, generated from the plan so that charts added later are covered.
        before(async function () {
            const releases = helmReleases(await committedClusterPlan());
            const suite = this.test!.parent!;
            for (const release of releases) {
                suite.addTest(new Test(`${release.name}: ${release.chart} ${release.version}`, () => {
                    expect(unknownValuesKeys(release.chart, release.version, release.values)).to.deep.equal([]);
                }));
            }
        });
    });

    describe("the rule", () => {
        it("flattens values to the reference's key paths (dots in keys escaped, lists and empty maps as leaves)", () => {
            expect(flattenValues({ a: { b: 1, "eks.amazonaws.com/role-arn": "x" }, tolerations: [{ operator: "Exists" }], selector: {} }))
                .to.deep.equal(["a.b", "a.eks\\.amazonaws\\.com/role-arn", "tolerations", "selector"]);
            expect(ancestry("a.b\\.c.d")).to.deep.equal(["a", "a.b\\.c", "a.b\\.c.d"]);
        });

        it("fires on a misspelled key, at the top and nested", () => {
            expect(unknownValuesKeys("metrics-server", "3.13.1", { replcias: 2 }).map((u) => u.path)).to.deep.equal(["replcias"]);
            expect(unknownValuesKeys("metrics-server", "3.13.1", { podDisruptionBudget: { maxUnavialable: 1 } }).map((u) => u.path))
                .to.deep.equal(["podDisruptionBudget.maxUnavialable"]);
        });

        it("accepts keys under an empty default map, a map the templates render whole, and a subchart's own keys", () => {
            expect(isOpenMap(valuesReference("cluster-autoscaler", "9.59.0")!, "rbac.serviceAccount.annotations")).to.equal(true);
            expect(unknownValuesKeys("cluster-autoscaler", "9.59.0", {
                rbac: { serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": "arn" } } },
                extraArgs: { "balance-similar-node-groups": true },
            })).to.deep.equal([]);
            expect(unknownValuesKeys("kube-prometheus-stack", "83.7.0", { grafana: { persistence: { enabled: false } } })).to.deep.equal([]);
            expect(unknownValuesKeys("kube-prometheus-stack", "83.7.0", { grafana: { persistance: { enabled: false } } }).map((u) => u.path))
                .to.deep.equal(["grafana.persistance.enabled"]);
        });

        it("fires on a key a closed values schema rejects, even one the templates read", () => {
            const [problem] = unknownValuesKeys("cert-manager", "v1.21.1", { webhook: { replicaCoutn: 2 } });
            expect(problem.path).to.equal("webhook.replicaCoutn");
            expect(problem.reason).to.match(/closes webhook/);
        });

        it("fires on every key of a chart version without values facts", () => {
            expect(unknownValuesKeys("metrics-server", "9.9.9", { replicas: 1 })[0].reason).to.match(/no values facts/);
        });
    });
});
