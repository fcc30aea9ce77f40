import { effectiveNamespace, kindIn, metadataOf } from "./kubernetes";
import type { PolicyResource } from "./types";

/**
 * PodDisruptionBudget arithmetic as the disruption controller does it: an integer is a pod count, a
 * percentage is of the replicas and rounds up, for `minAvailable` and `maxUnavailable` alike.
 */

/** An IntOrString of a PDB (`2`, `"2"`, `"50%"`) in pods out of `replicas`; undefined when malformed. */
function pods(value: unknown, replicas: number): number | undefined {
    if (typeof value === "number" && Number.isInteger(value)) return value;
    const text = String(value);
    if (/^\d+$/.test(text)) return Number(text);
    const percent = /^(\d+)%$/.exec(text);
    return percent ? Math.ceil((Number(percent[1]) * replicas) / 100) : undefined;
}

/** How many of `replicas` pods the budget lets be evicted at once; undefined when it sets no valid budget. */
export function allowedDisruptions(spec: any, replicas: number): number | undefined {
    if (spec?.maxUnavailable !== undefined) return pods(spec.maxUnavailable, replicas);
    if (spec?.minAvailable === undefined) return undefined;
    const minAvailable = pods(spec.minAvailable, replicas);
    return minAvailable === undefined ? undefined : Math.max(0, replicas - minAvailable);
}

/** The HorizontalPodAutoscaler that scales this Deployment, if the stack creates one. */
function autoscalerOf(deployment: PolicyResource, resources: PolicyResource[]): PolicyResource | undefined {
    const name = metadataOf(deployment.props).name;
    const namespace = effectiveNamespace(deployment);
    return resources.find((resource) => {
        const target = resource.props.spec?.scaleTargetRef;
        return kindIn(resource.type, ["HorizontalPodAutoscaler"], ["autoscaling"]) !== undefined
            && target?.kind === "Deployment" && target?.name === name && effectiveNamespace(resource) === namespace;
    });
}

/**
 * The fewest pods the Deployment runs: its autoscaler's minimum when one scales it, else `spec.replicas`,
 * which Kubernetes defaults to 1.
 */
export function fewestReplicas(deployment: PolicyResource, resources: PolicyResource[]): number {
    const autoscaler = autoscalerOf(deployment, resources);
    return autoscaler ? autoscaler.props.spec?.minReplicas ?? 1 : deployment.props.spec?.replicas ?? 1;
}
