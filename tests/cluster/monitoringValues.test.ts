import { expect } from "chai";
import { ALLOY_CONFIG } from "../../components/cluster/monitoring/alloyPipeline";
import { LOKI_PUSH_URL } from "../../components/cluster/monitoring/names";
import { alloyValues, lokiValues, MONITORING_CONTAINERS, prometheusStackValues } from "../../components/cluster/monitoring/values";
import { CHARTS } from "../../components/cluster/charts";
import { unknownValuesKeys } from "../reference/helmValues";

const scheduling = {
    nodeSelector: { "workload-type": "monitoring" },
    tolerations: [{ key: "workload-type", operator: "Equal", value: "monitoring", effect: "NoSchedule" }],
};

describe("monitoring: each release's values", () => {
    it("kube-prometheus-stack: every key known to the pinned chart, the stateful parts on the monitoring nodes", () => {
        const values = prometheusStackValues(scheduling, "gp3");
        const pin = CHARTS.kubePrometheusStack;
        expect(unknownValuesKeys(pin.chart, pin.version, values)).to.deep.equal([]);
        expect(values.prometheus.prometheusSpec).to.deep.include({ ...scheduling, resources: MONITORING_CONTAINERS.prometheus });
        expect(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).to.equal("gp3");
        expect(values.alertmanager.alertmanagerSpec).to.deep.include({ ...scheduling, alertmanagerConfiguration: { name: "platform-alerting" } });
        expect(values["prometheus-node-exporter"].tolerations).to.deep.equal([{ operator: "Exists" }]);
    });

    it("Loki: every key known to the pinned chart, one binary with its volume on the given storage class", () => {
        const values = lokiValues(scheduling, "gp3");
        const pin = CHARTS.loki;
        expect(unknownValuesKeys(pin.chart, pin.version, values)).to.deep.equal([]);
        expect(values.singleBinary).to.deep.include({ ...scheduling, replicas: 1 });
        expect(values.singleBinary.persistence).to.deep.equal({ enabled: true, size: "10Gi", storageClass: "gp3" });
    });

    it("Alloy: every key known to the pinned chart, on every node, with the pipeline that pushes to Loki", () => {
        const values = alloyValues();
        const pin = CHARTS.alloy;
        expect(unknownValuesKeys(pin.chart, pin.version, values)).to.deep.equal([]);
        expect(values.controller).to.deep.include({ type: "daemonset", tolerations: [{ operator: "Exists" }] });
        expect(values.alloy.configMap.content).to.equal(ALLOY_CONFIG);
    });

    it("the Alloy pipeline tails its own node's pods and writes to Loki's push URL", () => {
        expect(ALLOY_CONFIG).to.include('field = "spec.nodeName=" + sys.env("HOSTNAME")');
        expect(ALLOY_CONFIG).to.include(`url = "${LOKI_PUSH_URL}"`);
        expect(LOKI_PUSH_URL).to.equal("http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push");
    });
});
