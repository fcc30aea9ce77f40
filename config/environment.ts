import { z } from "zod";
import { formatCpu, formatMemory, parseQuantity } from "../model/quantity";
import type { ServiceSpec } from "../model/service";
import type { ContainerResources, Quota } from "../model/resources";
import type { NamedDatabaseSettings } from "../model/database";
import { ConfigError, parseConfig, readNamespace } from "./load";
import { WORKLOAD_PRIORITIES, WorkloadPriority } from "../model/service";
import {
    checkLimitsCoverRequests, checkUnique, cpuAndMemory, dnsLabel, dnsName, iamPrincipalArn, integer, boolean, requestsAndLimits,
} from "./fields";
import { pinnedImage } from "./fields";
import { DEFAULT_SERVICES, TIER_PRESETS, TierPreset, tierFor } from "./tiers";
import { TIERS, type Tier } from "../model/tiers";

const ENVIRONMENT_NAMESPACE = "fintrax";

const replicaRange = z
    .strictObject({ min: integer(1, 100), max: integer(1, 100) })
    .refine((r) => r.min <= r.max, { path: ["min"], message: "must be at most replicas.max" });

/** A named database: a letter first, then letters, digits and single '-' (RDS identifiers allow no '--' nor a trailing '-'). */
const databaseName = z.string().regex(
    /^(?=.{1,20}$)[a-z]([a-z0-9]|-(?=[a-z0-9]))*$/,
    "must be a database name: a lowercase letter, then lowercase letters, digits and single '-', at most 20 characters, such as payments",
);

const service = z.strictObject({
    name: dnsLabel(40),
    image: pinnedImage,
    port: integer(1, 65535),
    path: z.string().regex(/^\/[\w\-./]*$/, "must be an HTTP path starting with '/', such as /api/auth").optional(),
    replicas: replicaRange.optional(),
    resources: requestsAndLimits.optional(),
    env: z.record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name (letters, digits, '_')"),
        z.string({ error: "must be a string (quote numbers and booleans)" }),
    ).optional(),
    priority: z.enum(WORKLOAD_PRIORITIES, { error: `must be one of ${WORKLOAD_PRIORITIES.join(", ")}` }).optional(),
    /** Which of the named databases (`fintrax:database` as a list) this service receives the credentials of. */
    database: databaseName.optional(),
});

const quota = z.strictObject({
    requests: cpuAndMemory,
    limits: cpuAndMemory,
    pods: integer(1, 10000),
}).superRefine(checkLimitsCoverRequests);

const singleDatabase = z.strictObject({
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t3.medium"),
    allocatedStorageGb: integer(20, 65536),
    multiAz: boolean,
    backupRetentionDays: integer(0, 35),
});

/**
 * The environment's one database, which every service receives; or a list of named databases, each sized like
 * the single one (the tier fills in what an entry leaves out), whose credentials only the services naming it get.
 */
const database = z.union([
    singleDatabase,
    z.array(z.strictObject({ name: databaseName, ...singleDatabase.partial().shape }))
        .min(1, "must list at least one database")
        .superRefine((list, ctx) => checkUnique(list, "name", ctx, "database", "is also named")),
]);

/**
 * Namespaces the environment adds next to its own (seed 004's data and insight layers): `<name>-<environment>`,
 * at most 40 + 1 + 20 characters, so always a valid namespace name.
 */
const extraNamespace = z.strictObject({
    name: dnsLabel(40).refine((name) => name !== "fintrax" && !name.startsWith("kube"),
        "must not be fintrax (the environment's own namespace) nor start with kube (Kubernetes' own)"),
    quota,
});

const schema = z.strictObject({
    clusterStack: z.string()
        .regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+$/, "must be org/project/stack, three non-empty segments")
        .default("organization/fintrax-cluster/shared"),
    environment: dnsLabel(20),
    tier: z.enum(TIERS, { error: `must be one of ${TIERS.join(", ")}` }).optional(),
    domain: dnsName,
    quota: quota.optional(),
    services: z.array(service).min(1, "must list at least one service").superRefine((list, ctx) => {
        checkUnique(list, "name", ctx, "services", "is also named");
        checkUnique(list, "path", ctx, "services", "already serves");
    }).optional(),
    deployers: z.array(iamPrincipalArn).optional(),
    database: database.optional(),
    extraNamespaces: z.array(extraNamespace).superRefine((list, ctx) => checkUnique(list, "name", ctx, "extraNamespaces", "is also named"))
        .optional(),
}).superRefine(checkDatabaseReferences);

type RawConfig = z.output<typeof schema>;

/**
 * With named databases, each service names the one it uses, and each database is used by some service (its
 * credentials reach only those services). With the single database, every service receives it, and none names it.
 */
function checkDatabaseReferences(config: Pick<RawConfig, "services" | "database">, ctx: z.RefinementCtx): void {
    const named = Array.isArray(config.database) ? config.database.map((d) => d.name) : undefined;
    const services = config.services ?? [];
    services.forEach((s, index) => {
        if (s.database === undefined) return;
        if (!named) {
            ctx.addIssue({
                code: "custom", path: ["services", index, "database"],
                message: "must not be set while fintrax:database is a single database (every service receives it); list named databases to give each service its own",
            });
        } else if (!named.includes(s.database)) {
            ctx.addIssue({ code: "custom", path: ["services", index, "database"], message: `must name a database of fintrax:database (${named.join(", ")})` });
        }
    });
    named?.forEach((name, index) => {
        if (!services.some((s) => s.database === name)) {
            ctx.addIssue({
                code: "custom", path: ["database", index, "name"],
                message: `must be named by a service's database field: no service of fintrax:services receives "${name}"`,
            });
        }
    });
}

