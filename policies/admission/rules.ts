import { routeAttachment } from "../gatewayApi";
import { saTokenAutomount } from "../workloads";
import { AdmissionRule, celHasEntry, celStrings, POD_BEARING_RESOURCES, POD_TEMPLATE_VARIABLES } from "./rule";

/**
 * The guardrails the API server enforces on whatever reaches an environment namespace, `kubectl apply`
 * included; the pack judges the same rules on what Pulumi creates. CEL stays within the API server's cost
 * limits: every expression is linear in the containers and volumes of one pod.
 */

/** Registries production pulls from; `prod-image-registry`'s allowedRegistries in policies/config (checked by a test). */
export const PRODUCTION_REGISTRIES = ["ghcr.io/fintrax/"];

const OPT_IN_LABEL: string = (saTokenAutomount.configSchema!.properties!.optInLabel as { default: string }).default;

const DIGEST = "[a-z0-9]+([.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}";
/** A digest after the name (`repo@sha256:…`, a tag before it allowed), or a tag after the last `/` that is not latest. */
const PINNED = `(c.image.matches('^[^@]+@${DIGEST}$') || (!c.image.contains('@') && c.image.matches(':[^/:@]+$') && !c.image.endsWith(':latest')))`;

export const imagePinnedRule: AdmissionRule = {
    name: "fintrax-image-pinned",
    crossGuardPolicy: "k8s-image-pinned",
    description: "No image without a tag and no :latest: every rollout must be reproducible.",
    scope: "every-tier",
    resourceRules: POD_BEARING_RESOURCES,
    variables: POD_TEMPLATE_VARIABLES,
    validations: [{
        expression: `variables.containers.all(c, has(c.image) && ${PINNED})`,
        message: "every container image must be pinned to a version tag (ghcr.io/fintrax/auth:1.4.2) or a digest (@sha256:…), never :latest",
    }],
};

function registryRule(registries: readonly string[]): AdmissionRule {
    // A prefix that ends at a path boundary and names its registry reads the same as the pack's check, which
    // also qualifies short Docker Hub names (nginx → docker.io/library/nginx).
    const unsafe = registries.filter((prefix) => !prefix.endsWith("/") || !prefix.split("/")[0].includes(".") || prefix.startsWith("docker.io/"));
    if (unsafe.length) throw new Error(`registry prefixes must name a registry host other than docker.io and end with '/': ${unsafe.join(", ")}`);
    return {
        name: "fintrax-image-registry",
        crossGuardPolicy: "prod-image-registry",
        description: "Production images come from the allowed registries.",
        scope: "production",
        resourceRules: POD_BEARING_RESOURCES,
            variables: POD_TEMPLATE_VARIABLES,
        validations: [{
            expression: `variables.containers.all(c, has(c.image) && ${celStrings(registries)}.exists(r, c.image.startsWith(r)))`,
            message: `production images must come from ${registries.join(" or ")}`,
        }],
    };
}

export const imageRegistryRule = registryRule(PRODUCTION_REGISTRIES);

export const serviceExposureRule: AdmissionRule = {
    name: "fintrax-service-exposure",
    crossGuardPolicy: "k8s-service-exposure",
    description: "No Service of type LoadBalancer or NodePort and no externalIPs: traffic enters through the ingress.",
    scope: "every-tier",
    resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["services"], operations: ["CREATE", "UPDATE"] }],
    validations: [
        {
            expression: "!has(object.spec.type) || !(object.spec.type in ['LoadBalancer', 'NodePort'])",
            message: "a Service must be of type ClusterIP; traffic enters through the environment's ingress",
        },
        {
            // externalIPs let a Service capture traffic for any address (CVE-2020-8554).
            expression: "!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0",
            message: "a Service must not set externalIPs",
        },
    ],
};

export const noBarePodsRule: AdmissionRule = {
    name: "fintrax-no-bare-pods",
    crossGuardPolicy: "k8s-no-bare-pods",
    description: "No Pod outside a controller: a bare Pod is not rescheduled when its node goes.",
    scope: "every-tier",
    // Only at creation: pods of Deployments and Jobs carry their controller's ownerReference from the start,
    // and an update (a label, the garbage collector's orphaning) must not be refused later.
    resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["CREATE"] }],
    validations: [{
        expression: "has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(o, has(o.controller) && o.controller == true)",
        message: "a Pod must belong to a controller: run it from a Deployment (long-running) or a Job (run to completion)",
    }],
};

const OBJECT_LABELS = { name: "objectLabels", expression: "has(object.metadata.labels) ? object.metadata.labels : {}" };

