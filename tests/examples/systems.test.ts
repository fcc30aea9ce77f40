import { expect } from "chai";
import { loadEnvironmentSettings } from "../../config/environment";
import { ConfigError } from "../../config/load";
import { TIER_PRESETS, tierFor } from "../../config/tiers";
import { parseQuantity } from "../../model/quantity";
import { readStackConfig } from "../../plan/stackConfig";
import { exampleConfig, exampleStack, objectNamed, objectsOf, resourcesOfType } from "./support";

const RDS = "aws:rds/instance:Instance";
/** Path → service over the environment's HTTPRoutes. */
const routesOf = (run: any) => Object.fromEntries(objectsOf(run, "HTTPRoute").map((r: any) => [r.spec.rules[0].matches[0].path.value, r.spec.rules[0].backendRefs[0].name]));
const hostsOf = (run: any) => [...new Set(objectsOf(run, "HTTPRoute").flatMap((r: any) => r.spec.hostnames))];
const secretsOf = (deployment: any) => deployment.spec.template.spec.containers[0].envFrom.map((e: any) => e.secretRef.name);

describe("example: Expense Tracker (seed 001)", () => {
    const TIERS = {
        dev: { replicas: 2, host: "dev.k8s.dakshayahuja.in", instanceClass: "db.t3.micro", pdb: false },
        staging: { replicas: 2, host: "staging.k8s.dakshayahuja.in", instanceClass: "db.t3.small", pdb: true },
        prod: { replicas: 3, host: "k8s.dakshayahuja.in", instanceClass: "db.t3.medium", pdb: true },
    };
    for (const [stack, expected] of Object.entries(TIERS)) {
        it(`${stack}: frontend on /, backend on /api at ${expected.host}, ${expected.replicas} replicas each, PostgreSQL ${expected.instanceClass}`, async () => {
            const run = await exampleStack("expense-tracker", stack);
            expect(hostsOf(run)).to.deep.equal([expected.host]);
            expect(routesOf(run)).to.deep.equal({ "/": "frontend", "/api": "backend" });
            for (const service of ["frontend", "backend"]) {
                const deployment = objectNamed(run, "Deployment", service, `fintrax-${stack}`);
                expect(deployment.spec.replicas, service).to.equal(expected.replicas);
                expect(objectNamed(run, "HorizontalPodAutoscaler", service).spec.minReplicas, service).to.equal(expected.replicas);
                expect(objectsOf(run, "PodDisruptionBudget").some((p) => p.metadata.name === service), service).to.equal(expected.pdb);
                expect(secretsOf(deployment), service).to.deep.equal(["database"]);
            }
            expect(objectNamed(run, "Deployment", "backend").spec.template.spec.containers[0].ports[0].containerPort).to.equal(8000);
            const [database] = resourcesOfType(run, RDS);
            expect(database.inputs).to.deep.include({ engine: "postgres", instanceClass: expected.instanceClass, identifier: `fintrax-${stack}` });
        });
    }
});

