import { expect } from "chai";
import { committedPlan, planEnvironment } from "../support/environment";
import { ofKind, only } from "../support/resources";
import { CLUSTER_FIXTURE } from "../support/clusterFixture";
import { mockResource } from "../../plan/mockOutputs";
import { PlannedResource, StackRun } from "../../plan/runtime";

const TIERS = {
    dev: { instanceClass: "db.t3.micro", storage: 20, multiAz: false, backups: 1, production: false, protect: false },
    staging: { instanceClass: "db.t3.small", storage: 20, multiAz: false, backups: 7, production: false, protect: true },
    prod: { instanceClass: "db.t3.medium", storage: 100, multiAz: true, backups: 14, production: true, protect: true },
} as const;

const TIER_OF = { dev: "development", staging: "staging", prod: "production" } as const;

const DATABASE_KEYS = ["DATABASE_HOST", "DATABASE_NAME", "DATABASE_PASSWORD", "DATABASE_PORT", "DATABASE_URL", "DATABASE_USER", "PGSSLMODE", "PGSSLROOTCERT"];

const instanceOf = (run: StackRun) => only(run, "aws:rds/instance:Instance");

for (const [stack, tier] of Object.entries(TIERS)) {
    describe(`environment ${stack}: the PostgreSQL database`, () => {
        let run: StackRun;
        let instance: PlannedResource;
        before(async () => {
            run = await committedPlan(stack);
            instance = instanceOf(run);
        });

        it(`is RDS PostgreSQL 16 sized to the tier: ${tier.instanceClass}, ${tier.storage} GB gp3, ` +
            `${tier.multiAz ? "Multi-AZ" : "single-AZ"}, ${tier.backups} day(s) of backups`, () => {
            expect(instance.inputs).to.deep.include({
                identifier: `fintrax-${stack}`,
                engine: "postgres",
                engineVersion: "16",
                autoMinorVersionUpgrade: true,
                allowMajorVersionUpgrade: false,
                instanceClass: tier.instanceClass,
                allocatedStorage: tier.storage,
                storageType: "gp3",
                multiAz: tier.multiAz,
                backupRetentionPeriod: tier.backups,
                backupWindow: "03:00-04:00",
                maintenanceWindow: "sun:04:30-sun:05:30",
                copyTagsToSnapshot: true,
                dbName: "fintrax",
                port: 5432,
            });
        });

        it("is encrypted, never public, in its tier's DB subnet group, with TLS forced by its parameter group", () => {
            expect(instance.inputs.storageEncrypted).to.equal(true);
            expect(instance.inputs.publiclyAccessible).to.equal(false);
            expect(instance.inputs.dbSubnetGroupName).to.equal(CLUSTER_FIXTURE.network.databaseSubnets[TIER_OF[stack as keyof typeof TIER_OF]].subnetGroupName);
            const parameters = only(run, "aws:rds/parameterGroup:ParameterGroup");
            expect(parameters.inputs.family).to.equal("postgres16");
            expect(parameters.inputs.parameters).to.deep.equal([{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }]);
            // The group's name is AWS's (a prefix and a suffix), so the instance is tied to it by the output it reads.
            expect(parameters.inputs.namePrefix).to.equal(`fintrax-${stack}-postgres16-`);
            expect(instance.propertyDependencies?.parameterGroupName).to.deep.equal([parameters.urn]);
        });

        it("admits 5432 from the cluster's node security group and nothing else", () => {
            const group = only(run, "aws:ec2/securityGroup:SecurityGroup");
            expect(group.inputs.vpcId).to.equal(CLUSTER_FIXTURE.vpcId);
            expect(group.inputs.ingress).to.equal(undefined);
            expect(group.inputs.egress).to.equal(undefined);
            const [groupId] = instance.inputs.vpcSecurityGroupIds;
            expect(instance.inputs.vpcSecurityGroupIds).to.have.length(1);
            expect(groupId).to.match(/^sg-/).and.not.equal(CLUSTER_FIXTURE.nodeSecurityGroupId);
            const rule = only(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            expect(rule.inputs).to.deep.include({
                securityGroupId: groupId, ipProtocol: "tcp", fromPort: 5432, toPort: 5432,
                referencedSecurityGroupId: CLUSTER_FIXTURE.nodeSecurityGroupId,
            });
            expect(rule.inputs).to.not.have.any.keys("cidrIpv4", "cidrIpv6", "prefixListId");
            const rulesOfGroup = run.resources.filter((r) => /:SecurityGroup(Ingress|Egress)?Rule$/.test(r.type) && r.inputs.securityGroupId === groupId);
            expect(rulesOfGroup).to.deep.equal([rule]);
        });

        if (tier.production) {
            it("is protected: deletion protection, a final snapshot, Performance Insights, `protect`, changes in the window", () => {
                expect(instance.inputs).to.deep.include({
                    deletionProtection: true,
                    skipFinalSnapshot: false,
                    finalSnapshotIdentifier: "fintrax-prod-final",
                    deleteAutomatedBackups: false,
                    performanceInsightsEnabled: true,
                    applyImmediately: false,
                });
                expect(instance.protect).to.equal(true);
            });
        } else {
            it(`is disposable in AWS (no deletion protection, no final snapshot), ${tier.protect ? "but" : "and not"} protected in Pulumi`, () => {
                expect(instance.inputs).to.deep.include({ deletionProtection: false, skipFinalSnapshot: true, performanceInsightsEnabled: false });
                expect(instance.inputs.finalSnapshotIdentifier).to.equal(undefined);
                expect(instance.protect).to.equal(tier.protect);
            });
        }

        it("takes its master password from a RandomPassword, secret all the way to the Kubernetes Secret", () => {
            const password = only(run, "random:index/randomPassword:RandomPassword");
            expect(password.inputs).to.deep.include({ length: 32, special: false });
            expect(password.parent).to.equal(instance.parent);
            const generated = mockResource(stack, { type: password.type, name: password.name, inputs: password.inputs } as any, {}).state.result;
            expect(instance.maskedInputs.password).to.equal("[secret]");
            expect(instance.inputs.password).to.equal(generated);

            const [secret] = ofKind(run, "Secret");
            expect(ofKind(run, "Secret")).to.have.length(1);
            expect(secret.inputs.type).to.equal("Opaque");
            expect(secret.inputs.metadata).to.deep.include({ name: "database", namespace: `fintrax-${stack}` });
            expect(secret.maskedInputs.stringData).to.equal("[secret]");
            expect(secret.inputs.data).to.equal(undefined);
            const data = secret.inputs.stringData;
            expect(Object.keys(data).sort()).to.deep.equal(DATABASE_KEYS);
            expect(data).to.deep.include({
                DATABASE_HOST: run.outputs.databaseHost,
                DATABASE_PORT: "5432",
                DATABASE_NAME: "fintrax",
                DATABASE_USER: instance.inputs.username,
                DATABASE_PASSWORD: generated,
                PGSSLMODE: "verify-full",
                PGSSLROOTCERT: "/etc/fintrax/rds/ca-bundle.pem",
            });
            expect(data.DATABASE_URL).to.equal(
                `postgresql://fintrax:${generated}@${run.outputs.databaseHost}:5432/fintrax?sslmode=verify-full&sslrootcert=/etc/fintrax/rds/ca-bundle.pem`);
        });

        it("hands the Secret to every service's container through envFrom", () => {
            const deployments = ofKind(run, "Deployment");
            expect(deployments).to.have.length(5);
            for (const deployment of deployments) {
                const [container] = deployment.inputs.spec.template.spec.containers;
                expect(container.envFrom, deployment.name).to.deep.equal([{ secretRef: { name: "database" } }]);
            }
        });

        it("exports host, port and name only, none of them secret", () => {
            expect(run.outputs.databaseHost).to.match(new RegExp(`^fintrax-${stack}\\..+\\.rds\\.amazonaws\\.com$`));
            expect(run.outputs.databasePort).to.equal(5432);
            expect(run.outputs.databaseName).to.equal("fintrax");
            expect(run.secretOutputNames).to.deep.equal([]);
            expect(JSON.stringify(run.outputs)).to.not.include(instance.inputs.password);
        });
    });
}

describe("environment database: fintrax:database overrides the tier's defaults", () => {
    it("sizes the instance and its storage alert from the config", async () => {
        const run = await planEnvironment("staging", {
            "fintrax:database": { instanceClass: "db.r6g.large", allocatedStorageGb: 50, multiAz: true, backupRetentionDays: 21 },
        });
        expect(instanceOf(run).inputs).to.deep.include({
            instanceClass: "db.r6g.large", allocatedStorage: 50, multiAz: true, backupRetentionPeriod: 21, deletionProtection: false,
        });
        const [rule] = ofKind(run, "PrometheusRule");
        const storage = rule.inputs.spec.groups[0].rules.find((r: any) => r.alert === "FintraxDatabaseStorageLow");
        expect(storage.expr).to.equal(`aws_rds_free_storage_space_average{dimension_DBInstanceIdentifier="fintrax-staging"} < ${5 * 1024 ** 3}`);
    });
});
