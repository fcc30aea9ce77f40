import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { EnvironmentMonitoring, EnvironmentMonitoringArgs } from "../../components/environmentMonitoring";
import { componentError } from "../support/components";
import { committedPlan } from "../support/environment";
import { named, ofKind } from "../support/resources";
import { CLUSTER_FIXTURE } from "../support/clusterFixture";
import { validateKubernetesObjects } from "../../plan/kubernetesSchema";
import { StackRun, UNKNOWN } from "../../plan/runtime";

const SERVICES = ["frontend", "auth", "transactions", "categories", "analytics"];
const SEVERITY = { dev: "warning", staging: "warning", prod: "critical" } as const;
const STORAGE_GB = { dev: 20, staging: 20, prod: 100 } as const;
const ALERTS = [
    "FintraxPodCrashLooping",
    "FintraxServiceErrorRateHigh",
    "FintraxServiceLatencyP95High",
    "FintraxServiceLatencyP99High",
    "FintraxNamespaceQuotaNearlyFull",
    "FintraxAutoscalerAtMaximum",
    "FintraxDatabaseStorageLow",
    "FintraxDatabaseStorageMetricsMissing",
];
const { key: PROMETHEUS_KEY, value: PROMETHEUS_VALUE } = CLUSTER_FIXTURE.prometheusSelectorLabel;
const { key: DASHBOARD_KEY, value: DASHBOARD_VALUE } = CLUSTER_FIXTURE.grafanaDashboardLabel;

/** Every (, [ and { closed in order, outside quoted strings: a cheap guard against a broken query. */
function balanced(expr: string): boolean {
    const stack: string[] = [];
    const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
    let quoted = false;
    for (const char of expr) {
        if (char === "\"") quoted = !quoted;
        else if (quoted) continue;
        else if ("([{".includes(char)) stack.push(char);
        else if (pairs[char] && stack.pop() !== pairs[char]) return false;
    }
    return stack.length === 0 && !quoted;
}

