import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import * as https from "node:https";
import * as http from "node:http";
import * as path from "node:path";
import type { ServerBinaries } from "./build";
import type { Pki } from "./pki";

/**
 * The admission plugins Amazon EKS enables, as AWS lists them per Kubernetes version in "View Amazon EKS
 * platform versions for each Kubernetes version" (docs.aws.amazon.com/eks/latest/userguide/platform-versions.html).
 * Read 2026-12-01 in the page's zh_cn copy, entry for 1.30, up to CertificateSigning (where the stored excerpt
 * ends); the last five (CertificateSubjectRestriction to ResourceQuota) complete the list as AWS's English page
 * gives it and were not re-read here. Plus ValidatingAdmissionPolicy (the project's CEL policies; on by default
 * upstream since 1.30). PodSecurity is in AWS's list.
 */
const EKS_ADMISSION_PLUGINS = [
    "NodeRestriction", "ExtendedResourceToleration", "NamespaceLifecycle", "LimitRanger", "ServiceAccount",
    "TaintNodesByCondition", "PodSecurity", "Priority", "DefaultTolerationSeconds", "DefaultStorageClass",
    "StorageObjectInUseProtection", "PersistentVolumeClaimResize", "RuntimeClass", "CertificateApproval",
    "CertificateSigning", "CertificateSubjectRestriction", "DefaultIngressClass", "MutatingAdmissionWebhook",
    "ValidatingAdmissionWebhook", "ResourceQuota", "ValidatingAdmissionPolicy",
];

/** EKS's default service CIDR when none is given (its CreateCluster kubernetesNetworkConfig documentation). */
const SERVICE_CIDR = "10.100.0.0/16";

/** The controllers the suite relies on: namespace deletion, quota accounting, service accounts, workloads. */
const CONTROLLERS = [
    "namespace-controller", "resourcequota-controller", "serviceaccount-controller", "serviceaccount-token-controller",
    "deployment-controller", "replicaset-controller", "garbage-collector-controller", "root-ca-certificate-publisher-controller",
];

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released for the server to bind). */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")));
        });
    });
}

/** Everything started, so that it is always stopped: SIGTERM, then SIGKILL after a grace period. */
export class Processes {
    private readonly children: { name: string; child: ChildProcess }[] = [];

    constructor(private readonly logDir: string) {}

    start(name: string, binary: string, args: string[]): ChildProcess {
        const log = openSync(path.join(this.logDir, `${name}.log`), "a");
        const child = spawn(binary, args, { stdio: ["ignore", log, log], cwd: this.logDir });
        this.children.push({ name, child });
        return child;
    }

    /** The last lines of a server's log, for an error message. */
    logTail(name: string, lines = 25): string {
        try {
            return readFileSync(path.join(this.logDir, `${name}.log`), "utf8").trimEnd().split("\n").slice(-lines).join("\n");
        } catch {
            return "";
        }
    }

    running(name: string): boolean {
        const entry = this.children.find((c) => c.name === name);
        return entry !== undefined && entry.child.exitCode === null && entry.child.signalCode === null;
    }

    /** In reverse start order, so the API server never outlives etcd by long. */
    async stopAll(graceMs = 5000): Promise<void> {
        for (const { child } of [...this.children].reverse()) {
            if (child.exitCode !== null || child.signalCode !== null) continue;
            const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
            await exited;
            clearTimeout(timer);
        }
        this.children.length = 0;
    }
}

