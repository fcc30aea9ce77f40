import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ServiceSpec } from "../model/service";
import { EXPOSED_LABEL } from "./labels";
import { RESTRICTED_CONTAINER_SECURITY, RESTRICTED_POD_SECURITY } from "./podSecurity";

export interface AppServiceArgs extends ServiceSpec {
    /** The service's name in its namespace (a DNS label): Deployment, Service and account share it. */
    serviceName: string;
    namespace: pulumi.Input<string>;
    environment: string;
    /** Secrets whose keys become environment variables (the database credentials, for example). @default none */
    envFromSecrets?: pulumi.Input<string>[];
    /** ConfigMaps mounted read-only into the container (the RDS CA bundle, for example). @default none */
    configMapMounts?: Array<{ configMap: pulumi.Input<string>; mountPath: string }>;
    rollout: { maxSurge: number; maxUnavailable: number };
    spreadAcrossZones: boolean;
    disruptionBudget: boolean;
    labels: Record<string, string>;
    /** The cluster's PriorityClass for the pods (ClusterExports `priorityClasses`). @default the cluster's default PriorityClass */
    priorityClassName?: pulumi.Input<string>;
    /** CPU utilisation the autoscaler aims for, in percent of requests. @default 70 */
    targetCpuUtilization?: number;
}

const HEALTH_PATH = "/healthz";
const SERVICE_PORT = 80;

/**
 * One stateless HTTP service: its identity, Deployment, Service, autoscaler and disruption budget,
 * hardened to the restricted Pod Security profile whatever the tier.
 */
export class AppService extends pulumi.ComponentResource {
    readonly serviceName: pulumi.Output<string>;
    readonly servicePort = SERVICE_PORT;
    /** Labels that select this service's pods (for monitors, policies and budgets). */
    readonly selector: Record<string, string>;

    constructor(name: string, args: AppServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:environment:AppService", name, {}, opts);
        const parent = { parent: this };
        const serviceName = args.serviceName;
        this.selector = { "app.kubernetes.io/name": serviceName, "app.kubernetes.io/instance": `${serviceName}-${args.environment}` };
        const labels = { ...args.labels, ...this.selector, "app.kubernetes.io/component": "service" };
        const metadata = { name: serviceName, namespace: args.namespace, labels };
        const mounts = args.configMapMounts ?? [];

        const account = new k8s.core.v1.ServiceAccount(`${name}-account`, {
            metadata,
            // The services never call the Kubernetes API; a mounted token would only be something to steal.
            automountServiceAccountToken: false,
        }, parent);

        const podLabels = args.path ? { ...labels, [EXPOSED_LABEL]: "true" } : labels;
        const probe = (initialDelaySeconds: number, failureThreshold: number) => ({
            httpGet: { path: HEALTH_PATH, port: "http" },
            initialDelaySeconds,
            periodSeconds: 10,
            timeoutSeconds: 2,
            failureThreshold,
        });
        const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
            metadata,
            spec: {
                // The autoscaler owns the replica count after creation (see ignoreChanges below).
                replicas: args.replicas.min,
                selector: { matchLabels: this.selector },
                strategy: { type: "RollingUpdate", rollingUpdate: args.rollout },
                revisionHistoryLimit: 5,
                template: {
                    metadata: { labels: podLabels },
                    spec: {
                        serviceAccountName: account.metadata.name,
                        automountServiceAccountToken: false,
                        priorityClassName: args.priorityClassName,
                        securityContext: RESTRICTED_POD_SECURITY,
                        terminationGracePeriodSeconds: 30,
                        ...(args.spreadAcrossZones ? {
                            topologySpreadConstraints: [{
                                maxSkew: 1,
                                topologyKey: "topology.kubernetes.io/zone",
                                whenUnsatisfiable: "DoNotSchedule",
                                labelSelector: { matchLabels: this.selector },
                            }],
                        } : {}),
                        containers: [{
                            name: serviceName,
                            image: args.image,
                            ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }],
                            env: [
                                { name: "FINTRAX_ENVIRONMENT", value: args.environment },
                                ...Object.entries(args.env).sort().map(([key, value]) => ({ name: key, value })),
                            ],
                            envFrom: (args.envFromSecrets ?? []).map((secret) => ({ secretRef: { name: secret } })),
                            resources: args.resources,
                            readinessProbe: probe(5, 3),
                            livenessProbe: probe(15, 6),
                            securityContext: RESTRICTED_CONTAINER_SECURITY,
                            // A read-only root filesystem still needs somewhere to write temporary files.
                            volumeMounts: [
                                { name: "tmp", mountPath: "/tmp" },
                                ...mounts.map((mount, index) => ({ name: `config-${index}`, mountPath: mount.mountPath, readOnly: true })),
                            ],
                        }],
                        volumes: [
                            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                            ...mounts.map((mount, index) => ({ name: `config-${index}`, configMap: { name: mount.configMap } })),
                        ],
                    },
                },
            },
        }, { ...parent, ignoreChanges: ["spec.replicas"] });

        const service = new k8s.core.v1.Service(`${name}-service`, {
            metadata,
            spec: {
                type: "ClusterIP",
                selector: this.selector,
                ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
            },
        }, parent);
        this.serviceName = service.metadata.name;

        new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-autoscaler`, {
            metadata,
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                minReplicas: args.replicas.min,
                maxReplicas: args.replicas.max,
                metrics: [{
                    type: "Resource",
                    resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.targetCpuUtilization ?? 70 } },
                }],
            },
        }, parent);

        if (args.disruptionBudget) {
            // One pod at a time may be evicted by a node drain, whatever the replica count.
            new k8s.policy.v1.PodDisruptionBudget(`${name}-disruption-budget`, {
                metadata,
                spec: { maxUnavailable: 1, selector: { matchLabels: this.selector } },
            }, parent);
        }

        this.registerOutputs({ serviceName: this.serviceName });
    }
}