export const saTokenAutomountRule: AdmissionRule = {
    name: "fintrax-sa-token-automount",
    crossGuardPolicy: "k8s-sa-token-automount",
    description: "Pods and service accounts do not automount Kubernetes API tokens unless labelled as needing them.",
    scope: "every-tier",
    resourceRules: [
        { apiGroups: [""], apiVersions: ["v1"], resources: ["serviceaccounts"], operations: ["CREATE", "UPDATE"] },
        ...POD_BEARING_RESOURCES,
    ],
    // The `default` ServiceAccount is the controller manager's, created in every namespace; pods that use
    // it still have to turn the token off themselves.
    matchConditions: [
        { name: "not-the-default-service-account", expression: "object.kind != 'ServiceAccount' || object.metadata.name != 'default'" },
    ],
    variables: [OBJECT_LABELS, ...POD_TEMPLATE_VARIABLES],
    validations: [
        {
            expression: "object.kind != 'ServiceAccount' || (has(object.automountServiceAccountToken) && object.automountServiceAccountToken == false) || " +
                celHasEntry("variables.objectLabels", OPT_IN_LABEL, "true"),
            message: `a ServiceAccount must set automountServiceAccountToken: false, or carry the label ${OPT_IN_LABEL}: "true" if its pods call the Kubernetes API`,
        },
        {
            expression: "object.kind == 'ServiceAccount' || " +
                "(has(variables.podSpec.automountServiceAccountToken) && variables.podSpec.automountServiceAccountToken == false) || " +
                `${celHasEntry("variables.objectLabels", OPT_IN_LABEL, "true")} || ${celHasEntry("variables.podLabels", OPT_IN_LABEL, "true")}`,
            message: `a pod template must set automountServiceAccountToken: false, or carry the label ${OPT_IN_LABEL}: "true" if it calls the Kubernetes API`,
        },
    ],
};

const HAS_RESOURCES = "has(c.resources) && has(c.resources.requests) && 'cpu' in c.resources.requests && 'memory' in c.resources.requests " +
    "&& has(c.resources.limits) && 'memory' in c.resources.limits";

export const containerResourcesRule: AdmissionRule = {
    name: "fintrax-container-resources",
    crossGuardPolicy: "k8s-container-resources",
    description: "Every container and init container has cpu and memory requests and a memory limit.",
    scope: "every-tier",
    resourceRules: POD_BEARING_RESOURCES,
    variables: POD_TEMPLATE_VARIABLES,
    validations: [{
        // A Pod gets the LimitRange's defaults before validation; a workload's template states its own.
        expression: `variables.regularContainers.all(c, ${HAS_RESOURCES})`,
        message: "every container and init container must set resources.requests.cpu, resources.requests.memory and resources.limits.memory",
    }],
};

export { podSecurityRule } from "./podSecurity";

/** The shared Gateway, as the pack's `k8s-route-attachment` configures it by default (one place for both). */
const edgeDefault = (key: "gatewayName" | "gatewayNamespace"): string => (routeAttachment.configSchema!.properties![key] as { default: string }).default;
const SHARED_GATEWAY = { name: edgeDefault("gatewayName"), namespace: edgeDefault("gatewayNamespace") };

/**
 * Routes attach to the cluster's shared Gateway only, whoever applies them: a route that named a Gateway of
 * its own would ask for a load balancer of its own (the pack's `k8s-edge-objects` keeps Pulumi from creating
 * one; this keeps `kubectl` from attaching to anything but the shared one). A parentRef without a namespace
 * means the route's own, never the Gateway's in an environment namespace.
 */
export const routeAttachmentRule: AdmissionRule = {
    name: "fintrax-route-attachment",
    crossGuardPolicy: "k8s-route-attachment",
    description: "A Gateway API route attaches to the cluster's shared Gateway and to nothing else.",
    scope: "every-tier",
    resourceRules: [{ apiGroups: ["gateway.networking.k8s.io"], apiVersions: ["v1"], resources: ["httproutes", "grpcroutes"], operations: ["CREATE", "UPDATE"] }],
    validations: [
        {
            expression: "has(object.spec.parentRefs) && size(object.spec.parentRefs) > 0",
            message: `a route must attach to Gateway ${SHARED_GATEWAY.namespace}/${SHARED_GATEWAY.name} (parentRefs with its name and namespace)`,
        },
        {
            expression: "!has(object.spec.parentRefs) || object.spec.parentRefs.all(p, "
                + "(!has(p.group) || p.group == 'gateway.networking.k8s.io') && (!has(p.kind) || p.kind == 'Gateway') && "
                + `p.name == '${SHARED_GATEWAY.name}' && has(p.namespace) && p.namespace == '${SHARED_GATEWAY.namespace}')`,
            message: `a route may attach only to Gateway ${SHARED_GATEWAY.namespace}/${SHARED_GATEWAY.name}, the cluster's shared one`,
        },
    ],
};
