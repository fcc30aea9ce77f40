import { expect } from "chai";
import { loadEnvironmentSettings } from "../../config/environment";
import { ConfigError } from "../../config/load";
import { DEFAULT_SERVICES } from "../../config/tiers";
import { planEnvironment } from "../support/environment";
import { withOverrides } from "../../plan/stackConfig";

const FILE = "Pulumi.dev.yaml";
const BASE = { "fintrax:environment": "dev", "fintrax:domain": "fintrax.example.com" };
const SERVICE = { name: "api", image: "ghcr.io/fintrax/api:1.0.0", port: 8080 };
/** A service using the named database `payments`, and that database. */
const NAMED = { "fintrax:services": [{ ...SERVICE, database: "payments" }], "fintrax:database": [{ name: "payments" }] };
const QUOTA = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" }, pods: 3 };

function load(overrides: Record<string, unknown>) {
    return loadEnvironmentSettings(FILE, withOverrides({ config: BASE, secretKeys: [] }, overrides).config);
}

function rejection(overrides: Record<string, unknown>): string {
    try {
        load(overrides);
    } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        return (error as Error).message;
    }
    throw new Error("the config was accepted");
}

describe("environment config: bad values are rejected with the stack file and the key path", () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
        ["environment missing", { "fintrax:environment": undefined }, "fintrax:environment", /required/],
        ["environment not a DNS label", { "fintrax:environment": "Dev_1" }, "fintrax:environment", /DNS label/],
        ["environment longer than 20", { "fintrax:environment": "a".repeat(21) }, "fintrax:environment", /at most 20/],
        ["unknown tier", { "fintrax:tier": "prod" }, "fintrax:tier", /development, staging, production/],
        ["domain not a DNS name", { "fintrax:domain": "https://fintrax.io" }, "fintrax:domain", /DNS name/],
        ["cluster stack with two segments", { "fintrax:clusterStack": "fintrax-cluster/shared" }, "fintrax:clusterStack", /org\/project\/stack/],
        ["unknown top-level key", { "fintrax:servcies": [] }, "fintrax:servcies", /unknown key.*services/],
        ["quota limits below requests", { "fintrax:quota": { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "1", memory: "8Gi" }, pods: 10 } }, "fintrax:quota.limits.cpu", /at least requests.cpu/],
        ["quota with a malformed quantity", { "fintrax:quota": { requests: { cpu: "two", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: 10 } }, "fintrax:quota.requests.cpu", /CPU quantity/],
        ["quota pods not a positive integer", { "fintrax:quota": { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: 0 } }, "fintrax:quota.pods", /whole number/],
        ["quota missing pods", { "fintrax:quota": { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } } }, "fintrax:quota.pods", /required/],
        ["services empty", { "fintrax:services": [] }, "fintrax:services", /at least one/],
        ["service name not a DNS label", { "fintrax:services": [{ ...SERVICE, name: "API" }] }, "fintrax:services[0].name", /DNS label/],
        ["duplicate service names", { "fintrax:services": [SERVICE, SERVICE] }, "fintrax:services[1].name", /unique/],
        ["image without a tag", { "fintrax:services": [{ ...SERVICE, image: "nginx" }] }, "fintrax:services[0].image", /pinned by tag or digest/],
        ["image tagged latest", { "fintrax:services": [{ ...SERVICE, image: "ghcr.io/fintrax/api:latest" }] }, "fintrax:services[0].image", /latest/],
        ["port out of range", { "fintrax:services": [{ ...SERVICE, port: 70000 }] }, "fintrax:services[0].port", /1 to 65535/],
        ["path without a slash", { "fintrax:services": [{ ...SERVICE, path: "api" }] }, "fintrax:services[0].path", /starting with '\/'/],
        ["replicas min above max", { "fintrax:services": [SERVICE, { ...SERVICE, name: "b" }, { ...SERVICE, name: "c", replicas: { min: 3, max: 2 } }] }, "fintrax:services[2].replicas.min", /at most replicas.max/],
        ["replicas min zero", { "fintrax:services": [{ ...SERVICE, replicas: { min: 0, max: 2 } }] }, "fintrax:services[0].replicas.min", /whole number from 1/],
        ["service limits below requests", { "fintrax:services": [{ ...SERVICE, resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "100m", memory: "128Mi" } } }] }, "fintrax:services[0].resources.limits.memory", /at least requests.memory/],
        ["unknown service key", { "fintrax:services": [{ ...SERVICE, replica: 2 }] }, "fintrax:services[0].replica", /unknown key.*replicas/],
        ["env value not a string", { "fintrax:services": [{ ...SERVICE, env: { DEBUG: true } }] }, "fintrax:services[0].env.DEBUG", /string/],
        ["deployer not an IAM ARN", { "fintrax:deployers": ["github-actions"] }, "fintrax:deployers[0]", /IAM principal ARN/],
        ["database class without db.", { "fintrax:database": { instanceClass: "t3.micro", allocatedStorageGb: 20, multiAz: false, backupRetentionDays: 1 } }, "fintrax:database.instanceClass", /db\.t3\.medium/],
        ["database storage under 20 GB", { "fintrax:database": { instanceClass: "db.t3.micro", allocatedStorageGb: 10, multiAz: false, backupRetentionDays: 1 } }, "fintrax:database.allocatedStorageGb", /20 to 65536/],
        ["database backups over 35 days", { "fintrax:database": { instanceClass: "db.t3.micro", allocatedStorageGb: 20, multiAz: false, backupRetentionDays: 36 } }, "fintrax:database.backupRetentionDays", /0 to 35/],
        ["database multiAz not a boolean", { "fintrax:database": { instanceClass: "db.t3.micro", allocatedStorageGb: 20, multiAz: "yes", backupRetentionDays: 1 } }, "fintrax:database.multiAz", /true or false/],
        ["services that cannot start within the quota", { "fintrax:services": [{ ...SERVICE, replicas: { min: 11, max: 11 } }] }, "fintrax:services", /maximum replicas: 11 pods > quota.pods 10/],
        ["services whose autoscalers could outgrow the quota", { "fintrax:services": [{ ...SERVICE, replicas: { min: 2, max: 12 } }] }, "fintrax:services", /maximum replicas.*12 pods > quota.pods 10/],
        ["unknown service priority", { "fintrax:services": [{ ...SERVICE, priority: "high" }] }, "fintrax:services[0].priority", /critical, standard/],
        ["database neither a map nor a list", { "fintrax:database": "db.t3.micro" }, "fintrax:database", /a map of keys to values or a list/],
        ["unknown key of the single database", { "fintrax:database": { instanceClass: "db.t3.micro", allocatedStorageGb: 20, multiAz: false, backupRetentionDays: 1, size: 1 } }, "fintrax:database.size", /unknown key \(allowed here: instanceClass, allocatedStorageGb, multiAz, backupRetentionDays\)/],
        ["database list empty", { ...NAMED, "fintrax:database": [] }, "fintrax:database", /at least one database/],
        ["database name not a letter first", { ...NAMED, "fintrax:database": [{ name: "1payments" }] }, "fintrax:database[0].name", /database name/],
        ["database name with a double hyphen", { ...NAMED, "fintrax:database": [{ name: "pay--ments" }] }, "fintrax:database[0].name", /single '-'/],
        ["duplicate database names", { ...NAMED, "fintrax:database": [{ name: "payments" }, { name: "payments" }] }, "fintrax:database[1].name", /unique: database\[0\] is also named "payments"/],
        ["named database storage under 20 GB", { ...NAMED, "fintrax:database": [{ name: "payments", allocatedStorageGb: 10 }] }, "fintrax:database[0].allocatedStorageGb", /20 to 65536/],
        ["unknown key of a named database", { ...NAMED, "fintrax:database": [{ name: "payments", size: 1 }] }, "fintrax:database[0].size", /unknown key \(allowed here: name, instanceClass/],
        ["service naming a database not listed", { ...NAMED, "fintrax:services": [{ ...SERVICE, database: "ledger" }] }, "fintrax:services[0].database", /must name a database of fintrax:database \(payments\)/],
        ["service naming a database of a single-database environment", { "fintrax:services": [{ ...SERVICE, database: "payments" }] }, "fintrax:services[0].database", /single database/],
        ["database no service names", { ...NAMED, "fintrax:database": [{ name: "payments" }, { name: "ledger" }] }, "fintrax:database[1].name", /no service of fintrax:services receives "ledger"/],
        ["named databases with the default services", { "fintrax:database": [{ name: "payments" }] }, "fintrax:database[0].name", /no service/],
        ["extra namespace not a DNS label", { "fintrax:extraNamespaces": [{ name: "Data", quota: QUOTA }] }, "fintrax:extraNamespaces[0].name", /DNS label/],
        ["extra namespace named fintrax", { "fintrax:extraNamespaces": [{ name: "fintrax", quota: QUOTA }] }, "fintrax:extraNamespaces[0].name", /must not be fintrax/],
        ["extra namespace named kube-…", { "fintrax:extraNamespaces": [{ name: "kube-data", quota: QUOTA }] }, "fintrax:extraNamespaces[0].name", /nor start with kube/],
        ["duplicate extra namespaces", { "fintrax:extraNamespaces": [{ name: "data", quota: QUOTA }, { name: "data", quota: QUOTA }] }, "fintrax:extraNamespaces[1].name", /unique/],
        ["extra namespace without a quota", { "fintrax:extraNamespaces": [{ name: "data" }] }, "fintrax:extraNamespaces[0].quota", /required/],
        ["extra namespace quota limits below requests", { "fintrax:extraNamespaces": [{ name: "data", quota: { ...QUOTA, limits: { cpu: "100m", memory: "2Gi" } } }] }, "fintrax:extraNamespaces[0].quota.limits.cpu", /at least requests.cpu/],
        ["unknown key of an extra namespace", { "fintrax:extraNamespaces": [{ name: "data", quota: QUOTA, pods: 3 }] }, "fintrax:extraNamespaces[0].pods", /unknown key \(allowed here: name, quota\)/],
    ];
    for (const [title, overrides, key, allowed] of cases) {
        it(`${title}: ${key}`, () => {
            const message = rejection(overrides);
            expect(message).to.contain(`${FILE}: ${key}:`);
            expect(message).to.match(allowed);
            expect(message).not.to.match(/TypeError|\n\s+at /);
        });
    }

    it("lists every problem of a file in one message", () => {
        const message = rejection({ "fintrax:environment": "Dev", "fintrax:domain": "-" });
        expect(message).to.contain(`${FILE}: fintrax:environment:`).and.to.contain(`${FILE}: fintrax:domain:`);
    });

    it("rejects a bad config before any resource is registered", async () => {
        let thrown: unknown;
        try {
            await planEnvironment("dev", { "fintrax:environment": "DEV" }, "Pulumi.broken.yaml");
        } catch (error) {
            thrown = error;
        }
        expect(thrown).to.be.instanceOf(ConfigError);
        expect((thrown as Error).message).to.contain("Pulumi.broken.yaml: fintrax:environment:");
    });
});