describe("example: FinFlow (seed 002)", () => {
    const SERVICES = ["frontend", "api-gateway", "auth", "payments", "accounting", "analytics", "credit-engine"];
    const DATABASES = ["auth", "payments", "accounting", "analytics", "credit-engine"];
    const CRITICAL = ["api-gateway", "auth", "payments"];

    for (const stack of ["dev", "staging"]) {
        describe(stack, () => {
            it("runs the seven services, each with an autoscaler; the routes reach the frontend and the API gateway only", async () => {
                const run = await exampleStack("finflow", stack);
                expect(objectsOf(run, "Deployment").map((d) => d.metadata.name).sort()).to.deep.equal([...SERVICES].sort());
                for (const service of SERVICES) {
                    const hpa = objectNamed(run, "HorizontalPodAutoscaler", service);
                    expect(hpa.spec.scaleTargetRef.name, service).to.equal(service);
                }
                expect(routesOf(run)).to.deep.equal({ "/": "frontend", "/api": "api-gateway" });
            });

            it("gives each service that keeps data its own database, whose Secret only that service receives", async () => {
                const run = await exampleStack("finflow", stack);
                const instances = resourcesOfType(run, RDS).map((r) => r.inputs);
                expect(instances.map((i) => i.identifier).sort()).to.deep.equal(DATABASES.map((d) => `fintrax-${stack}-${d}`).sort());
                expect(instances.find((i) => i.identifier.endsWith("credit-engine")).dbName).to.equal("credit_engine");
                const preset = TIER_PRESETS[tierFor(stack)].database;
                for (const instance of instances) expect(instance.instanceClass, instance.identifier).to.equal(preset.instanceClass);
                expect(objectsOf(run, "Secret").map((s) => s.metadata.name).sort()).to.deep.equal(DATABASES.map((d) => `database-${d}`).sort());
                for (const service of SERVICES) {
                    const expected = DATABASES.includes(service) ? [`database-${service}`] : [];
                    expect(secretsOf(objectNamed(run, "Deployment", service)), service).to.deep.equal(expected);
                }
                expect(Object.keys(run.outputs.databases as object).sort()).to.deep.equal([...DATABASES].sort());
                expect(run.outputs).to.not.have.any.keys("databaseHost", "databaseName", "databasePort");
                // One storage alert per database.
                const rules = objectsOf(run, "PrometheusRule")[0].spec.groups[0].rules.filter((r: any) => r.alert === "FintraxDatabaseStorageLow");
                expect(rules).to.have.length(DATABASES.length);
            });

            it("marks the gateway, auth and payments critical, which below production runs at the standard class", async () => {
                const run = await exampleStack("finflow", stack);
                for (const service of SERVICES) {
                    expect(objectNamed(run, "Deployment", service).spec.template.spec.priorityClassName, service).to.equal("fintrax-standard");
                }
                const file = `examples/finflow/Pulumi.${stack}.yaml`;
                const asked = (exampleConfig(file)["fintrax:services"] as any[]).filter((s) => s.priority === "critical").map((s) => s.name);
                expect(asked).to.deep.equal(CRITICAL);
                const { settings } = loadEnvironmentSettings(file, readStackConfig(file).config);
                expect(settings.services.map((s) => s.priority)).to.deep.equal(SERVICES.map(() => "standard"));
            });
        });
    }

    it("says the seven services at production's floor cannot fit production's 25 pods (why there is no prod file)", () => {
        const file = "examples/finflow/Pulumi.staging.yaml";
        const { config } = readStackConfig(file);
        const services = JSON.parse(config["fintrax:services"]).map((s: any) => ({ ...s, replicas: { min: 3, max: 3 } }));
        const asProduction = { ...config, "fintrax:environment": "prod", "fintrax:services": JSON.stringify(services) };
        expect(() => loadEnvironmentSettings(file, asProduction)).to.throw(ConfigError, /fintrax:services: .*28 pods > quota\.pods 25/);
    });
});

