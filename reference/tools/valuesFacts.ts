import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

/**
 * Writes a `helm-values-<chart>-<version>.json` (the format reference/README.md describes) for one chart
 * directory, e.g. one extracted with `git archive <tag> <chart dir> | tar -x`:
 *
 *     npx tsx reference/tools/valuesFacts.ts <chart dir> <repo> <ref> <commit> <path of values.yaml in repo> > reference/helm-values-<chart>-<version>.json
 *
 * Only facts are written: key paths and their types, and the `.Values` paths the templates read.
 */

type Kind = "map" | "list" | "string" | "int" | "float" | "bool" | "null";

function kindOf(value: unknown): Kind {
    if (value === null || value === undefined) return "null";
    if (Array.isArray(value)) return "list";
    if (typeof value === "object") return "map";
    if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
    if (typeof value === "boolean") return "bool";
    return "string";
}

/** Key paths with `.` joins (`\.` inside a key); map items of a list under `path[]`, their keys merged. */
function keyPaths(value: unknown, prefix: string, into: Record<string, Kind>): void {
    if (Array.isArray(value)) {
        const items = value.filter((item) => item !== null && typeof item === "object");
        if (items.length === 0) return;
        into[`${prefix}[]`] = kindOf(items[0]);
        for (const item of items) keyPaths(item, `${prefix}[]`, into);
        return;
    }
    if (value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        const childPath = `${prefix ? `${prefix}.` : ""}${key.replace(/\./g, "\\.")}`;
        into[childPath] = kindOf(child);
        keyPaths(child, childPath, into);
    }
}

function filesUnder(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
        const file = path.join(dir, name);
        return statSync(file).isDirectory() ? filesUnder(file) : [file];
    });
}

/** Every literal `.Values.a.b.c` chain (not `$.Values` scopes' relative reads, which show as their parent). */
function valuesRefs(texts: string[]): string[] {
    const refs = new Set<string>();
    for (const text of texts) {
        for (const match of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_-]*)+)/g)) refs.add(match[1].slice(1));
    }
    return [...refs].sort();
}

function main([chartDir, repo, ref, commit, valuesPath]: string[]): void {
    const valuesText = readFileSync(path.join(chartDir, "values.yaml"), "utf8");
    const chartYaml = parse(readFileSync(path.join(chartDir, "Chart.yaml"), "utf8")) as { name: string; version: string };
    const keys: Record<string, Kind> = {};
    keyPaths(parse(valuesText, { version: "1.1" }), "", keys);
    const templates = filesUnder(path.join(chartDir, "templates")).map((file) => readFileSync(file, "utf8"));
    const sorted = Object.fromEntries(Object.entries(keys).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    process.stdout.write(`${JSON.stringify({
        chart: chartYaml.name, version: chartYaml.version, repo, ref, commit, path: valuesPath,
        keys: sorted, templateValuesRefs: valuesRefs([...templates, valuesText]),
    }, null, 1)}\n`);
}

if (require.main === module) main(process.argv.slice(2));
