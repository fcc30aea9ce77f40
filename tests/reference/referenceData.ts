import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The project's copy of the public facts it relies on (reference/README.md says where each file came from
 * and how to refresh it). Typed only as far as the tests read them.
 */
const REFERENCE_DIR = path.resolve(__dirname, "../../reference");

const read = <T>(file: string): T => JSON.parse(readFileSync(path.join(REFERENCE_DIR, file), "utf8")) as T;

export interface ChartRelease { version: string; prerelease?: boolean; date?: string | null }
export interface ChartDependency { name: string; alias?: string; version: string }
export interface ChartFacts {
    releases: ChartRelease[];
    values?: Record<string, { file?: string; valuesSchemaRootClosed?: boolean; chartYaml?: { dependencies?: ChartDependency[] } }>;
}
interface HelmCharts { charts: Record<string, ChartFacts>; ingressNginxReplacements: Record<string, ChartFacts> }

const HELM_CHARTS = read<HelmCharts>("helm-charts.json");
/** Charts the shared helm-charts.json does not list, gathered for this project in the same format. */
const ADDED_HELM_CHARTS = read<Pick<HelmCharts, "charts">>("helm-charts-added.json");

/** A chart by its name (`metrics-server`, or the last segment of an OCI reference), wherever the files list it. */
export function chartFacts(chart: string): ChartFacts | undefined {
    const name = chart.split("/").pop()!;
    return HELM_CHARTS.charts[name] ?? HELM_CHARTS.ingressNginxReplacements[name] ?? ADDED_HELM_CHARTS.charts[name];
}

/** Released: listed, and not a prerelease (an rc tag is not what a pin should point at). */
export function isReleased(chart: string, version: string): boolean {
    return (chartFacts(chart)?.releases ?? []).some((r) => r.version === version && !r.prerelease);
}

export interface SchemaPath { type?: string | string[]; closed?: boolean }
export interface ValuesReference {
    chart: string;
    version: string;
    keys: Record<string, string>;
    schemaPaths?: Record<string, SchemaPath>;
    templateValuesRefs: string[];
}

function valuesFileName(chart: string, version: string): string {
    return `helm-values-${chart.split("/").pop()}-${version}.json`;
}

/** One chart version's values facts, or undefined when the reference has none for it. */
export function valuesReference(chart: string, version: string): ValuesReference | undefined {
    const file = valuesFileName(chart, version);
    return existsSync(path.join(REFERENCE_DIR, file)) ? read<ValuesReference>(file) : undefined;
}

/** The subcharts a chart version depends on, as its Chart.yaml names them (alias first). */
export function dependencies(chart: string, version: string): ChartDependency[] {
    return chartFacts(chart)?.values?.[version]?.chartYaml?.dependencies ?? [];
}

interface ManagedPolicies { arns: string[] }
export const AWS_MANAGED_POLICY_ARNS = new Set(read<ManagedPolicies>("aws-managed-policies.json").arns);

export interface InstanceTypeFacts {
    maxPods: number;
    maxEnis: number;
    ipv4PerEni: number;
    vcpus: number;
    memoryMib: number;
}
export const EKS_MAX_PODS = read<{ instanceTypes: Record<string, InstanceTypeFacts> }>("eks-max-pods.json").instanceTypes;
