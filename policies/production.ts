import { isTrue, RDS_CLUSTER, RDS_INSTANCE } from "./lib/aws";
import { allowedDisruptions, fewestReplicas } from "./lib/disruption";
import { fromRegistry } from "./lib/images";
import { describeObject, effectiveNamespace, kindIn, metadataOf, requirePodTemplate } from "./lib/kubernetes";
import { describeResource, violation } from "./lib/messages";
import { egressRuleProblem } from "./lib/networkPolicy";
import { NAMESPACE_TYPE } from "./lib/namespaces";
import { stringList } from "./lib/schema";
import { selectorMatches } from "./lib/selectors";
import { failed, Finding, judgeByType, notApplicable } from "./lib/policy";
import type { ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "./lib/types";

/**
 * Production restrictions. They are mandatory in policies/config/prod.json; the other stacks disable them or
 * make them advisory (see docs/policies.md), because development deliberately runs one replica, open egress
 * and a throw-away database.
 */

const DEPLOYMENT_GROUPS = ["apps", "extensions"];

export const minReplicas: ResourceValidationPolicy = {
    name: "prod-min-replicas",
    description: "Deployments and HorizontalPodAutoscalers keep at least the configured minimum of replicas.",
    configSchema: {
        properties: { minReplicas: { type: "integer", minimum: 1, default: 3, description: "the fewest replicas a Deployment may run" } },
    },
    validateResource: (args, reportViolation) => {
        const { minReplicas: floor } = args.getConfig<{ minReplicas: number }>();
        const subject = describeObject(args);
        if (kindIn(args.type, ["Deployment"], DEPLOYMENT_GROUPS)) {
            // A Deployment without spec.replicas runs one pod: the resource alone cannot tell whether an
            // autoscaler will raise it, so it must state its floor (set it to the autoscaler's minReplicas).
            const replicas = args.props.spec?.replicas;
            if (replicas === undefined || replicas < floor) {
                reportViolation(violation(subject, replicas === undefined ? "sets no spec.replicas, so it starts with 1 pod" : `runs ${replicas} replicas`,
                    `set spec.replicas to at least ${floor} (with an autoscaler, to its minReplicas)`));
            }
        } else if (kindIn(args.type, ["HorizontalPodAutoscaler"], ["autoscaling"])) {
            const autoscalerMin = args.props.spec?.minReplicas ?? 1;
            if (autoscalerMin < floor) {
                reportViolation(violation(subject, `may scale down to ${autoscalerMin} replicas`, `set spec.minReplicas to at least ${floor}`));
            }
        } else {
            notApplicable(args, "not a Deployment or HorizontalPodAutoscaler");
        }
    },
};

export const podDisruptionBudgets: StackValidationPolicy = {
    name: "prod-pdb",
    description: "Every Deployment is covered by a PodDisruptionBudget that still allows one voluntary disruption.",
    validateStack: (args, reportViolation) => {
        const deployments = args.resources.filter((resource) => kindIn(resource.type, ["Deployment"], DEPLOYMENT_GROUPS));
        if (!deployments.length) notApplicable(args, "the stack creates no Deployment");
        const budgets = args.resources.filter((resource) => kindIn(resource.type, ["PodDisruptionBudget"], ["policy"]));
        for (const deployment of deployments) {
            const namespace = effectiveNamespace(deployment);
            const podLabels = metadataOf(deployment.props.spec?.template).labels;
            const covering = budgets.filter((budget) => effectiveNamespace(budget) === namespace && selectorMatches(budget.props.spec?.selector, podLabels));
            const replicas = fewestReplicas(deployment, args.resources);
            const report = (problem: string, fix: string) => reportViolation(violation(describeObject(deployment), problem, fix), deployment.urn);
            if (!covering.length) {
                report("no PodDisruptionBudget selects its pods", "add a PodDisruptionBudget in its namespace whose selector matches the pod template's labels, with maxUnavailable: 1");
            } else if (covering.length > 1) {
                // The eviction API refuses to evict a pod that more than one budget selects: node drains stall.
                report(`${covering.length} PodDisruptionBudgets select its pods (${covering.map((budget) => describeObject(budget)).join(", ")})`,
                    "keep exactly one PodDisruptionBudget per Deployment");
            } else {
                const allowed = allowedDisruptions(covering[0].props.spec, replicas);
                if (allowed === undefined) {
                    report(`${describeObject(covering[0])} sets no valid minAvailable or maxUnavailable`, "set maxUnavailable: 1");
                } else if (allowed < 1) {
                    report(`${describeObject(covering[0])} allows no voluntary disruption at ${replicas} replicas, so node drains and upgrades block`,
                        "set maxUnavailable: 1, or a minAvailable below the replica count");
                }
            }
        }
    },
};

export const egressAllowlist: ResourceValidationPolicy = {
    name: "prod-egress-allowlist",
    description: "NetworkPolicy egress goes only to DNS, the allowed ports or selected in-cluster peers; never every port to 0.0.0.0/0.",
    configSchema: {
        properties: {
            allowedPorts: {
                type: "array",
                items: { type: "integer", minimum: 1, maximum: 65535 },
                uniqueItems: true,
                default: [443, 5432],
                description: "ports egress may reach outside the cluster, besides DNS (53)",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!kindIn(args.type, ["NetworkPolicy"], ["networking.k8s.io", "extensions"])) notApplicable(args, "not a NetworkPolicy");
        const { allowedPorts } = args.getConfig<{ allowedPorts: number[] }>();
        ((args.props.spec?.egress ?? []) as any[]).forEach((rule, index) => {
            const problem = egressRuleProblem(rule, allowedPorts);
            if (problem) {
                reportViolation(violation(describeObject(args), `egress rule ${index + 1} ${problem}`,
                    `limit it to DNS (53) or ports ${allowedPorts.join(", ")}, or to podSelector/namespaceSelector peers inside the cluster`));
            }
        });
    },
};

export const imageRegistry: ResourceValidationPolicy = {
    name: "prod-image-registry",
    description: "Images come from the approved registries.",
    configSchema: {
        properties: { allowedRegistries: stringList(["ghcr.io/fintrax/"], "image name prefixes production may pull from") },
    },
    validateResource: (args, reportViolation) => {
        const pod = requirePodTemplate(args);
        const { allowedRegistries } = args.getConfig<{ allowedRegistries: string[] }>();
        for (const ref of pod.containers) {
            const image = String(ref.container?.image ?? "");
            if (!allowedRegistries.some((prefix) => fromRegistry(image, prefix))) {
                reportViolation(violation(`${pod.subject}, ${ref.label}`, `image ${JSON.stringify(image)} is not from an approved registry`,
                    `publish it under ${allowedRegistries.join(" or ")} and use that image`));
            }
        }
    },
};

function databaseFindings(props: Record<string, any>, args: ResourceValidationArgs): Finding[] {
    const { minBackupRetentionDays: minDays } = args.getConfig<{ minBackupRetentionDays: number }>();
    // AWS keeps automated backups for 1 day when the retention period is not given.
    const retention = Number(props.backupRetentionPeriod ?? 1);
    const skipsSnapshot = isTrue(props.skipFinalSnapshot);
    return failed([
        [isTrue(props.deletionProtection), "has no deletion protection", "set deletionProtection: true"],
        // An Aurora cluster's storage spans three zones by design; a single instance must ask for a standby.
        [args.type === RDS_CLUSTER || isTrue(props.multiAz), "is not Multi-AZ", "set multiAz: true"],
        [retention >= minDays, `keeps automated backups ${retention} day(s), fewer than ${minDays}`, `set backupRetentionPeriod to at least ${minDays}`],
        [!skipsSnapshot, "skips the final snapshot on deletion", "set skipFinalSnapshot: false and a finalSnapshotIdentifier"],
        [skipsSnapshot || !!props.finalSnapshotIdentifier, "names no finalSnapshotIdentifier, so deleting it fails or loses the data", "set finalSnapshotIdentifier"],
    ]);
}

export const databaseProtection: ResourceValidationPolicy = {
    name: "prod-database-protection",
    description: "RDS databases have deletion protection, Multi-AZ, backups kept at least the configured days and a final snapshot.",
    configSchema: {
        properties: { minBackupRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7, description: "the fewest days of automated backups" } },
    },
    validateResource: judgeByType({ [RDS_INSTANCE]: databaseFindings, [RDS_CLUSTER]: databaseFindings }),
};

export const resourceProtect: ResourceValidationPolicy = {
    name: "prod-resource-protect",
    description: "Stateful resources (databases, namespaces) are created with `protect`.",
    configSchema: {
        properties: {
            types: stringList([RDS_INSTANCE, RDS_CLUSTER, "aws:dynamodb/table:Table", NAMESPACE_TYPE],
                "resource types whose loss loses data (deleting a Namespace deletes everything in it)"),
        },
    },
    validateResource: (args, reportViolation) => {
        const { types } = args.getConfig<{ types: string[] }>();
        if (!types.includes(args.type)) notApplicable(args, "not a stateful resource type");
        if (!args.opts.protect) {
            reportViolation(violation(describeResource(args), "is not protected, so a destroy or a replacement deletes it with its data",
                "create it with the resource option { protect: true }"));
        }
    },
};

export const productionPolicies = [minReplicas, podDisruptionBudgets, egressAllowlist, imageRegistry, databaseProtection, resourceProtect];
