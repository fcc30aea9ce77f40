import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ChartName, CHARTS } from "./versions";

/**
 * A Helm release of one of the pinned charts. The release name is fixed (not auto-named), so that the
 * chart's object names — `loki`, `kube-prometheus-stack-operator`… — are the ones the network policies and
 * the other releases refer to; the namespace is always explicit.
 */
export function chartRelease(
    name: string,
    args: { chart: ChartName; releaseName: string; namespace: pulumi.Input<string>; values: pulumi.Input<Record<string, unknown>> },
    opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
    const chart = CHARTS[args.chart];
    return new k8s.helm.v3.Release(name, {
        name: args.releaseName,
        chart: chart.chart,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        namespace: args.namespace,
        values: args.values,
        cleanupOnFail: true,
        maxHistory: 10,
        timeout: 900,
    }, opts);
}

/** Kubernetes resources for a container: requests and limits, both always set. */
export function resources(cpu: string, memory: string, cpuLimit: string, memoryLimit: string) {
    return { requests: { cpu, memory }, limits: { cpu: cpuLimit, memory: memoryLimit } };
}
