import * as pulumi from "@pulumi/pulumi";
import { TIER_LABEL } from "../model/labels";

/** Labels every Fintrax object carries, so that `kubectl get -l` and cost reports can slice by them. */
export function platformLabels(extra: Record<string, string> = {}): Record<string, string> {
    return { "app.kubernetes.io/part-of": "fintrax", "app.kubernetes.io/managed-by": "pulumi", ...extra };
}

/** Every environment's namespaces (and only theirs) carry it: the shared Gateway admits routes by it. */
export const ENVIRONMENT_NAMESPACE_LABEL = "fintrax.io/environment";

export function environmentLabels(environment: string, tier: string): Record<string, string> {
    return platformLabels({ [ENVIRONMENT_NAMESPACE_LABEL]: environment, [TIER_LABEL]: tier });
}

/** Pods that the gateway's proxies may reach carry this label; the network policy admits only them. */
export const EXPOSED_LABEL = "fintrax.io/exposed";

/** The one label the namespace selector of a NetworkPolicy can rely on: the API server sets it. */
export function namespaceNameSelector(namespace: pulumi.Input<string>) {
    return { matchLabels: { "kubernetes.io/metadata.name": namespace } };
}
