import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ClusterExports } from "../model/clusterExports";

/**
 * The shared cluster as one environment sees it: the cluster stack's exports, typed, and the one
 * Kubernetes provider every object of the environment is created with. Pointing an environment at another
 * cluster stack is a change of `fintrax:clusterStack`, not of code.
 */
export class ClusterReference extends pulumi.ComponentResource {
    readonly provider: k8s.Provider;
    private readonly stack: pulumi.StackReference;

    constructor(name: string, args: { stackName: string; namespace: string }, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:environment:ClusterReference", name, {}, opts);
        const stack = new pulumi.StackReference(args.stackName, { name: args.stackName }, { parent: this });
        this.stack = stack;
        // requireOutput keeps the secretness the cluster stack gave the kubeconfig; secret() makes sure of it.
        const kubeconfig = pulumi.secret(stack.requireOutput("kubeconfig").apply((value) =>
            typeof value === "string" ? value : JSON.stringify(value)));
        this.provider = new k8s.Provider(`${name}-kubernetes`, {
            kubeconfig,
            // Objects that forget their namespace land in the environment's, never in `default`.
            namespace: args.namespace,
            enableServerSideApply: true,
        }, { parent: this });
        this.registerOutputs({});
    }

    /** One export of the cluster stack; a missing export fails the update instead of yielding undefined. */
    output<K extends keyof ClusterExports>(key: K): pulumi.Output<ClusterExports[K]> {
        return this.stack.requireOutput(key) as pulumi.Output<ClusterExports[K]>;
    }
}
