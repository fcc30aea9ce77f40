import { ContainerRef, PodTemplate } from "./kubernetes";
import type { Finding } from "./policy";

/**
 * The Pod Security Standards "restricted" profile (which includes "baseline"), as the admission controller
 * applies it: every field it reads, at pod level and for every container, init container and ephemeral
 * container. A pod-level setting (runAsNonRoot, runAsUser, seccompProfile, seLinuxOptions) counts for a
 * container unless the container sets its own.
 */

/** The only capability the restricted profile lets a container add. */
export const ADDABLE_CAPABILITIES = ["NET_BIND_SERVICE"];
export const SECCOMP_TYPES = ["RuntimeDefault", "Localhost"];
export const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

function podFindings(template: PodTemplate): Finding[] {
    const spec = template.podSpec;
    const context = spec.securityContext ?? {};
    const findings: Finding[] = [];
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (spec[field] === true) findings.push([`the pod sets ${field}: true`, `remove spec.${field}; pods must not share the node's namespaces`]);
    }
    for (const volume of spec.volumes ?? []) {
        const type = Object.keys(volume ?? {}).find((key) => key !== "name");
        if (type && !RESTRICTED_VOLUME_TYPES.includes(type)) {
            findings.push([`volume ${JSON.stringify(volume.name)} is a ${type} volume`, `use only ${RESTRICTED_VOLUME_TYPES.join(", ")} volumes`]);
        }
    }
    const unsafe = (context.sysctls ?? []).map((sysctl: any) => sysctl?.name).filter((name: string) => !SAFE_SYSCTLS.includes(name));
    if (unsafe.length) findings.push([`the pod sets unsafe sysctls ${unsafe.join(", ")}`, "remove them from spec.securityContext.sysctls"]);
    if (context.windowsOptions?.hostProcess === true) findings.push(["the pod runs as a Windows host process", "remove spec.securityContext.windowsOptions.hostProcess"]);
    for (const [key, value] of Object.entries(template.podMetadata.annotations)) {
        if (key.startsWith(APPARMOR_ANNOTATION) && value !== "runtime/default" && !String(value).startsWith("localhost/")) {
            findings.push([`annotation ${key} is ${JSON.stringify(value)}`, "use runtime/default or a localhost/ profile"]);
        }
    }
    return findings;
}

/** The container's value for a field the pod can set for all its containers. */
function effective(ref: ContainerRef, podContext: any, field: string): any {
    return ref.container?.securityContext?.[field] ?? podContext?.[field];
}

function containerFindings(ref: ContainerRef, podContext: any): Finding[] {
    const context = ref.container?.securityContext ?? {};
    const findings: Finding[] = [];
    const add = (problem: string, fix: string) => findings.push([`${ref.label} ${problem}`, fix]);

    if (context.privileged === true) add("is privileged", "remove securityContext.privileged");
    if (context.allowPrivilegeEscalation !== false) add("does not set allowPrivilegeEscalation: false", "set securityContext.allowPrivilegeEscalation: false");
    if (effective(ref, podContext, "runAsNonRoot") !== true) add("may run as root (runAsNonRoot is not true)", "set securityContext.runAsNonRoot: true on the pod or the container");
    if (effective(ref, podContext, "runAsUser") === 0) add("runs as user 0 (root)", "set runAsUser to a non-zero UID");
    const seccomp = effective(ref, podContext, "seccompProfile")?.type;
    if (!SECCOMP_TYPES.includes(seccomp)) {
        add(seccomp ? `uses seccomp profile ${seccomp}` : "has no seccomp profile", "set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container");
    }
    const capabilities = context.capabilities ?? {};
    if (!(capabilities.drop ?? []).includes("ALL")) add("does not drop ALL capabilities", "set securityContext.capabilities.drop: [ALL]");
    const added = (capabilities.add ?? []).filter((capability: string) => !ADDABLE_CAPABILITIES.includes(capability));
    if (added.length) add(`adds capabilities ${added.join(", ")}`, "add no capability other than NET_BIND_SERVICE");
    const hostPorts = (ref.container?.ports ?? []).map((port: any) => port?.hostPort).filter((port: unknown) => port !== undefined && port !== 0);
    if (hostPorts.length) add(`binds host ports ${hostPorts.join(", ")}`, "remove ports[].hostPort and expose the pod through a Service");
    if (context.procMount !== undefined && context.procMount !== "Default") add(`sets procMount ${context.procMount}`, "remove securityContext.procMount");
    const seLinux = effective(ref, podContext, "seLinuxOptions") ?? {};
    if (!SELINUX_TYPES.includes(seLinux.type ?? "") || seLinux.user || seLinux.role) {
        add("sets a custom SELinux user, role or type", "remove seLinuxOptions, or use type container_t");
    }
    const appArmor = effective(ref, podContext, "appArmorProfile")?.type;
    if (appArmor !== undefined && appArmor !== "RuntimeDefault" && appArmor !== "Localhost") add(`uses AppArmor profile ${appArmor}`, "use RuntimeDefault or Localhost");
    if (effective(ref, podContext, "windowsOptions")?.hostProcess === true) add("runs as a Windows host process", "remove windowsOptions.hostProcess");
    return findings;
}

/** Everything in the pod template that the restricted profile would refuse. */
export function restrictedProfileFindings(template: PodTemplate): Finding[] {
    const podContext = template.podSpec.securityContext ?? {};
    return [...podFindings(template), ...template.containers.flatMap((ref) => containerFindings(ref, podContext))];
}