/** GET a URL until it answers 200, or fail with the server's log. */
async function waitFor(processes: Processes, name: string, get: () => Promise<number>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if (!processes.running(name)) throw new Error(`${name} exited:\n${processes.logTail(name)}`);
        const status = await get().catch(() => 0);
        if (status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${processes.logTail(name)}`);
}

function httpStatus(url: string, options: https.RequestOptions = {}): Promise<number> {
    return new Promise((resolve, reject) => {
        const request = (url.startsWith("https:") ? https : http).get(url, options, (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
        });
        request.on("error", reject);
        request.setTimeout(2000, () => request.destroy(new Error("timeout")));
    });
}

export interface Cluster {
    server: string;
    caCert: string;
}

/** etcd 3.6 on 127.0.0.1 (plain HTTP on loopback; the API server is the only client). */
export async function startEtcd(processes: Processes, binaries: ServerBinaries, dir: string): Promise<string> {
    const [client, peer] = [await freePort(), await freePort()];
    const clientUrl = `http://127.0.0.1:${client}`;
    const peerUrl = `http://127.0.0.1:${peer}`;
    processes.start("etcd", binaries.etcd, [
        "--name=verify", `--data-dir=${path.join(dir, "etcd")}`,
        `--listen-client-urls=${clientUrl}`, `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`, `--initial-cluster=verify=${peerUrl}`,
        // A throwaway store: no fsync, which is most of etcd's latency on a shared disk.
        "--unsafe-no-fsync", "--log-level=warn",
    ]);
    await waitFor(processes, "etcd", () => httpStatus(`${clientUrl}/health`), 30_000);
    return clientUrl;
}

export async function startApiServer(processes: Processes, binaries: ServerBinaries, args: {
    dir: string; pki: Pki; etcd: string; tokenFile: string; adminToken: string;
}): Promise<Cluster> {
    const port = await freePort();
    const { pki } = args;
    processes.start("kube-apiserver", binaries.kubeApiserver, [
        `--etcd-servers=${args.etcd}`,
        "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", `--secure-port=${port}`,
        `--cert-dir=${path.join(args.dir, "apiserver-certs")}`,
        `--tls-cert-file=${pki.serverCert}`, `--tls-private-key-file=${pki.serverKey}`, `--client-ca-file=${pki.caCert}`,
        `--token-auth-file=${args.tokenFile}`, "--anonymous-auth=false",
        "--authorization-mode=Node,RBAC",
        // EKS runs privileged node agents (aws-node, kube-proxy); refusing privileged pods is Pod Security's job.
        "--allow-privileged=true",
        `--enable-admission-plugins=${EKS_ADMISSION_PLUGINS.join(",")}`,
        "--service-account-issuer=https://kubernetes.default.svc",
        `--service-account-key-file=${pki.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${pki.serviceAccountKey}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--profiling=false", "--v=1",
    ]);
    const server = `https://127.0.0.1:${port}`;
    const ca = readFileSync(pki.caCert);
    await waitFor(processes, "kube-apiserver",
        () => httpStatus(`${server}/readyz`, { ca, headers: { Authorization: `Bearer ${args.adminToken}` } }), 120_000);
    return { server, caCert: pki.caCert };
}

/** A kubeconfig for one token, for the controller manager (and for anyone debugging a kept run). */
export function writeKubeconfig(file: string, cluster: Cluster, user: string, token: string): void {
    writeFileSync(file, JSON.stringify({
        apiVersion: "v1", kind: "Config", "current-context": "verify",
        clusters: [{ name: "verify", cluster: { server: cluster.server, "certificate-authority": cluster.caCert } }],
        users: [{ name: user, user: { token } }],
        contexts: [{ name: "verify", context: { cluster: "verify", user } }],
    }, null, 2));
}

/** kube-controller-manager as the system:kube-controller-manager user, each controller under its own service account. */
export async function startControllerManager(processes: Processes, binaries: ServerBinaries, args: {
    dir: string; pki: Pki; kubeconfig: string;
}): Promise<void> {
    const port = await freePort();
    processes.start("kube-controller-manager", binaries.kubeControllerManager, [
        `--kubeconfig=${args.kubeconfig}`,
        `--authentication-kubeconfig=${args.kubeconfig}`, `--authorization-kubeconfig=${args.kubeconfig}`,
        "--bind-address=127.0.0.1", `--secure-port=${port}`, `--cert-dir=${path.join(args.dir, "kcm-certs")}`,
        `--controllers=${CONTROLLERS.join(",")}`,
        "--use-service-account-credentials=true",
        `--service-account-private-key-file=${args.pki.serviceAccountKey}`,
        `--root-ca-file=${args.pki.caCert}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--leader-elect=false", "--profiling=false", "--v=1",
        // Quota usage is recomputed on every change anyway; a short full resync keeps the tests quick.
        "--resource-quota-sync-period=5s", "--concurrent-namespace-syncs=5",
    ]);
    await waitFor(processes, "kube-controller-manager",
        () => httpStatus(`https://127.0.0.1:${port}/healthz`, { rejectUnauthorized: false }), 60_000);
}
