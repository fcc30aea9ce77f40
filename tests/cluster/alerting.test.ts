import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { ALERT_WEBHOOK_KEY, CLUSTER_NAMESPACE, loadClusterSettings, OFFLINE_SECRET_PLACEHOLDER } from "../../config/cluster";
import { plan } from "../../plan/plan";
import { SECRET, type StackRun } from "../../plan/runtime";
import { ALERT_RECEIVER_SECRET, CERTIFICATE_ALERTS, WEBHOOK_URL_KEY } from "../../components/cluster/monitoring/alerting";
import { clusterConfig, clusterConfigRejection, committedClusterPlan, planCluster, planClusterWithSecrets, STACK_FILE } from "./support";
import { one, release } from "../support/resources";

const KEY = `${CLUSTER_NAMESPACE}:${ALERT_WEBHOOK_KEY}`;
const URL = "https://hooks.example.com/services/T000/B000/very-secret-token";
const ALERTMANAGER_CONFIG = "kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig";

const routing = (run: StackRun) => one(run, ALERTMANAGER_CONFIG, "monitoring-alerting-routing").inputs.spec;

describe("cluster alerting", () => {
    describe("committed config", () => {
        it("holds the webhook URL encrypted: the offline plan sees a secret placeholder and routes to it", async () => {
            const run = await committedClusterPlan();
            expect(routing(run).receivers.map((r: { name: string }) => r.name)).to.deep.equal(["ui-only", "on-call"]);
            expect(one(run, "kubernetes:core/v1:Secret", "monitoring-alerting-receivers").inputs.stringData).to.deep.equal({ [WEBHOOK_URL_KEY]: SECRET });
            expect(run.warnings).to.deep.equal([]);
        });

        it("without a receiver, keeps every alert in Alertmanager's UI and warns that critical alerts reach no one", async () => {
            const run = await planCluster({ [KEY]: undefined });
            expect(routing(run).receivers).to.deep.equal([{ name: "ui-only" }]);
            expect(routing(run).route.routes).to.deep.equal([]);
            expect(run.warnings.join("\n")).to.include(`${KEY} is not set`);
            expect(run.resources.filter((r) => r.inputs.metadata?.name === ALERT_RECEIVER_SECRET)).to.deep.equal([]);
        });

        it("hands Alertmanager's whole configuration to the AlertmanagerConfig", async () => {
            const values = release(await committedClusterPlan(), "kube-prometheus-stack").inputs.values;
            expect(values.alertmanager.alertmanagerSpec.alertmanagerConfiguration).to.deep.equal({ name: "platform-alerting" });
        });

        it("alerts on certificates that expire within 14 days, from cert-manager's metric, for the shared Prometheus", async () => {
            const rule = one(await committedClusterPlan(), "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "monitoring-alerting-certificates");
            expect(rule.inputs.metadata.labels.release).to.equal("kube-prometheus-stack");
            const [expiring] = rule.inputs.spec.groups[0].rules;
            expect(expiring).to.deep.include({ alert: "CertificateExpiringSoon", labels: { severity: "critical" } });
            expect(expiring.expr).to.match(/^certmanager_certificate_expiration_timestamp_seconds - time\(\) < 14 \* 24 \* 3600$/);
            expect(rule.inputs.spec.groups[0].rules).to.deep.equal(CERTIFICATE_ALERTS);
        });
    });

    describe("with a webhook URL (a Pulumi secret)", () => {
        let run: StackRun;
        before(async () => {
            run = await planClusterWithSecrets({ [KEY]: URL });
        });

        it("routes critical alerts (production's severity) to the webhook, which reads its URL from a Secret", () => {
            const spec = routing(run);
            expect(spec.route.routes).to.deep.equal([{ receiver: "on-call", matchers: [{ name: "severity", value: "critical", matchType: "=" }] }]);
            expect(spec.receivers[1]).to.deep.equal({
                name: "on-call",
                webhookConfigs: [{ urlSecret: { name: ALERT_RECEIVER_SECRET, key: WEBHOOK_URL_KEY }, sendResolved: true }],
            });
            const secret = one(run, "kubernetes:core/v1:Secret", "monitoring-alerting-receivers");
            expect(secret.inputs.metadata).to.deep.include({ name: ALERT_RECEIVER_SECRET, namespace: "monitoring" });
            expect(secret.inputs.stringData).to.deep.equal({ [WEBHOOK_URL_KEY]: URL });
            expect(secret.maskedInputs.stringData).to.equal(SECRET);
        });

        it("never shows the URL in plain: not in masked inputs or outputs, and in no resource but the Secret", () => {
            for (const resource of run.resources) {
                expect(JSON.stringify(resource.maskedInputs), resource.urn).to.not.include(URL);
                if (resource.name !== "monitoring-alerting-receivers") expect(JSON.stringify(resource.inputs), resource.urn).to.not.include(URL);
            }
            expect(JSON.stringify(run.maskedOutputs)).to.not.include(URL);
            expect(run.warnings.join("\n")).to.not.include(KEY);
        });
    });

    describe("offline, a secure: value is a secret placeholder", () => {
        let dir: string;
        before(() => {
            dir = mkdtempSync(path.join(os.tmpdir(), "fintrax-alerting-"));
        });
        after(() => rmSync(dir, { recursive: true, force: true }));

        it("plans the receiver from an encrypted value without ever showing its ciphertext", async () => {
            const ciphertext = "v1:N2IqPQjE2m0AAAAAcipher-text-of-the-url";
            const document = parse(readFileSync(path.resolve(__dirname, "../../cluster/Pulumi.shared.yaml"), "utf8"));
            document.config[KEY] = { secure: ciphertext };
            const file = path.join(dir, "Pulumi.shared.yaml");
            writeFileSync(file, stringify(document));
            const report = await plan({ stacks: ["shared"], configFile: file });
            const text = JSON.stringify(report);
            expect(text).to.not.include(ciphertext);
            const [stack] = report.stacks;
            expect(stack.violations).to.deep.equal([]);
            const secret = stack.resources.find((r) => r.name === "monitoring-alerting-receivers")!;
            expect((secret.inputs as any).stringData).to.equal(SECRET);
        });

        it("accepts the placeholder only as what it is, a secret", () => {
            expect(OFFLINE_SECRET_PLACEHOLDER).to.equal(SECRET);
            const settings = loadClusterSettings(STACK_FILE, clusterConfig({ [KEY]: OFFLINE_SECRET_PLACEHOLDER }), (key) => key === KEY);
            expect(settings.alertWebhookConfigured).to.equal(true);
        });
    });

    describe("bad config", () => {
        const rejection = (value: string, secret: boolean): string => clusterConfigRejection({ [KEY]: value }, (key) => secret && key === KEY).message;

        it("refuses a webhook URL written in plain in the stack file", () => {
            expect(rejection(URL, false)).to.equal(`${STACK_FILE}: ${KEY}: must be a secret (pulumi config set --secret ${KEY} https://…): the URL is a credential`);
        });

        it("refuses a URL that is not https, without quoting it", () => {
            const message = rejection("http://hooks.example.com/x", true);
            expect(message).to.equal(`${STACK_FILE}: ${KEY}: must be an https:// URL (the webhook Alertmanager posts critical alerts to; the value is not shown, it is a secret)`);
            expect(message).to.not.include("hooks.example.com");
        });
    });
});