describe("environment config: defaults", () => {
    it("derives the tier from the environment name", () => {
        expect(load({}).settings.tier).to.equal("development");
        expect(load({ "fintrax:environment": "pr-42" }).settings.tier).to.equal("development");
        expect(load({ "fintrax:environment": "staging" }).settings.tier).to.equal("staging");
        expect(load({ "fintrax:environment": "prod" }).settings.tier).to.equal("production");
        expect(load({ "fintrax:environment": "perf", "fintrax:tier": "production" }).settings.tier).to.equal("production");
    });

    it("serves production at the bare domain and other environments at <environment>.<domain>", () => {
        expect(load({ "fintrax:environment": "prod" }).settings.host).to.equal("fintrax.example.com");
        expect(load({ "fintrax:environment": "pr-42" }).settings.host).to.equal("pr-42.fintrax.example.com");
    });

    it("fits the default services into every tier's quota at their maximum (a misfit is an error)", () => {
        for (const environment of ["dev", "staging", "prod"]) {
            expect(() => load({ "fintrax:environment": environment }), environment).not.to.throw();
        }
    });

    it("holds production's worst case: every service at its maximum, each surging one pod", () => {
        // 5 services × (4 + 1) = 25 pods exactly; one more replica anywhere is an error.
        const prod = { "fintrax:environment": "prod" };
        expect(load(prod).settings.quota.pods).to.equal(25);
        const services = DEFAULT_SERVICES.map((s) => ({ ...s, replicas: { min: 3, max: s.name === "auth" ? 5 : 4 } }));
        expect(() => load({ ...prod, "fintrax:services": services })).to.throw(ConfigError, /plus 1 rollout surge each: 26 pods > quota.pods 25[.;]/);
    });

    it("reads numbers and booleans written as text in the stack file", () => {
        const { settings } = load({ "fintrax:database": { instanceClass: "db.t3.micro", allocatedStorageGb: "40", multiAz: "true", backupRetentionDays: "3" } });
        expect(settings.databases).to.deep.equal([{ instanceClass: "db.t3.micro", allocatedStorageGb: 40, multiAz: true, backupRetentionDays: 3 }]);
    });

    it("keeps the single database as it was, and fills a named database's sizes in from the tier", () => {
        expect(load({}).settings.databases).to.deep.equal([{ instanceClass: "db.t3.micro", allocatedStorageGb: 20, multiAz: false, backupRetentionDays: 1 }]);
        const { settings } = load({ ...NAMED, "fintrax:environment": "prod", "fintrax:database": [{ name: "payments", allocatedStorageGb: 200 }] });
        expect(settings.databases).to.deep.equal([{ name: "payments", instanceClass: "db.t3.medium", allocatedStorageGb: 200, multiAz: true, backupRetentionDays: 14 }]);
        expect(settings.services[0].database).to.equal("payments");
    });

    it("honours priority: critical in production only, and runs everything else at standard", () => {
        const services = [{ ...SERVICE, priority: "critical" }, { ...SERVICE, name: "b" }];
        expect(load({ "fintrax:environment": "prod", "fintrax:services": services }).settings.services.map((s) => s.priority)).to.deep.equal(["critical", "standard"]);
        for (const environment of ["dev", "staging"]) {
            expect(load({ "fintrax:environment": environment, "fintrax:services": services }).settings.services.map((s) => s.priority)).to.deep.equal(["standard", "standard"]);
        }
        expect(load({}).settings.services.every((s) => s.priority === "standard")).to.equal(true);
    });

    it("names an extra namespace <name>-<environment>, with no extra namespace by default", () => {
        expect(load({}).settings.extraNamespaces).to.deep.equal([]);
        const { settings } = load({ "fintrax:environment": "staging", "fintrax:extraNamespaces": [{ name: "data", quota: { ...QUOTA, pods: "3" } }] });
        expect(settings.extraNamespaces).to.deep.equal([{ name: "data-staging", quota: QUOTA }]);
    });

    it("stops a run whose quota cannot hold the worst case before anything is registered", async () => {
        const run = planEnvironment("dev", { "fintrax:services": [{ ...SERVICE, replicas: { min: 2, max: 12 } }] });
        await run.then(() => expect.fail("planned"), (error) => expect(error).to.be.instanceOf(ConfigError).with.property("message").that.contains("12 pods > quota.pods 10"));
    });
});
