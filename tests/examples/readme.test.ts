import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "../../plan/stacks";
import { EXAMPLES, exampleConfig, exampleFiles } from "./support";

/**
 * examples/README.md has a section per system (`## … : \`<folder>/\``) whose table's last column names the
 * config keys each seed feature maps to: `fintrax:services[].path` (every element of a list: `[]`), `fintrax:database`.
 */
interface Row { feature: string; keys: string[] }

function readmeSections(): Map<string, Row[]> {
    const sections = new Map<string, Row[]>();
    let rows: Row[] | undefined;
    for (const line of readFileSync(path.join(ROOT, EXAMPLES, "README.md"), "utf8").split("\n")) {
        const heading = /^## .*`([a-z0-9-]+)\/`\s*$/.exec(line);
        if (heading) sections.set(heading[1], rows = []);
        else if (line.startsWith("## ")) rows = undefined;
        else if (rows && line.startsWith("|") && !/^\|\s*(seed|---)/.test(line)) {
            const cells = line.split("|").slice(1, -1).map((cell) => cell.trim());
            rows.push({ feature: cells[0], keys: [...cells[cells.length - 1].matchAll(/`(fintrax(?:-cluster)?:[^`]+)`/g)].map((m) => m[1]) });
        }
    }
    return sections;
}

/** Whether `fintrax:services[].path`-style `key` has a value in the config: `[]` is "some element of the list". */
function present(config: Record<string, unknown>, key: string): boolean {
    const [, top, rest] = /^([^.[]+)(.*)$/.exec(key)!;
    const steps = [...rest.matchAll(/\[\]|\.([A-Za-z]+)/g)].map((m) => m[1] ?? "[]");
    const walk = (value: unknown, remaining: string[]): boolean => {
        if (value === undefined || value === null) return false;
        if (!remaining.length) return true;
        const [step, ...next] = remaining;
        if (step === "[]") return Array.isArray(value) && value.some((item) => walk(item, next));
        return typeof value === "object" && !Array.isArray(value) && walk((value as Record<string, unknown>)[step], next);
    };
    return walk(config[top], steps);
}

/** The keys a config uses: its top-level keys and, for lists of maps, `key[].field` for every field of an element. */
function usedKeys(config: Record<string, unknown>): string[] {
    return Object.entries(config).flatMap(([key, value]) => [
        key,
        ...(Array.isArray(value) ? [...new Set(value.flatMap((item) => Object.keys(item ?? {})))].map((field) => `${key}[].${field}`) : []),
    ]);
}

describe("examples/README.md: the tables match the example files", () => {
    const sections = readmeSections();
    const systems = [...new Set(exampleFiles().map((f) => f.system))];
    const cluster = exampleConfig("cluster/Pulumi.shared.yaml");

    it("has a section with a table for every example folder, and none for a folder that does not exist", () => {
        expect([...sections.keys()].sort()).to.deep.equal([...systems].sort());
        for (const [system, rows] of sections) expect(rows.length, system).to.be.greaterThan(5);
    });

    for (const system of systems) {
        const files = exampleFiles().filter((f) => f.system === system);

        it(`${system}: every key its table names is set in each of its stack files (cluster keys in the cluster's)`, () => {
            const rows = sections.get(system) ?? [];
            expect(rows.flatMap((r) => r.keys).length, system).to.be.greaterThan(3);
            for (const row of rows) {
                for (const key of row.keys) {
                    if (key.startsWith("fintrax-cluster:")) {
                        expect(present(cluster, key), `${row.feature}: ${key} in cluster/Pulumi.shared.yaml`).to.equal(true);
                        continue;
                    }
                    for (const { file } of files) expect(present(exampleConfig(file), key), `${row.feature}: ${key} in ${file}`).to.equal(true);
                }
            }
        });

        it(`${system}: every key its stack files use is named in its table`, () => {
            const named = (sections.get(system) ?? []).flatMap((r) => r.keys);
            // A list is named through its fields (`fintrax:services[].name` names `fintrax:services`).
            const isNamed = (key: string) => named.some((n) => n === key || n.startsWith(`${key}[`) || n.startsWith(`${key}.`));
            for (const { file } of files) {
                for (const key of usedKeys(exampleConfig(file))) expect(isNamed(key), `${key} of ${file}`).to.equal(true);
            }
        });
    }

    it("reads keys the way the files spell them", () => {
        const config = { "fintrax:services": [{ name: "a", replicas: { min: 1 } }, { name: "b", database: "x" }], "fintrax:domain": "d" };
        expect(present(config, "fintrax:services[].database")).to.equal(true);
        expect(present(config, "fintrax:services[].replicas.min")).to.equal(true);
        expect(present(config, "fintrax:services[].priority")).to.equal(false);
        expect(present(config, "fintrax:domain")).to.equal(true);
        expect(present(config, "fintrax:quota")).to.equal(false);
        expect(usedKeys(config)).to.deep.equal(["fintrax:services", "fintrax:services[].name", "fintrax:services[].replicas", "fintrax:services[].database", "fintrax:domain"]);
    });
});
