import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { loadEnvironmentSettings } from "../config/environment";
import { parseQuantity } from "../model/quantity";
import type { NamespaceQuota } from "./capacity";
import { readStackConfig, StackFileError } from "./stackConfig";

/**
 * Preview environments (pr-<n>) are created from a template by a pull request's label and are never committed
 * as stack files, so the plan cannot see them; but at most `maxLive` of them run at once (previews/previews.json),
 * and the capacity check must hold them all. Each live preview counts with the quota its template gives.
 */

const PREVIEWS_FILE = "previews/previews.json";
const PREVIEW_TEMPLATE = "previews/Pulumi.pr.template.yaml";

const settingsSchema = z.strictObject({
    label: z.string().regex(/^[a-z0-9][a-z0-9-]{0,48}$/, "must be a GitHub label of lowercase letters, digits and '-'"),
    maxLive: z.number().int().min(0).max(20),
    maxAgeHours: z.number().int().min(1).max(24 * 30),
});

export type PreviewSettings = z.output<typeof settingsSchema>;

export function loadPreviewSettings(root: string): PreviewSettings {
    let parsed: unknown;
    try {
        parsed = JSON.parse(readFileSync(path.join(root, PREVIEWS_FILE), "utf8"));
    } catch (error) {
        throw new StackFileError(`${PREVIEWS_FILE}: cannot read it as JSON (${(error as Error).message})`);
    }
    const result = settingsSchema.safeParse(parsed);
    if (!result.success) {
        const issue = result.error.issues[0];
        throw new StackFileError(`${PREVIEWS_FILE}: ${issue.path.join(".") || "(top)"}: ${issue.message}`);
    }
    return result.data;
}

/**
 * The namespace quotas of `maxLive` previews rendered from the template (its number does not change the quota);
 * none where the project has no previews/previews.json (a tree of stack files without preview environments).
 */
export function previewQuotas(root: string): NamespaceQuota[] {
    if (!existsSync(path.join(root, PREVIEWS_FILE))) return [];
    const { maxLive } = loadPreviewSettings(root);
    if (maxLive === 0) return [];
    const { config } = readStackConfig(path.join(root, PREVIEW_TEMPLATE), PREVIEW_TEMPLATE);
    if (config["fintrax:environment"] !== "pr-PR_NUMBER") {
        throw new StackFileError(`${PREVIEW_TEMPLATE}: fintrax:environment must be pr-PR_NUMBER (render.sh puts the pull request's number there)`);
    }
    const rendered = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, value.replace(/PR_NUMBER/g, "1")]));
    const { quota } = loadEnvironmentSettings(PREVIEW_TEMPLATE, rendered).settings;
    return Array.from({ length: maxLive }, (_, i) => ({
        stack: `pr-* (preview ${i + 1} of ${maxLive})`,
        namespace: `fintrax-pr-* (preview ${i + 1} of ${maxLive})`,
        requests: { cpu: parseQuantity(quota.requests.cpu), memory: parseQuantity(quota.requests.memory), pods: quota.pods },
    }));
}
