import { container, expectFires, expectQuiet, k8s, workload, WORKLOAD_KINDS } from "./fixtures";

/** A Deployment whose pod spec `mutate` changed. */
const deployment = (mutate: (spec: Record<string, any>) => void) => [workload("Deployment", "fintrax-prod", mutate)];
const firstContainer = (mutate: (c: Record<string, any>) => void) => deployment((spec) => mutate(spec.containers[0]));

describe("policy k8s-container-resources", () => {
    it("fires on an init container without a memory limit", async () => {
        await expectFires("k8s-container-resources", deployment((spec) => {
            spec.initContainers = [container("migrate", { resources: { requests: { cpu: "100m", memory: "128Mi" } } })];
        }), undefined, /init container "migrate": has no valid limits.memory/);
    });

    it("fires on a container without requests, in every pod-bearing kind", async () => {
        for (const kind of WORKLOAD_KINDS) {
            await expectFires("k8s-container-resources", [workload(kind, "fintrax-prod", (spec) => {
                spec.containers[0].resources = { limits: { memory: "512Mi" } };
            })], ["prod"], new RegExp(`${kind} fintrax-prod/auth, container "auth": has no valid requests.cpu, requests.memory`));
        }
    });

    it("stays quiet when every container states its requests and memory limit (a CPU limit is optional)", async () => {
        await expectQuiet("k8s-container-resources", firstContainer((c) => delete c.resources.limits.cpu));
        // Ephemeral containers cannot have resources: the API forbids them.
        await expectQuiet("k8s-container-resources", deployment((spec) => {
            spec.ephemeralContainers = [{ name: "debug", image: "ghcr.io/fintrax/debug:1", securityContext: spec.containers[0].securityContext }];
        }));
    });
});

describe("policy k8s-image-pinned", () => {
    for (const image of ["nginx", "nginx:latest", "registry.internal:5000/app", "ghcr.io/fintrax/auth@sha256:abc"]) {
        it(`fires on ${image}`, async () => {
            await expectFires("k8s-image-pinned", firstContainer((c) => (c.image = image)), undefined, /Fix: pin the image/);
        });
    }

    it("fires on an unpinned init container image in a CronJob", async () => {
        await expectFires("k8s-image-pinned", [workload("CronJob", "fintrax-prod", (spec) => {
            spec.initContainers = [container("wait", { image: "busybox" })];
        })], undefined, /CronJob fintrax-prod\/auth, init container "wait": image "busybox" has no tag/);
    });

    it("stays quiet for a tag, a digest and a registry with a port and a tag", async () => {
        const digest = `sha256:${"a".repeat(64)}`;
        for (const image of ["ghcr.io/fintrax/auth:1.4.2", `ghcr.io/fintrax/auth@${digest}`, `nginx:latest@${digest}`, "registry.internal:5000/app:2.0.1"]) {
            await expectQuiet("k8s-image-pinned", firstContainer((c) => (c.image = image)));
        }
    });
});

describe("policy k8s-pod-security-restricted", () => {
    const fires = (pattern: RegExp, mutate: (spec: Record<string, any>) => void) => expectFires("k8s-pod-security-restricted", deployment(mutate), undefined, pattern);

    it("fires on an added capability other than NET_BIND_SERVICE", async () => {
        await fires(/container "auth" adds capabilities SYS_ADMIN/, (spec) => (spec.containers[0].securityContext.capabilities.add = ["SYS_ADMIN"]));
    });

    it("fires when ALL capabilities are not dropped", async () => {
        await fires(/does not drop ALL capabilities/, (spec) => (spec.containers[0].securityContext.capabilities = { drop: ["NET_RAW"] }));
    });

    it("fires on privileged containers and on privilege escalation left unset", async () => {
        await fires(/is privileged/, (spec) => (spec.containers[0].securityContext.privileged = true));
        await fires(/does not set allowPrivilegeEscalation: false/, (spec) => delete spec.containers[0].securityContext.allowPrivilegeEscalation);
    });

    it("fires on host namespaces, hostPath volumes and host ports", async () => {
        await fires(/sets hostNetwork: true/, (spec) => (spec.hostNetwork = true));
        await fires(/sets hostPID: true/, (spec) => (spec.hostPID = true));
        await fires(/sets hostIPC: true/, (spec) => (spec.hostIPC = true));
        await fires(/volume "docker" is a hostPath volume/, (spec) => spec.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } }));
        await fires(/binds host ports 8080/, (spec) => (spec.containers[0].ports[0].hostPort = 8080));
    });

    it("fires when a container overrides the pod's runAsNonRoot or seccomp profile", async () => {
        await fires(/container "auth" may run as root/, (spec) => (spec.containers[0].securityContext.runAsNonRoot = false));
        await fires(/uses seccomp profile Unconfined/, (spec) => (spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" }));
        await fires(/runs as user 0/, (spec) => (spec.containers[0].securityContext.runAsUser = 0));
    });

    it("fires when neither the pod nor the container sets runAsNonRoot or a seccomp profile", async () => {
        await fires(/may run as root/, (spec) => delete spec.securityContext.runAsNonRoot);
        await fires(/has no seccomp profile/, (spec) => delete spec.securityContext.seccompProfile);
    });

    it("judges init containers too, in every pod-bearing kind", async () => {
        for (const kind of WORKLOAD_KINDS) {
            await expectFires("k8s-pod-security-restricted", [workload(kind, "fintrax-prod", (spec) => {
                spec.initContainers = [container("setup", { securityContext: { capabilities: { drop: ["ALL"] } } })];
            })], ["prod"], /init container "setup" does not set allowPrivilegeEscalation: false/);
        }
    });

    it("stays quiet for a restricted pod, NET_BIND_SERVICE, and settings made per container instead of per pod", async () => {
        await expectQuiet("k8s-pod-security-restricted", deployment(() => undefined));
        await expectQuiet("k8s-pod-security-restricted", firstContainer((c) => (c.securityContext.capabilities.add = ["NET_BIND_SERVICE"])));
        await expectQuiet("k8s-pod-security-restricted", deployment((spec) => {
            spec.securityContext = {};
            Object.assign(spec.containers[0].securityContext, { runAsNonRoot: true, seccompProfile: { type: "Localhost", localhostProfile: "fintrax.json" } });
        }));
    });
});

