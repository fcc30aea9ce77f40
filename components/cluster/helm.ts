import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ChartName, CHARTS } from "./charts";

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
    return new k8s.helm.v3.Release(name, {
        name: args.releaseName,
        ...chartSource(args.chart),
        namespace: args.namespace,
        values: args.values,
        cleanupOnFail: true,
        maxHistory: 10,
        timeout: 900,
    }, opts);
}

/** Where Helm finds a pinned chart: a classic repository, or an OCI one where the chart is a reference of its own. */
export function chartSource(name: ChartName): { chart: string; version: string; repositoryOpts?: { repo: string } } {
    const chart = CHARTS[name];
    return chart.repo.startsWith("oci://")
        ? { chart: `${chart.repo}/${chart.chart}`, version: chart.version }
        : { chart: chart.chart, version: chart.version, repositoryOpts: { repo: chart.repo } };
}
