/**
 * Container image references (`[registry[:port]/]path[:tag][@digest]`), read the way the container runtime
 * reads them: `nginx` is `docker.io/library/nginx:latest`, and `registry:5000/app` has a port, not a tag.
 */

export interface ImageReference {
    /** Everything before the tag and digest, e.g. `ghcr.io/fintrax/auth`. */
    repository: string;
    tag?: string;
    digest?: string;
}

function parseImage(image: string): ImageReference {
    const at = image.indexOf("@");
    const digest = at >= 0 ? image.slice(at + 1) : undefined;
    const name = at >= 0 ? image.slice(0, at) : image;
    const colon = name.lastIndexOf(":");
    // A colon before the last slash belongs to the registry's port.
    const hasTag = colon > name.lastIndexOf("/");
    return { repository: hasTag ? name.slice(0, colon) : name, tag: hasTag ? name.slice(colon + 1) : undefined, digest };
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

/** Why an image is not pinned, or undefined when a digest or a tag other than `latest` pins it. */
export function unpinnedReason(image: string): string | undefined {
    const { tag, digest } = parseImage(image);
    if (digest !== undefined) return DIGEST.test(digest) ? undefined : `has a malformed digest "${digest}"`;
    if (tag === undefined || tag === "") return "has no tag, so it means :latest";
    return tag === "latest" ? "uses the :latest tag" : undefined;
}

/** The fully qualified name: `nginx` → `docker.io/library/nginx`, `bitnami/redis` → `docker.io/bitnami/redis`. */
function qualifiedImage(image: string): string {
    const [first, ...rest] = image.split("/");
    const isRegistry = rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
    if (isRegistry) return image;
    return rest.length ? `docker.io/${image}` : `docker.io/library/${image}`;
}

/** True when the image, as written or fully qualified, starts with the prefix at a path boundary. */
export function fromRegistry(image: string, prefix: string): boolean {
    return [image, qualifiedImage(image)].some((name) =>
        name.startsWith(prefix) && (prefix.endsWith("/") || ["", "/", ":", "@"].includes(name.charAt(prefix.length))));
}