describe("example: TByte (seed 003)", () => {
    const VALUES = {
        dev: { replicas: 1, requests: { cpu: "50m", memory: "64Mi" }, host: "dev.tbyte.local", instanceClass: "db.t3.micro" },
        staging: { replicas: 2, requests: { cpu: "100m", memory: "128Mi" }, host: "staging.tbyte.local", instanceClass: "db.t3.small" },
        prod: { replicas: 3, requests: { cpu: "200m", memory: "256Mi" }, host: "tbyte.local", instanceClass: "db.t3.medium" },
    };
    for (const [stack, values] of Object.entries(VALUES)) {
        it(`${stack}: replicaCount ${values.replicas}, requests ${values.requests.cpu}/${values.requests.memory}, host ${values.host}, ${values.instanceClass}`, async () => {
            const run = await exampleStack("tbyte", stack);
            const [deployment] = objectsOf(run, "Deployment");
            expect(objectsOf(run, "Deployment")).to.have.length(1);
            expect(deployment.metadata).to.deep.include({ name: "tbyte", namespace: `fintrax-${stack}` });
            expect(deployment.spec.replicas).to.equal(values.replicas);
            expect(objectNamed(run, "HorizontalPodAutoscaler", "tbyte").spec.minReplicas).to.equal(values.replicas);
            const { resources } = deployment.spec.template.spec.containers[0];
            expect(resources.requests).to.deep.equal(values.requests);
            expect(parseQuantity(resources.limits.memory)).to.equal(2 * parseQuantity(values.requests.memory));
            expect(hostsOf(run)).to.deep.equal([values.host]);
            expect(routesOf(run)).to.deep.equal({ "/": "tbyte" });
            expect(resourcesOfType(run, RDS).map((r) => r.inputs.instanceClass)).to.deep.equal([values.instanceClass]);
        });
    }
});

describe("example: the four-layer design (seed 004)", () => {
    for (const stack of ["dev", "staging", "prod"]) {
        const tier = tierFor(stack);
        const namespaces = [`fintrax-${stack}`, `data-${stack}`, `monitoring-${stack}`];

        it(`${stack}: data-${stack} and monitoring-${stack} next to fintrax-${stack}, each guarded, the quotas adding up to the tier's`, async () => {
            const run = await exampleStack("four-layer", stack);
            const created = resourcesOfType(run, "kubernetes:core/v1:Namespace");
            expect(created.map((n) => n.inputs.metadata.name)).to.have.members(namespaces);
            const inNamespace = (kind: string, namespace: string) => objectsOf(run, kind).filter((o) => o.metadata.namespace === namespace);
            const total = { cpu: 0, memory: 0, pods: 0 };
            for (const namespace of namespaces) {
                const object = created.find((n) => n.inputs.metadata.name === namespace)!;
                expect(object.protect, namespace).to.equal(tier !== "development");
                expect(object.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], namespace).to.equal(TIER_PRESETS[tier].podSecurity);
                const [quota] = inNamespace("ResourceQuota", namespace);
                total.cpu += parseQuantity(quota.spec.hard["requests.cpu"]);
                total.memory += parseQuantity(quota.spec.hard["requests.memory"]);
                total.pods += Number(quota.spec.hard.pods);
                expect(inNamespace("LimitRange", namespace), namespace).to.have.length(1);
                const policies = Object.fromEntries(inNamespace("NetworkPolicy", namespace).map((p) => [p.metadata.name, p.spec]));
                expect(policies["default-deny"], namespace).to.deep.equal({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
                const peers = policies["allow-environment-namespaces"].egress[0].to.map((t: any) => t.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]);
                expect(peers, namespace).to.have.members(namespaces.filter((n) => n !== namespace));
                expect(Object.keys(policies).includes("allow-from-ingress-controller"), namespace).to.equal(namespace === `fintrax-${stack}`);
                expect(inNamespace("Role", namespace).map((r) => r.metadata.name), namespace).to.deep.equal(["deployer"]);
                expect(inNamespace("RoleBinding", namespace).map((r) => r.metadata.name), namespace).to.have.members(["deployer", "fintrax-platform-deployer", "fintrax-platform-previewer"]);
            }
            const budget = TIER_PRESETS[tier].quota;
            expect(total).to.deep.equal({ cpu: parseQuantity(budget.requests.cpu), memory: parseQuantity(budget.requests.memory), pods: budget.pods });
            expect(run.outputs.extraNamespaces).to.deep.equal(namespaces.slice(1));
            const crashLoop = objectsOf(run, "PrometheusRule")[0].spec.groups[0].rules.find((r: any) => r.alert === "FintraxPodCrashLooping");
            expect(crashLoop.expr).to.include(`namespace=~"${namespaces.join("|")}"`);
        });
    }
});
