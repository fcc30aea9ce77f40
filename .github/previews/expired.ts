/**
 * Which preview environments are past their age: reads the open pull requests carrying the preview label, each
 * with the time the label was (last) added, and prints the numbers of those older than `maxAgeHours` of
 * previews/previews.json as a JSON array (the matrix of the expiry job in preview-environments.yml).
 *
 *   node --import tsx .github/previews/expired.ts LABELLED.json [NOW_ISO] > expired.json
 *   LABELLED.json: [{"number": 42, "labeledAt": "2026-11-28T09:00:00Z"}, ...]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface LabelledPullRequest { number: number; labeledAt: string | null }

export function expiredPreviews(prs: LabelledPullRequest[], now: Date, maxAgeHours: number): number[] {
    const limit = now.getTime() - maxAgeHours * 3_600_000;
    // A label whose time is unknown counts as old: a preview nobody can date is not kept forever.
    return prs.filter((pr) => pr.labeledAt === null || Date.parse(pr.labeledAt) < limit).map((pr) => pr.number).sort((a, b) => a - b);
}

if (require.main === module) {
    const [file, now] = process.argv.slice(2);
    const { maxAgeHours } = JSON.parse(readFileSync(join(__dirname, "..", "..", "previews", "previews.json"), "utf8")) as { maxAgeHours: number };
    const prs = JSON.parse(readFileSync(file, "utf8")) as LabelledPullRequest[];
    process.stdout.write(`${JSON.stringify(expiredPreviews(prs, now ? new Date(now) : new Date(), maxAgeHours))}\n`);
}