describe("policy k8s-probes", () => {
    it("fires on a long-running container without a liveness probe", async () => {
        await expectFires("k8s-probes", firstContainer((c) => delete c.livenessProbe), undefined, /container "auth": has no livenessProbe/);
        await expectFires("k8s-probes", [workload("DaemonSet", "fintrax-prod", (spec) => delete spec.containers[0].readinessProbe)], undefined, /has no readinessProbe/);
    });

    it("stays quiet for Jobs, CronJobs and init containers without probes", async () => {
        const noProbes = (spec: Record<string, any>) => {
            delete spec.containers[0].readinessProbe;
            delete spec.containers[0].livenessProbe;
        };
        await expectQuiet("k8s-probes", [workload("Job", "fintrax-prod", noProbes), workload("CronJob", "fintrax-prod", noProbes)]);
        await expectQuiet("k8s-probes", deployment((spec) => (spec.initContainers = [container("migrate", { readinessProbe: undefined, livenessProbe: undefined })])));
    });
});

describe("policy k8s-no-bare-pods", () => {
    it("fires on a Pod without a controller", async () => {
        const pod = workload("Pod");
        delete pod.inputs.metadata.ownerReferences;
        await expectFires("k8s-no-bare-pods", [pod], undefined, /Pod fintrax-prod\/auth: is a bare Pod/);
    });

    it("stays quiet for controllers and for pods a controller owns", async () => {
        await expectQuiet("k8s-no-bare-pods", [workload("Deployment"), workload("Pod")]);
    });
});

describe("policy k8s-sa-token-automount", () => {
    const serviceAccount = (extra: Record<string, unknown>, labels: Record<string, string> = {}) =>
        [k8s("v1", "ServiceAccount", { metadata: { name: "auth", namespace: "fintrax-prod", labels }, ...extra })];

    it("fires on a pod spec that does not set automountServiceAccountToken: false", async () => {
        for (const kind of WORKLOAD_KINDS) {
            await expectFires("k8s-sa-token-automount", [workload(kind, "fintrax-prod", (spec) => delete spec.automountServiceAccountToken)], ["prod"]);
        }
        await expectFires("k8s-sa-token-automount", deployment((spec) => (spec.automountServiceAccountToken = true)), undefined, /fintrax.io\/needs-api-token/);
    });

    it("fires on a ServiceAccount that automounts its token", async () => {
        await expectFires("k8s-sa-token-automount", serviceAccount({}), undefined, /ServiceAccount fintrax-prod\/auth: automounts its API token/);
    });

    it("stays quiet when automount is off, or the object is labelled fintrax.io/needs-api-token: \"true\"", async () => {
        await expectQuiet("k8s-sa-token-automount", [...serviceAccount({ automountServiceAccountToken: false }), ...deployment(() => undefined)]);
        await expectQuiet("k8s-sa-token-automount", serviceAccount({}, { "fintrax.io/needs-api-token": "true" }));
        const operator = workload("Deployment", "fintrax-prod", (spec) => delete spec.automountServiceAccountToken);
        operator.inputs.spec.template.metadata.labels = { ...operator.inputs.spec.template.metadata.labels, "fintrax.io/needs-api-token": "true" };
        await expectQuiet("k8s-sa-token-automount", [operator]);
    });
});
