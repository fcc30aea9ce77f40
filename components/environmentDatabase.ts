import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { DatabaseSettings } from "../config/tiers";

/** RDS for PostgreSQL 16: the major pinned here, minors applied by AWS in the maintenance window. */
export const POSTGRES_MAJOR_VERSION = "16";
export const POSTGRES_PORT = 5432;
/** UTC; the backup window ends before the maintenance window starts, as RDS requires. */
export const BACKUP_WINDOW = "03:00-04:00";
export const MAINTENANCE_WINDOW = "sun:04:30-sun:05:30";

/** The Kubernetes Secret's keys, each one an environment variable of every service's container. */
export const DATABASE_ENV = {
    host: "DATABASE_HOST",
    port: "DATABASE_PORT",
    database: "DATABASE_NAME",
    user: "DATABASE_USER",
    password: "DATABASE_PASSWORD",
    url: "DATABASE_URL",
} as const;

export interface EnvironmentDatabaseArgs {
    environment: string;
    /** Where the credentials Secret is created. */
    namespace: pulumi.Input<string>;
    settings: DatabaseSettings;
    /** The cluster's DB subnet group over its private subnets. */
    subnetGroupName: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    /** The only security group admitted on 5432: the cluster's nodes, where the services' pods run. */
    clientSecurityGroupId: pulumi.Input<string>;
    /**
     * Production: deletion protection, a final snapshot, Performance Insights, and changes held for the
     * maintenance window instead of applied at once.
     */
    production: boolean;
    /** Pulumi `protect` on the instance: an update that would replace or delete it fails instead. */
    protect: boolean;
    labels: Record<string, string>;
}

/**
 * One environment's PostgreSQL: an encrypted, private RDS instance in the cluster's private subnets that
 * admits the cluster's nodes only and refuses connections without TLS, with a generated master password
 * that reaches the services as a Kubernetes Secret and nowhere else (never a stack output).
 */
export class EnvironmentDatabase extends pulumi.ComponentResource {
    readonly identifier: string;
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly databaseName: string;
    readonly username: string;
    /** The Kubernetes Secret with the connection settings; pass it to services through `envFromSecrets`. */
    readonly secretName: pulumi.Output<string>;

    constructor(name: string, args: EnvironmentDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:data:EnvironmentDatabase", name, {}, opts);
        const parent = { parent: this };
        this.identifier = `fintrax-${args.environment}`;
        this.databaseName = "fintrax";
        this.username = "fintrax";

        const securityGroup = new aws.ec2.SecurityGroup(`${name}-security-group`, {
            name: `${this.identifier}-database`,
            description: `PostgreSQL of the ${args.environment} environment: 5432 from the cluster's nodes only`,
            vpcId: args.vpcId,
            // No inline rules: the rule resources below are the only ones (and the provider removes AWS's
            // default allow-all egress; the database never initiates connections).
            tags: { Name: `${this.identifier}-database` },
        }, parent);
        new aws.vpc.SecurityGroupIngressRule(`${name}-from-nodes`, {
            securityGroupId: securityGroup.id,
            description: "PostgreSQL from the EKS nodes (the environment's pods)",
            ipProtocol: "tcp",
            fromPort: POSTGRES_PORT,
            toPort: POSTGRES_PORT,
            referencedSecurityGroupId: args.clientSecurityGroupId,
        }, parent);

        const parameterGroup = new aws.rds.ParameterGroup(`${name}-parameters`, {
            name: `${this.identifier}-postgres${POSTGRES_MAJOR_VERSION}`,
            family: `postgres${POSTGRES_MAJOR_VERSION}`,
            description: `PostgreSQL ${POSTGRES_MAJOR_VERSION} for ${args.environment}: TLS required`,
            parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "immediate" }],
        }, parent);

        // Letters and digits only: nothing a connection URL, a shell or RDS (which refuses / @ " and space)
        // would need escaped. 32 of 62 characters is some 190 bits.
        const password = new random.RandomPassword(`${name}-password`, {
            length: 32,
            special: false,
            minLower: 1,
            minUpper: 1,
            minNumeric: 1,
        }, parent);

        const instance = new aws.rds.Instance(`${name}-instance`, {
            identifier: this.identifier,
            engine: "postgres",
            engineVersion: POSTGRES_MAJOR_VERSION,
            autoMinorVersionUpgrade: true,
            allowMajorVersionUpgrade: false,
            instanceClass: args.settings.instanceClass,
            allocatedStorage: args.settings.allocatedStorageGb,
            storageType: "gp3",
            storageEncrypted: true,
            multiAz: args.settings.multiAz,
            dbName: this.databaseName,
            username: this.username,
            password: password.result,
            port: POSTGRES_PORT,
            dbSubnetGroupName: args.subnetGroupName,
            vpcSecurityGroupIds: [securityGroup.id],
            parameterGroupName: parameterGroup.name,
            publiclyAccessible: false,
            backupRetentionPeriod: args.settings.backupRetentionDays,
            backupWindow: BACKUP_WINDOW,
            maintenanceWindow: MAINTENANCE_WINDOW,
            copyTagsToSnapshot: true,
            deletionProtection: args.production,
            skipFinalSnapshot: !args.production,
            finalSnapshotIdentifier: args.production ? `${this.identifier}-final` : undefined,
            // Keep the automated backups after a deletion where they matter; a deleted dev database is gone.
            deleteAutomatedBackups: !args.production,
            performanceInsightsEnabled: args.production,
            performanceInsightsRetentionPeriod: args.production ? 7 : undefined,
            applyImmediately: !args.production,
            tags: { Name: this.identifier },
        }, { ...parent, protect: args.protect });
        this.address = instance.address;
        this.port = instance.port;

        const connection = pulumi.all([instance.address, instance.port, password.result]).apply(([host, port, secret]) => ({
            [DATABASE_ENV.host]: host,
            [DATABASE_ENV.port]: String(port),
            [DATABASE_ENV.database]: this.databaseName,
            [DATABASE_ENV.user]: this.username,
            [DATABASE_ENV.password]: secret,
            [DATABASE_ENV.url]: `postgresql://${this.username}:${secret}@${host}:${port}/${this.databaseName}?sslmode=require`,
        }));
        const secret = new k8s.core.v1.Secret(`${name}-credentials`, {
            metadata: { name: "database", namespace: args.namespace, labels: { ...args.labels, "app.kubernetes.io/component": "database" } },
            type: "Opaque",
            // Secret already (the password is), and the Kubernetes SDK marks stringData secret too; said twice
            // so that neither a refactoring here nor one there can leak it into the state in clear text.
            stringData: pulumi.secret(connection),
        }, parent);
        this.secretName = secret.metadata.name;

        this.registerOutputs({ address: this.address, port: this.port, databaseName: this.databaseName, secretName: this.secretName });
    }
}
