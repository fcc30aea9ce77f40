import { chartFacts, dependencies, valuesReference, ValuesReference } from "./referenceData";

/**
 * Helm values as key paths, and the rule that decides whether a chart version knows a path. Paths use the
 * reference data's spelling: keys joined with `.`, a `.` inside a key written `\.` (`annotations.eks\.amazonaws\.com/role-arn`).
 */

const escape = (key: string) => key.replace(/\./g, "\\.");

/**
 * Every leaf path of a values object. A list is a leaf (its items are data such as tolerations, not
 * chart keys), and so is an empty map; a nested map contributes its leaves.
 */
export function flattenValues(values: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(values).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${escape(key)}` : escape(key);
        const nested = value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length > 0;
        return nested ? flattenValues(value as Record<string, unknown>, path) : [path];
    });
}

/** `a.b\.c.d` → [`a`, `a.b\.c`, `a.b\.c.d`]: the path and every ancestor, shortest first. */
export function ancestry(path: string): string[] {
    const parts = path.split(/(?<!\\)\./);
    return parts.map((_, index) => parts.slice(0, index + 1).join("."));
}

const hasChildren = (paths: Iterable<string>, parent: string) => {
    for (const p of paths) if (p.startsWith(`${parent}.`) || p.startsWith(`${parent}[]`)) return true;
    return false;
};

/**
 * An open map: a map under which any key is accepted, because the chart cannot tell. Three kinds:
 * - its default is an empty map `{}` (`annotations: {}`, `nodeSelector: {}`);
 * - the chart's values schema declares it an object with no properties and without
 *   `additionalProperties: false`;
 * - the templates read the map itself (`.Values.<path>` in `templateValuesRefs`: `toYaml`, `range` or
 *   `with`), so what is under it is rendered as given (`resources`, `extraArgs`, `loki.limits_config`): a map
 *   of the defaults, or a path the defaults leave out (commented out) that the templates read and read
 *   nothing below (`serviceMonitor.labels` of the CloudWatch exporter).
 */
export function isOpenMap(ref: ValuesReference, path: string): boolean {
    const keys = Object.keys(ref.keys);
    if (ref.keys[path] === "map" && !hasChildren(keys, path)) return true;
    const schema = ref.schemaPaths?.[path];
    if (schema && [schema.type].flat().includes("object") && !schema.closed && !hasChildren(Object.keys(ref.schemaPaths!), path)) return true;
    if (!ref.templateValuesRefs.includes(path)) return false;
    return ref.keys[path] === "map" || (ref.keys[path] === undefined && !hasChildren(ref.templateValuesRefs, path));
}

/** Why a chart version's values schema rejects the path (the install fails), or undefined. */
function closedSchemaRejects(ref: ValuesReference, path: string, rootClosed: boolean): string | undefined {
    const schema = ref.schemaPaths;
    if (!schema || schema[path]) return undefined;
    const ancestors = ancestry(path).slice(0, -1).reverse();
    const nearest = ancestors.find((a) => schema[a]);
    if (nearest !== undefined ? schema[nearest].closed : rootClosed) {
        return `the values schema closes ${nearest ?? "the root"} (additionalProperties: false)`;
    }
    return undefined;
}

/** Whether one chart version knows the path: a key of its defaults, its schema or its templates, or under an open map. */
function knowsPath(ref: ValuesReference, path: string): boolean {
    if (ref.keys[path] !== undefined || ref.schemaPaths?.[path] !== undefined || ref.templateValuesRefs.includes(path)) return true;
    return ancestry(path).slice(0, -1).some((ancestor) => isOpenMap(ref, ancestor));
}

export interface UnknownKey { path: string; reason: string }

/**
 * The paths of `values` the chart version does not know, each with the reason. A path under a subchart
 * (`grafana.*` of kube-prometheus-stack) is also looked up in that subchart's own values facts.
 */
export function unknownValuesKeys(chart: string, version: string, values: Record<string, unknown>): UnknownKey[] {
    const ref = valuesReference(chart, version);
    if (!ref) return [{ path: "(all)", reason: `no values facts for ${chart} ${version} in reference/` }];
    const rootClosed = chartFacts(chart)?.values?.[version]?.valuesSchemaRootClosed === true;
    const subcharts = dependencies(chart, version).map((d) => ({ key: d.alias ?? d.name, ref: valuesReference(d.name, d.version) }));
    return flattenValues(values).flatMap((path): UnknownKey[] => {
        const rejected = closedSchemaRejects(ref, path, rootClosed);
        if (rejected) return [{ path, reason: rejected }];
        if (knowsPath(ref, path)) return [];
        const sub = subcharts.find((s) => path.startsWith(`${s.key}.`));
        if (sub?.ref && knowsPath(sub.ref, path.slice(sub.key.length + 1))) return [];
        const where = sub ? ` nor in subchart ${sub.key}${sub.ref ? "" : " (whose values facts are not in reference/)"}` : "";
        return [{ path, reason: `not a key of ${chart} ${version}${where}` }];
    });
}
