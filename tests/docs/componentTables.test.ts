import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { StackRun } from "../../plan/runtime";
import { ROOT } from "../../plan/stacks";
import { committedClusterPlan } from "../cluster/support";
import { committedPlan } from "../support/environment";

/**
 * README.md ("An environment is:") and docs/cluster.md ("What it creates") each list in a table the components
 * a program creates at its top level. A row's first cell is `` `Name` ``, optionally with the file it lives in,
 * `` (`file.ts`) ``, and a remark such as "(one per service)".
 */
interface ComponentRow { name: string; file?: string }

function componentTable(document: string, heading: RegExp): ComponentRow[] {
    const lines = readFileSync(path.join(ROOT, document), "utf8").split("\n");
    const start = lines.findIndex((line) => heading.test(line));
    expect(start, `${document}: ${heading}`).to.be.at.least(0);
    const header = lines.findIndex((line, index) => index > start && /^\| component \|/.test(line));
    const rows: ComponentRow[] = [];
    for (const line of lines.slice(header + 2)) {
        if (!line.startsWith("|")) break;
        const cell = line.split("|")[1];
        const match = /^\s*`([A-Za-z]+)`(?:\s*\(`([A-Za-z]+\.ts)`\))?/.exec(cell);
        expect(match, `${document}: a row that does not start with a component name: ${line.slice(0, 80)}`).to.not.equal(null);
        rows.push({ name: match![1], file: match![2] });
    }
    return rows;
}

/** The components a program registers at its top level (children of the stack), by class name (the type token's last part). */
function topLevelComponents(run: StackRun): string[] {
    const urns = new Set(run.resources.map((r) => r.urn));
    const names = run.resources
        .filter((r) => !r.custom && r.type.startsWith("fintrax:") && (r.parent === null || !urns.has(r.parent)))
        .map((r) => r.type.split(":").pop()!);
    return [...new Set(names)].sort();
}

describe("the README's and docs' component tables match what the programs create", () => {
    it("README.md lists every component an environment stack creates, and nothing else", async () => {
        const table = componentTable("README.md", /^The two `index.ts` files only turn config into components/).map((row) => row.name);
        for (const stack of ["dev", "staging", "prod"]) {
            expect([...table].sort(), stack).to.deep.equal(topLevelComponents(await committedPlan(stack)));
        }
    });

    it("docs/cluster.md lists every component the cluster stack creates, and nothing else, each in the file it names", async () => {
        const table = componentTable("docs/cluster.md", /^## What it creates/);
        const tokens = table.map(({ name, file }) => {
            expect(file, `${name}: the row names no file`).to.be.a("string");
            const source = readFileSync(path.join(ROOT, "components", "cluster", file!), "utf8");
            // The class, and the type token it registers (a class renamed later keeps its token, and so its URNs).
            const declared = new RegExp(`export class ${name} extends pulumi\\.ComponentResource \\{[^]*?super\\("fintrax:\\w+:(\\w+)"`).exec(source);
            expect(declared, `components/cluster/${file}: no component class ${name}`).to.not.equal(null);
            return declared![1];
        });
        expect(tokens.sort()).to.deep.equal(topLevelComponents(await committedClusterPlan()));
    });
});
