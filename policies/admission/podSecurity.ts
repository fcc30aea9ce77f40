import { ADDABLE_CAPABILITIES, RESTRICTED_VOLUME_TYPES, SECCOMP_TYPES } from "../lib/podSecurity";
import { AdmissionRule, celStrings, POD_BEARING_RESOURCES, POD_TEMPLATE_VARIABLES, Validation } from "./rule";

/**
 * The Pod Security Standards restricted profile on workloads. Pod Security admission enforces it on Pods
 * only: for a Deployment, a Job or a CronJob it merely warns, so a `kubectl apply` of a non-compliant
 * Deployment succeeds and its ReplicaSet then fails to create pods, quietly. This rule refuses the workload
 * itself, and judges Pods too so that the two sides mean the same. It covers the profile's host, privilege,
 * user, capability, seccomp and volume fields; sysctls, SELinux, AppArmor and procMount are left to the
 * namespace's Pod Security labels (the pack checks them all on what Pulumi creates).
 */

/** `field` of container `c`'s securityContext, else of the pod's, as the restricted profile reads it. */
function effective(field: string): { set: string; value: string } {
    const own = `has(c.securityContext) && has(c.securityContext.${field})`;
    const pod = `has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.${field})`;
    return {
        set: `((${own}) || (${pod}))`,
        value: `(${own} ? c.securityContext.${field} : variables.podSpec.securityContext.${field})`,
    };
}

const runAsNonRoot = effective("runAsNonRoot");
const runAsUser = effective("runAsUser");
const seccomp = effective("seccompProfile");

/**
 * Every volume source of the core/v1 Volume besides the restricted profile's allowed ones (read from the
 * Volume type of kubernetes-models 5.1.0, Kubernetes 1.35, on 2026-12-01). CEL names the fields: the API
 * server's objects are typed, so a rule cannot iterate a volume's keys.
 */
const HOST_VOLUME_SOURCES = [
    "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk",
    "gitRepo", "glusterfs", "hostPath", "image", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd",
    "scaleIO", "storageos", "vsphereVolume",
];

const HOST_NAMESPACES = ["hostNetwork", "hostPID", "hostIPC"];

const VALIDATIONS: Validation[] = [
    {
        expression: HOST_NAMESPACES.map((field) => `(!has(variables.podSpec.${field}) || variables.podSpec.${field} == false)`).join(" && "),
        message: "pods must not share the node's network, PID or IPC namespace (hostNetwork, hostPID, hostIPC)",
    },
    {
        expression: `!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, ${HOST_VOLUME_SOURCES.map((source) => `!has(v.${source})`).join(" && ")})`,
        message: `volumes must be one of ${RESTRICTED_VOLUME_TYPES.join(", ")} (no hostPath)`,
    },
    {
        expression: "variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false)",
        message: "containers must not be privileged",
    },
    {
        expression: "variables.containers.all(c, has(c.securityContext) && has(c.securityContext.allowPrivilegeEscalation) && c.securityContext.allowPrivilegeEscalation == false)",
        message: "every container must set securityContext.allowPrivilegeEscalation: false",
    },
    {
        expression: `variables.containers.all(c, ${runAsNonRoot.set} && ${runAsNonRoot.value} == true)`,
        message: "every container must run as non-root: set securityContext.runAsNonRoot: true on the pod or the container",
    },
    {
        expression: `variables.containers.all(c, !${runAsUser.set} || ${runAsUser.value} != 0)`,
        message: "no container may run as user 0",
    },
    {
        expression: `variables.containers.all(c, ${seccomp.set} && has(${seccomp.value}.type) && ${seccomp.value}.type in ${celStrings(SECCOMP_TYPES)})`,
        message: "every container must use the RuntimeDefault (or a Localhost) seccomp profile: set securityContext.seccompProfile.type on the pod or the container",
    },
    {
        expression: "variables.containers.all(c, has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) " +
            "&& 'ALL' in c.securityContext.capabilities.drop)",
        message: "every container must drop ALL capabilities (securityContext.capabilities.drop: [ALL])",
    },
    {
        expression: "variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) " +
            `|| c.securityContext.capabilities.add.all(a, a in ${celStrings(ADDABLE_CAPABILITIES)}))`,
        message: `containers may add no capability other than ${ADDABLE_CAPABILITIES.join(", ")}`,
    },
    {
        expression: "variables.containers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))",
        message: "containers must not bind host ports; expose the pod through a Service",
    },
];

export const podSecurityRule: AdmissionRule = {
    name: "fintrax-pod-security",
    crossGuardPolicy: "k8s-pod-security-restricted",
    description: "Pods and the workloads that create them meet the Pod Security Standards restricted profile.",
    scope: "every-tier",
    resourceRules: POD_BEARING_RESOURCES,
    variables: POD_TEMPLATE_VARIABLES,
    validations: VALIDATIONS,
};
