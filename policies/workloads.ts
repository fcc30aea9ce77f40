import { unpinnedReason } from "./lib/images";
import { describeObject, kindIn, metadataOf, PodTemplate, requirePodTemplate } from "./lib/kubernetes";
import { violation } from "./lib/messages";
import { restrictedProfileFindings } from "./lib/podSecurity";
import { isQuantity } from "./lib/quantity";
import type { ResourceValidationPolicy } from "./lib/types";
import { notApplicable } from "./lib/policy";

/**
 * Workload policies, for every pod-bearing kind (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
 * CronJob, Pod, ReplicationController) and every container in it, init and ephemeral containers included.
 */

/** What each container must set; ephemeral containers are left out because the API forbids them resources. */
const REQUIRED_RESOURCES = [["requests", "cpu"], ["requests", "memory"], ["limits", "memory"]] as const;

export const containerResources: ResourceValidationPolicy = {
    name: "k8s-container-resources",
    description: "Every container and init container has cpu and memory requests and a memory limit.",
    validateResource: (args, reportViolation) => {
        const pod = requirePodTemplate(args);
        for (const ref of pod.containers.filter(({ section }) => section !== "ephemeralContainers")) {
            const resources = ref.container?.resources ?? {};
            const missing = REQUIRED_RESOURCES.filter(([section, name]) => !isQuantity(resources[section]?.[name])).map((path) => path.join("."));
            if (missing.length) {
                reportViolation(violation(`${pod.subject}, ${ref.label}`, `has no valid ${missing.join(", ")}`,
                    `set resources.${missing.join(" and resources.")} (the quota only admits pods that state what they use)`));
            }
        }
    },
};

export const imagePinned: ResourceValidationPolicy = {
    name: "k8s-image-pinned",
    description: "No image without a tag and no :latest: every rollout must be reproducible.",
    validateResource: (args, reportViolation) => {
        const pod = requirePodTemplate(args);
        for (const ref of pod.containers) {
            const image = ref.container?.image;
            const reason = typeof image === "string" && image !== "" ? unpinnedReason(image) : "has no image";
            if (reason) {
                reportViolation(violation(`${pod.subject}, ${ref.label}`, `image ${JSON.stringify(image ?? "")} ${reason}`,
                    "pin the image to a version tag (ghcr.io/fintrax/auth:1.4.2) or a digest (@sha256:…)"));
            }
        }
    },
};

export const podSecurityRestricted: ResourceValidationPolicy = {
    name: "k8s-pod-security-restricted",
    description: "Pods meet the Pod Security Standards restricted profile.",
    validateResource: (args, reportViolation) => {
        const pod = requirePodTemplate(args);
        for (const [problem, fix] of restrictedProfileFindings(pod)) reportViolation(violation(pod.subject, problem, fix));
    },
};

/** Pods that run to completion: Jobs, CronJobs and Pods that are not restarted. They need no probes. */
function runsToCompletion(pod: PodTemplate): boolean {
    return pod.kind === "Job" || pod.kind === "CronJob" || ["Never", "OnFailure"].includes(pod.podSpec.restartPolicy);
}

export const probes: ResourceValidationPolicy = {
    name: "k8s-probes",
    description: "Long-running containers have readiness and liveness probes.",
    validateResource: (args, reportViolation) => {
        const pod = requirePodTemplate(args);
        if (runsToCompletion(pod)) notApplicable(args, `a ${pod.kind} that runs to completion needs no probes`);
        for (const ref of pod.containers.filter(({ section }) => section === "containers")) {
            const missing = ["readinessProbe", "livenessProbe"].filter((probe) => !ref.container?.[probe]);
            if (missing.length) {
                reportViolation(violation(`${pod.subject}, ${ref.label}`, `has no ${missing.join(" and no ")}`,
                    `add ${missing.join(" and ")} (an HTTP or TCP check of the service's port)`));
            }
        }
    },
};

export const noBarePods: ResourceValidationPolicy = {
    name: "k8s-no-bare-pods",
    description: "No Pod outside a controller: a bare Pod is not rescheduled when its node goes.",
    validateResource: (args, reportViolation) => {
        if (!kindIn(args.type, ["Pod"], ["core"])) notApplicable(args, "not a Pod");
        const owners: any[] = args.props.metadata?.ownerReferences ?? [];
        if (!owners.some((owner) => owner?.controller === true)) {
            reportViolation(violation(describeObject(args), "is a bare Pod with no controller",
                "run it from a Deployment (long-running) or a Job (run to completion)"));
        }
    },
};

export const saTokenAutomount: ResourceValidationPolicy = {
    name: "k8s-sa-token-automount",
    description: "Pods and service accounts do not automount Kubernetes API tokens unless labelled as needing them.",
    configSchema: {
        properties: {
            optInLabel: {
                type: "string",
                minLength: 1,
                default: "fintrax.io/needs-api-token",
                description: "the label (with value \"true\") on a ServiceAccount, a workload or its pod template that allows the token",
            },
        },
    },
    validateResource: (args, reportViolation) => {
        const { optInLabel } = args.getConfig<{ optInLabel: string }>();
        const fix = `set automountServiceAccountToken: false, or label it ${optInLabel}: "true" if it calls the Kubernetes API`;
        if (kindIn(args.type, ["ServiceAccount"], ["core"])) {
            if (args.props.automountServiceAccountToken !== false && metadataOf(args.props).labels[optInLabel] !== "true") {
                reportViolation(violation(describeObject(args), "automounts its API token into every pod that uses it", fix));
            }
            return;
        }
        const pod = requirePodTemplate(args);
        const optedIn = pod.metadata.labels[optInLabel] === "true" || pod.podMetadata.labels[optInLabel] === "true";
        if (pod.podSpec.automountServiceAccountToken !== false && !optedIn) {
            reportViolation(violation(pod.subject, "does not set automountServiceAccountToken: false in its pod spec", `${fix} (on the pod template)`));
        }
    },
};

export const workloadPolicies = [containerResources, imagePinned, podSecurityRestricted, probes, noBarePods, saTokenAutomount];