export interface ServiceSettings extends ServiceSpec {
    name: string;
    /** The priority the service runs at: what it asked for in production, `standard` in every other tier. */
    priority: WorkloadPriority;
    /** The named database whose credentials it receives; unset with the single database (it receives that one). */
    database?: string;
}

export interface ExtraNamespaceSettings {
    /** The namespace's full name, `<name>-<environment>`. */
    name: string;
    quota: Quota;
}

/** One environment's settings after validation, with every default filled in from its tier. */
export interface EnvironmentSettings {
    clusterStack: string;
    environment: string;
    tier: Tier;
    preset: TierPreset;
    /** `<environment>.<domain>`, production's the bare domain. */
    host: string;
    namespace: string;
    quota: Quota;
    services: ServiceSettings[];
    /** Empty means the AWS account itself (any principal it lets assume the role). */
    deployers: string[];
    /** One unnamed database (the single form, or the tier's default), or the named ones. */
    databases: NamedDatabaseSettings[];
    extraNamespaces: ExtraNamespaceSettings[];
}

function defaultServices(tier: Tier): ServiceSettings[] {
    const { replicas, container, defaultServicesMaxReplicas: max } = TIER_PRESETS[tier];
    return DEFAULT_SERVICES.map((s) => ({ ...s, replicas: { min: replicas.min, max }, resources: container, env: {}, priority: "standard" }));
}

function databasesOf(raw: RawConfig["database"], preset: TierPreset): NamedDatabaseSettings[] {
    if (raw === undefined) return [preset.database];
    if (!Array.isArray(raw)) return [raw];
    // What an entry leaves out is the tier's.
    return raw.map((named) => ({ ...preset.database, ...named }));
}

/** Reads and validates the `fintrax:` namespace; throws ConfigError before anything is registered. */
export function loadEnvironmentSettings(file: string, all?: Record<string, string>): { settings: EnvironmentSettings } {
    const raw = parseConfig(schema, ENVIRONMENT_NAMESPACE, readNamespace(ENVIRONMENT_NAMESPACE, all), file);
    const tier = raw.tier ?? tierFor(raw.environment);
    const preset = TIER_PRESETS[tier];
    const services = raw.services?.map((s): ServiceSettings => ({
        ...s,
        replicas: s.replicas ?? preset.replicas,
        resources: s.resources ?? preset.container,
        env: s.env ?? {},
        priority: preset.criticalPriority ? s.priority ?? "standard" : "standard",
    })) ?? defaultServices(tier);
    const settings: EnvironmentSettings = {
        clusterStack: raw.clusterStack,
        environment: raw.environment,
        tier,
        preset,
        host: preset.bareDomain ? raw.domain : `${raw.environment}.${raw.domain}`,
        namespace: `fintrax-${raw.environment}`,
        quota: raw.quota ?? preset.quota,
        services,
        deployers: raw.deployers ?? [],
        databases: databasesOf(raw.database, preset),
        extraNamespaces: (raw.extraNamespaces ?? []).map((extra) => ({ name: `${extra.name}-${raw.environment}`, quota: extra.quota })),
    };
    checkQuotaFit(settings, file, raw.quota !== undefined);
    return { settings };
}

interface Usage { pods: number; requests: { cpu: number; memory: number }; limits: { cpu: number; memory: number } }

/** What `pods` pods of the given resources add up to. */
function usageOf(pods: number, resources: ContainerResources): Usage {
    const sum = (kind: "requests" | "limits") => ({ cpu: pods * parseQuantity(resources[kind].cpu), memory: pods * parseQuantity(resources[kind].memory) });
    return { pods, requests: sum("requests"), limits: sum("limits") };
}

function plus(a: Usage, b: Usage): Usage {
    const add = (kind: "requests" | "limits") => ({ cpu: a[kind].cpu + b[kind].cpu, memory: a[kind].memory + b[kind].memory });
    return { pods: a.pods + b.pods, requests: add("requests"), limits: add("limits") };
}

function overruns(need: Usage, quota: Quota): string[] {
    const found: string[] = [];
    if (need.pods > quota.pods) found.push(`${need.pods} pods > quota.pods ${quota.pods}`);
    for (const kind of ["requests", "limits"] as const) {
        if (need[kind].cpu > parseQuantity(quota[kind].cpu) + 1e-9) {
            found.push(`${kind}.cpu ${formatCpu(need[kind].cpu)} > quota.${kind}.cpu ${quota[kind].cpu}`);
        }
        if (need[kind].memory > parseQuantity(quota[kind].memory)) {
            found.push(`${kind}.memory ${formatMemory(need[kind].memory)} > quota.${kind}.memory ${quota[kind].memory}`);
        }
    }
    return found;
}

/**
 * The namespace quota must hold the worst case, or the quota admission refuses pods exactly when load is
 * high: every service at its autoscaler's maximum, all rolling out at once with their surge. Anything less is
 * an error.
 */
function checkQuotaFit(settings: EnvironmentSettings, file: string, quotaFromFile: boolean): void {
    const surge = settings.preset.rollout.maxSurge;
    const key = quotaFromFile ? "fintrax:quota" : "fintrax:services";
    const worstCase = settings.services.map((s) => usageOf(s.replicas.max + surge, s.resources)).reduce(plus);
    const problems = overruns(worstCase, settings.quota);
    if (problems.length) {
        throw new ConfigError([
            `${file}: ${key}: the namespace quota (${settings.tier} tier) must hold the services at their maximum replicas` +
            `${surge ? ` plus ${surge} rollout surge each` : ""}: ` +
            `${problems.join("; ")}. Lower replicas.max or the services' resources, or raise fintrax:quota.`,
        ]);
    }
}