for (const [stack, severity] of Object.entries(SEVERITY)) {
    const namespace = `fintrax-${stack}`;

    describe(`environment ${stack}: monitoring on the shared Prometheus and Grafana`, () => {
        let run: StackRun;
        before(async () => { run = await committedPlan(stack); });

        it("scrapes every service: one ServiceMonitor each, selecting its Service, on http /metrics", () => {
            const monitors = ofKind(run, "ServiceMonitor");
            expect(monitors.map((m) => m.inputs.metadata.name).sort()).to.deep.equal([...SERVICES].sort());
            for (const service of SERVICES) {
                const monitor = named(monitors, service).inputs;
                const svc = named(ofKind(run, "Service"), service).inputs;
                expect(monitor.apiVersion).to.equal("monitoring.coreos.com/v1");
                expect(monitor.metadata.labels[PROMETHEUS_KEY]).to.equal(PROMETHEUS_VALUE);
                expect(monitor.spec.selector.matchLabels).to.deep.equal(svc.spec.selector);
                expect(svc.metadata.labels).to.deep.include(monitor.spec.selector.matchLabels);
                expect(svc.spec.ports.map((p: any) => p.name)).to.include("http");
                expect(monitor.spec.namespaceSelector).to.deep.equal({ matchNames: [namespace] });
                expect(monitor.spec.endpoints).to.deep.equal([{ port: "http", path: "/metrics", interval: "30s", scrapeTimeout: "10s" }]);
            }
        });

        it(`alerts through one PrometheusRule, every alert ${severity} (a monitoring gap only warns), every query scoped to ${namespace}`, () => {
            const rules = ofKind(run, "PrometheusRule");
            expect(rules).to.have.length(1);
            const rule = rules[0].inputs;
            expect(rule.apiVersion).to.equal("monitoring.coreos.com/v1");
            expect(rule.metadata.labels[PROMETHEUS_KEY]).to.equal(PROMETHEUS_VALUE);
            expect(rule.spec.groups).to.have.length(1);
            const alerts = rule.spec.groups[0].rules;
            expect(alerts.map((a: any) => a.alert)).to.deep.equal(ALERTS);
            for (const alert of alerts) {
                const expected = alert.alert === "FintraxDatabaseStorageMetricsMissing" ? "warning" : severity;
                expect(alert.labels, alert.alert).to.deep.equal({ severity: expected, environment: stack, namespace });
                expect(alert.for, alert.alert).to.match(/^\d+[mh]$/);
                expect(alert.annotations.summary, alert.alert).to.match(new RegExp(`^${stack}: `));
                expect(balanced(alert.expr), alert.expr).to.equal(true);
                // Kubernetes series by namespace; the database's CloudWatch series by the environment's instance.
                const scopes = [...alert.expr.matchAll(/(namespace|dimension_DBInstanceIdentifier)(=~?|!=)"([^"]*)"/g)];
                expect(scopes.length, alert.expr).to.be.greaterThan(0);
                for (const [, , operator, value] of scopes) expect([operator, value], alert.expr).to.deep.equal(["=", namespace]);
                // Every metric selector carries a scope (no bare `metric[5m]` or `metric)`).
                expect(alert.expr, alert.alert).to.not.match(/[a-z_]+_(total|bucket|replicas|average|reason|resourcequota)(\[|\)| )/);
            }
        });

        it("alerts on the metrics the services and kube-state-metrics really expose", () => {
            const alerts = Object.fromEntries(ofKind(run, "PrometheusRule")[0].inputs.spec.groups[0].rules.map((a: any) => [a.alert, a.expr]));
            expect(alerts.FintraxPodCrashLooping).to.include("kube_pod_container_status_restarts_total").and.include("CrashLoopBackOff");
            expect(alerts.FintraxServiceErrorRateHigh).to.include("http_requests_total").and.include("status=~\"5..\"").and.include("> 0.05");
            expect(alerts.FintraxServiceLatencyP95High).to.match(/^histogram_quantile\(0\.95, .*http_request_duration_seconds_bucket.*> 0\.5$/);
            expect(alerts.FintraxServiceLatencyP99High).to.match(/^histogram_quantile\(0\.99, .*http_request_duration_seconds_bucket.*> 1$/);
            expect(alerts.FintraxNamespaceQuotaNearlyFull).to.include("type=\"used\"").and.include("type=\"hard\"").and.match(/> 0\.9$/);
            expect(alerts.FintraxAutoscalerAtMaximum).to.include("kube_horizontalpodautoscaler_status_current_replicas")
                .and.include(">= ").and.include("kube_horizontalpodautoscaler_spec_max_replicas");
            const instance = `aws_rds_free_storage_space_average{dimension_DBInstanceIdentifier="${namespace}"}`;
            expect(alerts.FintraxDatabaseStorageLow).to.equal(`${instance} < ${Math.round(STORAGE_GB[stack as keyof typeof STORAGE_GB] * 1024 ** 3 / 10)}`);
            expect(alerts.FintraxDatabaseStorageMetricsMissing).to.equal(`absent(${instance})`);
        });

        it("ships a Grafana dashboard the sidecar loads, whose environment variable starts at this environment", () => {
            const configMap = named(ofKind(run, "ConfigMap"), "fintrax-dashboard").inputs;
            expect(configMap.metadata.namespace).to.equal(namespace);
            expect(configMap.metadata.labels[DASHBOARD_KEY]).to.equal(DASHBOARD_VALUE);
            expect(configMap.metadata.annotations).to.deep.equal({ grafana_folder: "Fintrax" });
            expect(Object.keys(configMap.data)).to.deep.equal([`fintrax-${stack}.json`]);
            const dashboard = JSON.parse(configMap.data[`fintrax-${stack}.json`]);
            expect(dashboard.uid).to.equal(`fintrax-${stack}`);
            const variables = Object.fromEntries(dashboard.templating.list.map((v: any) => [v.name, v]));
            expect(variables.datasource).to.deep.include({ type: "datasource", query: "prometheus" });
            expect(variables.environment).to.deep.include({ type: "query", regex: "/^fintrax-(.+)$/", multi: false, includeAll: false });
            expect(variables.environment.current).to.deep.include({ text: stack, value: stack });
            expect(variables.environment.query.query).to.equal("label_values(kube_resourcequota{namespace=~\"fintrax-.+\"}, namespace)");

            const titles = dashboard.panels.map((p: any) => p.title);
            for (const wanted of [/request rate/i, /error/i, /latency p95/i, /latency p99/i, /pods/i, /quota/i]) {
                expect(titles.some((t: string) => wanted.test(t)), String(wanted)).to.equal(true);
            }
            expect(new Set(dashboard.panels.map((p: any) => p.id)).size).to.equal(dashboard.panels.length);
            for (const panel of dashboard.panels) {
                expect(panel.datasource).to.deep.equal({ type: "prometheus", uid: "${datasource}" });
                for (const target of panel.targets) {
                    expect(target.expr, panel.title).to.include("namespace=\"fintrax-$environment\"").and.not.include(namespace);
                    expect(balanced(target.expr), target.expr).to.equal(true);
                }
            }
        });

        it("validates the ServiceMonitors, the PrometheusRule, the dashboard and the database Secret against their schemas", async () => {
            const ours = ["ServiceMonitor", "PrometheusRule", "ConfigMap", "Secret"].flatMap((kind) => ofKind(run, kind));
            // + the PrometheusRule, the dashboard, the database Secret and the RDS CA bundle ConfigMap.
            expect(ours).to.have.length(SERVICES.length + 4);
            expect(await validateKubernetesObjects(ours)).to.deep.equal([]);
        });
    });
}

describe("environment monitoring: the schema check covers the custom resources", () => {
    it("rejects a PrometheusRule and a ServiceMonitor that the API server would", async () => {
        const run = await committedPlan("dev");
        const [rule] = ofKind(run, "PrometheusRule");
        const [monitor] = ofKind(run, "ServiceMonitor");
        const brokenRule = structuredClone(rule);
        brokenRule.inputs.spec.groups[0].rules[0].for = 300;
        const brokenMonitor = structuredClone(monitor);
        brokenMonitor.inputs.spec.endpoints[0].port = 8080;
        const problems = await validateKubernetesObjects([brokenRule, brokenMonitor]);
        expect(problems.map((p) => p.urn)).to.deep.equal([rule.urn, monitor.urn]);
    });

    it("does not blame a value a first preview does not know yet, and still finds the known problem next to it", async () => {
        const run = await committedPlan("dev");
        const [monitor] = ofKind(run, "ServiceMonitor");
        const previewed = structuredClone(monitor);
        previewed.inputs.spec.endpoints[0].port = UNKNOWN;
        expect(await validateKubernetesObjects([previewed])).to.deep.equal([]);
        previewed.inputs.spec.endpoints[0].interval = 30;
        expect((await validateKubernetesObjects([previewed])).map((p) => p.message)).to.deep.equal(["data/spec/endpoints/0/interval must be string"]);
    });
});

describe("environment monitoring: its inputs", () => {
    const args: EnvironmentMonitoringArgs = {
        environment: "dev", namespace: "fintrax-dev", severity: "warning", services: [], labels: {},
        prometheusSelectorLabel: { key: "release", value: "kube-prometheus-stack" }, grafanaDashboardLabel: { key: "grafana_dashboard", value: "1" },
    };

    it("refuse, as a ResourceError of the component, a namespace that does not end with the environment's name", async () => {
        const error = await componentError(() => new EnvironmentMonitoring("monitoring", { ...args, namespace: "fintrax-prod" }));
        expect(error).to.be.instanceOf(pulumi.ResourceError);
        expect((error as Error).message).to.equal("the namespace fintrax-prod must end with the environment's name dev");
        expect(await componentError(() => new EnvironmentMonitoring("monitoring", args))).to.equal(undefined);
    });
});
