import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ContainerResources, Quota, StorageBudget } from "../model/resources";
import { platformRoleBindings } from "./accessModel";

export interface NamedNetworkPolicy {
    name: string;
    spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

export interface GuardedNamespaceArgs {
    name: string;
    labels: Record<string, string>;
    /** Pod Security Standards level enforced; `restricted` is always warned and audited. */
    podSecurity: "baseline" | "restricted";
    quota: Quota;
    /**
     * For namespaces whose users are people (the environments): no LoadBalancer or NodePort Service (the
     * quota admits none, whoever applies it) and persistent volumes within this budget. Platform namespaces
     * that need a load balancer or volumes leave it out.
     * @default no Service-type or storage limits beyond the quota's CPU, memory and pods
     */
    closedWithStorage?: StorageBudget;
    /** What a container that names no resources gets (LimitRange default requests and limits). */
    containerDefaults: ContainerResources;
    /** Allow rules layered on top of the namespace's default deny. */
    allow: NamedNetworkPolicy[];
    /**
     * The tier whose platform identities (components/accessModel.ts) are bound in the namespace before anything
     * else is created in it: a platform deployer has its rights in an environment namespace only through this.
     * @default no platform bindings
     */
    platformBindingsFor?: string;
    /**
     * Keep the namespace (and so everything in it) from being deleted by an update or destroy.
     * @default false
     */
    protect?: boolean;
}

/**
 * A namespace that cannot be used without its guardrails: quota, container defaults, default-deny
 * networking and Pod Security labels are created with it, never separately. Both the environments and the
 * cluster's platform namespaces (components/cluster/platformNetwork.ts, platformNamespace()) are made from this.
 */
export class GuardedNamespace extends pulumi.ComponentResource {
    readonly namespace: k8s.core.v1.Namespace;
    readonly namespaceName: pulumi.Output<string>;

    constructor(name: string, args: GuardedNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:kubernetes:GuardedNamespace", name, {}, opts);
        const parent = { parent: this };

        this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: {
                name: args.name,
                labels: {
                    ...args.labels,
                    "pod-security.kubernetes.io/enforce": args.podSecurity,
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "pod-security.kubernetes.io/warn-version": "latest",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/audit-version": "latest",
                },
            },
        }, { ...parent, protect: args.protect ?? false });
        this.namespaceName = this.namespace.metadata.name;
        const access = args.platformBindingsFor ? Object.entries(platformRoleBindings(args.platformBindingsFor)).map(([key, binding]) =>
            new k8s.rbac.v1.RoleBinding(`${name}-platform-${key}`, {
                metadata: { name: binding.name, namespace: this.namespaceName, labels: args.labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: binding.clusterRole },
                subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: binding.group }],
            }, parent)) : [];
        const inside = { ...parent, dependsOn: access };
        const metadata = (objectName: string) => ({ name: objectName, namespace: this.namespaceName, labels: args.labels });

        new k8s.core.v1.ResourceQuota(`${name}-quota`, {
            metadata: metadata("quota"),
            spec: {
                hard: {
                    "requests.cpu": args.quota.requests.cpu,
                    "requests.memory": args.quota.requests.memory,
                    "limits.cpu": args.quota.limits.cpu,
                    "limits.memory": args.quota.limits.memory,
                    pods: String(args.quota.pods),
                    ...(args.closedWithStorage ? {
                        "services.loadbalancers": "0",
                        "services.nodeports": "0",
                        "requests.storage": args.closedWithStorage.requests,
                        persistentvolumeclaims: String(args.closedWithStorage.claims),
                    } : {}),
                },
            },
        }, inside);

        new k8s.core.v1.LimitRange(`${name}-limits`, {
            metadata: metadata("container-defaults"),
            spec: {
                limits: [{
                    type: "Container",
                    defaultRequest: args.containerDefaults.requests,
                    default: args.containerDefaults.limits,
                }],
            },
        }, inside);

        // Deny everything first; each allow below opens one deliberate path.
        const policies: NamedNetworkPolicy[] = [
            { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
            ...args.allow,
        ];
        for (const policy of policies) {
            new k8s.networking.v1.NetworkPolicy(`${name}-${policy.name}`, {
                metadata: metadata(policy.name),
                spec: policy.spec,
            }, inside);
        }

        this.registerOutputs({ namespaceName: this.namespaceName });
    }
}
