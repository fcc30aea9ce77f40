import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { WorkloadPriority } from "../../model/service";
import { platformLabels } from "../labels";

/**
 * The priorities the environments' services run at (seed 002: "priority classes for critical services").
 * PriorityClasses are cluster-scoped, so the cluster stack owns them and exports their names; an environment,
 * whose deployers and guardrails are namespaced, only refers to them.
 *
 * Neither class preempts: on a cluster shared by every environment, a pod that evicted others to make room
 * could evict another environment's (or the gateway's proxies'). A critical pod is scheduled before the
 * pending pods of lower priority, and is among the last the kubelet evicts under node pressure; room for it
 * comes from the Cluster Autoscaler. `standard` has the value pods without a class get (0): it changes
 * nothing for scheduling, but makes every service's class explicit and gives one place to move them all.
 */
export const PRIORITY_CLASSES: Record<WorkloadPriority, { name: string; value: number; description: string }> = {
    critical: {
        name: "fintrax-critical",
        value: 1000,
        description: "Fintrax production services the business stops without (payments, authentication, the way in): scheduled first, evicted last, never preempting.",
    },
    standard: {
        name: "fintrax-standard",
        value: 0,
        description: "Every other Fintrax service: the priority of pods without a class.",
    },
};

/** The cluster's PriorityClasses, one per workload priority, none of them the global default. */
export class PriorityClasses extends pulumi.ComponentResource {
    /** Each priority's class name, resolved once the class exists. */
    readonly names: pulumi.Output<Record<WorkloadPriority, string>>;

    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:PriorityClasses", name, {}, opts);
        const classOf = (priority: WorkloadPriority) => {
            const spec = PRIORITY_CLASSES[priority];
            return new k8s.scheduling.v1.PriorityClass(`${name}-${priority}`, {
                metadata: { name: spec.name, labels: platformLabels() },
                value: spec.value,
                globalDefault: false,
                preemptionPolicy: "Never",
                description: spec.description,
            }, { parent: this }).metadata.name;
        };
        this.names = pulumi.output({ critical: classOf("critical"), standard: classOf("standard") });
        this.registerOutputs({ names: this.names });
    }
}
