/**
 * What each tier gets unless the stack file says otherwise. The numbers are the seeds' (000: quotas,
 * replica ranges and node sizing; 003: container requests and database classes), in one table so that a
 * reviewer can compare them with the design at a glance.
 */
import { TIERS, type Tier } from "../model/tiers";
import type { DatabaseSettings } from "../model/database";
import type { ContainerResources, Quota, StorageBudget } from "../model/resources";
import type { ValidationAction } from "../policies/admission/rule";


export interface TierPreset {
    /**
     * Sized for the worst case: every service at its autoscaler's maximum, all rolling out at once. Nothing else
     * runs in an environment namespace: certificates are issued by DNS-01 from cert-manager's own namespace
     * (components/cluster/certificates.ts), so no ACME solver pod lands here.
     */
    quota: Quota;
    storage: StorageBudget;
    replicas: { min: number; max: number };
    /** LimitRange defaults, and the resources of a service that names none. Limits are twice the requests. */
    container: ContainerResources;
    database: DatabaseSettings;
    /** Pod Security Standards level the namespace enforces (it always warns and audits `restricted`). */
    podSecurity: "baseline" | "restricted";
    /** `open`: any egress except the cloud metadata service; `allowlist`: DNS, HTTPS and PostgreSQL only. */
    egress: "open" | "allowlist";
    /**
     * What the API server's admission policies do with an object that breaks a guardrail in this tier's
     * namespaces: for the rules of every tier (the pack's `k8s-*`) and for production's (`prod-*`). As in the
     * pack: enforced in staging and production, reported in development; production's rules advise staging.
     */
    admission: { everyTier: ValidationAction[]; production: ValidationAction[] };
    /** What the environment's deployers may do in its namespace. */
    deployerAccess: "edit" | "view";
    /**
     * Rolling-update shape. Outside production an update replaces a pod before starting its successor, so a
     * rollout never needs pods beyond the quota; production keeps every replica serving and surges one.
     */
    rollout: { maxSurge: number; maxUnavailable: number };
    /** Production spreads replicas across zones and keeps a PodDisruptionBudget; staging keeps the PDB too. */
    spreadAcrossZones: boolean;
    disruptionBudget: boolean;
    /**
     * Whether a service marked `priority: critical` runs at the cluster's critical priority class. Priority is
     * cluster-wide, so only production gets it: no development or staging pod outranks a production pod.
     */
    criticalPriority: boolean;
    /**
     * Pulumi `protect` on the namespaces and databases: an update that would replace or delete them fails
     * instead. Staging is protected like production, so such a change fails there before it reaches prod.
     */
    protect: boolean;
    /**
     * The database's production settings: deletion protection, a final snapshot, kept automated backups,
     * Performance Insights, and changes held for the maintenance window instead of applied at once.
     */
    hardenedDatabase: boolean;
    /** The severity of the environment's alerts: `critical` pages (the cluster's Alertmanager routes it to the webhook). */
    alertSeverity: "critical" | "warning";
    /** Whether the environment is served at the bare domain instead of `<environment>.<domain>`. */
    bareDomain: boolean;
    /**
     * The default services' maximum replicas (their minimum is `replicas.min`). Production's scale 3–4, not
     * the seed's 3–5: at 5 the worst case (25 pods + 5 surging) would need 30 pods and 6 CPU of
     * requests; see README ("Quotas hold the worst case").
     */
    defaultServicesMaxReplicas: number;
}

export const TIER_PRESETS: Record<Tier, TierPreset> = {
    development: {
        quota: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: 10 },
        storage: { requests: "10Gi", claims: 5 },
        replicas: { min: 1, max: 2 },
        container: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
        database: { instanceClass: "db.t3.micro", allocatedStorageGb: 20, multiAz: false, backupRetentionDays: 1 },
        podSecurity: "baseline",
        admission: { everyTier: ["Warn", "Audit"], production: [] },
        egress: "open",
        deployerAccess: "edit",
        rollout: { maxSurge: 0, maxUnavailable: 1 },
        spreadAcrossZones: false,
        disruptionBudget: false,
        criticalPriority: false,
        protect: false,
        hardenedDatabase: false,
        alertSeverity: "warning",
        bareDomain: false,
        defaultServicesMaxReplicas: 2,
    },
    staging: {
        quota: { requests: { cpu: "3", memory: "6Gi" }, limits: { cpu: "6", memory: "12Gi" }, pods: 15 },
        storage: { requests: "10Gi", claims: 5 },
        replicas: { min: 2, max: 3 },
        container: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
        database: { instanceClass: "db.t3.small", allocatedStorageGb: 20, multiAz: false, backupRetentionDays: 7 },
        podSecurity: "restricted",
        admission: { everyTier: ["Deny"], production: ["Warn", "Audit"] },
        egress: "allowlist",
        deployerAccess: "edit",
        rollout: { maxSurge: 0, maxUnavailable: 1 },
        spreadAcrossZones: false,
        disruptionBudget: true,
        criticalPriority: false,
        protect: true,
        hardenedDatabase: false,
        alertSeverity: "warning",
        bareDomain: false,
        defaultServicesMaxReplicas: 3,
    },
    production: {
        quota: { requests: { cpu: "5", memory: "8Gi" }, limits: { cpu: "10", memory: "16Gi" }, pods: 25 },
        storage: { requests: "20Gi", claims: 5 },
        replicas: { min: 3, max: 5 },
        container: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "400m", memory: "512Mi" } },
        database: { instanceClass: "db.t3.medium", allocatedStorageGb: 100, multiAz: true, backupRetentionDays: 14 },
        podSecurity: "restricted",
        admission: { everyTier: ["Deny"], production: ["Deny"] },
        egress: "allowlist",
        deployerAccess: "view",
        rollout: { maxSurge: 1, maxUnavailable: 0 },
        spreadAcrossZones: true,
        disruptionBudget: true,
        criticalPriority: true,
        protect: true,
        hardenedDatabase: true,
        alertSeverity: "critical",
        bareDomain: true,
        defaultServicesMaxReplicas: 4,
    },
};

/** What the API server's admission policies do in each tier, as the cluster program hands it to AdmissionPolicies. */
export const TIER_ADMISSION = Object.fromEntries(TIERS.map((tier) => [tier, TIER_PRESETS[tier].admission])) as Record<Tier, TierPreset["admission"]>;

/** `prod` → production, `staging` → staging, anything else (dev, pr-42, …) → development. */
export function tierFor(environment: string): Tier {
    if (environment === "prod") return "production";
    if (environment === "staging") return "staging";
    return "development";
}

/** Fintrax's five services (seed 000), pinned by tag; replicas and resources come from the tier. */
export const DEFAULT_SERVICES = [
    { name: "frontend", path: "/" },
    { name: "auth", path: "/api/auth" },
    { name: "transactions", path: "/api/transactions" },
    { name: "categories", path: "/api/categories" },
    { name: "analytics", path: "/api/analytics" },
].map((service) => ({ ...service, image: `ghcr.io/fintrax/${service.name}:1.4.2`, port: 8080 }));
