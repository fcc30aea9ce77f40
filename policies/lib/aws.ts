import { TAGGABLE_TYPES } from "./awsTaggableTypes";
import type { ResourceView } from "./types";

/**
 * Reading AWS resources as the engine shows them: bridged providers pass some booleans as strings
 * (`blockDeviceMappings[].ebs.encrypted: "true"`), single nested blocks as objects (older versions as one-item
 * lists), and the provider's own nested settings (`defaultTags`) as JSON text.
 */

export function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
    return value === false || value === "false";
}

/** A nested block that is an object, or a one-item list in older provider versions. */
export function block(value: unknown): any {
    return Array.isArray(value) ? value[0] : value;
}

export const RDS_INSTANCE = "aws:rds/instance:Instance";
export const RDS_CLUSTER = "aws:rds/cluster:Cluster";

/** CIDRs that mean "the whole internet". */
export const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

// --- Tags --------------------------------------------------------------------------------------------------

/** `{ key: value }`, or the `[{ key, value }]` list some resources (autoscaling groups) take. */
function tagMap(tags: unknown): Record<string, string> {
    if (Array.isArray(tags)) return Object.fromEntries(tags.map((tag) => [tag?.key, tag?.value]));
    return tags && typeof tags === "object" ? (tags as Record<string, string>) : {};
}

/** The provider's `defaultTags.tags`; the SDK hands provider settings over as JSON text. */
function providerDefaultTags(provider: ResourceView["provider"]): Record<string, string> {
    if (!provider?.type.startsWith("pulumi:providers:aws")) return {};
    let defaultTags = provider.props?.defaultTags;
    if (typeof defaultTags === "string") {
        try {
            defaultTags = JSON.parse(defaultTags);
        } catch {
            return {};
        }
    }
    return tagMap(defaultTags?.tags);
}

/** AWS applies a provider's default tags to every resource that takes tags, except these. */
const NO_DEFAULT_TAGS = ["aws:autoscaling/group:Group"];

/** The tags the resource will carry: its own, the `tagsAll` it may already show, and the provider's defaults. */
export function effectiveTags(resource: Pick<ResourceView, "type" | "props" | "provider">): Record<string, string> {
    const defaults = NO_DEFAULT_TAGS.includes(resource.type) ? {} : providerDefaultTags(resource.provider);
    return { ...defaults, ...tagMap(resource.props.tagsAll), ...tagMap(resource.props.tags) };
}

/**
 * A resource takes tags when its type's inputs include `tags` in the AWS provider's schema (the generated
 * list), or when its props carry `tags` anyway (a type newer than the list).
 */
export function isTaggable(resource: Pick<ResourceView, "type" | "props">): boolean {
    const match = /^aws:([^/]+)\/[^:]+:(.+)$/.exec(resource.type);
    if (!match) return false;
    return TAGGABLE_TYPES[match[1]]?.split(" ").includes(match[2]) === true || resource.props.tags !== undefined;
}
