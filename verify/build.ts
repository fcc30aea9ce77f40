import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The server binaries `npm run verify:cluster` runs, built from the project's own Go modules. */
export interface ServerBinaries {
    etcd: string;
    kubeApiserver: string;
    kubeControllerManager: string;
}

export class VerifyError extends Error {}

const VERIFY_DIR = __dirname;
/** Each Go module and the main packages it builds (its go.mod `tool` lines), with the binary names they get. */
const MODULES: { dir: string; packages: string[]; output?: string; ldflags?: (goMod: string) => string[] }[] = [
    {
        dir: path.join(VERIFY_DIR, "kube"),
        packages: ["k8s.io/kubernetes/cmd/kube-apiserver", "k8s.io/kubernetes/cmd/kube-controller-manager"],
        ldflags: kubernetesVersionFlags,
    },
    { dir: path.join(VERIFY_DIR, "etcd"), packages: ["go.etcd.io/etcd/server/v3"], output: "etcd" },
];

/**
 * Kubernetes' own build stamps its version into k8s.io/component-base/version; a plain `go build` would
 * report v0.0.0-master from /version. The version is the one go.mod requires.
 */
function kubernetesVersionFlags(goMod: string): string[] {
    const version = /^\s*(?:require\s+)?k8s\.io\/kubernetes (v(\d+)\.(\d+)\.\d+)\b/m.exec(goMod);
    if (!version) throw new VerifyError("verify/kube/go.mod does not require k8s.io/kubernetes");
    const [, gitVersion, major, minor] = version;
    return [`gitVersion=${gitVersion}`, `gitMajor=${major}`, `gitMinor=${minor}`, "gitTreeState=clean"]
        .map((flag) => `-X k8s.io/component-base/version.${flag}`);
}
const BINARIES = ["etcd", "kube-apiserver", "kube-controller-manager"];

function goVersion(): string {
    const result = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
    if (result.error || result.status !== 0) {
        throw new VerifyError(
            "verify:cluster needs the Go toolchain (Go 1.26 or later, `go` on PATH) to build etcd and the Kubernetes " +
            "servers from their published modules; install it from https://go.dev/dl/ and run again.",
        );
    }
    return result.stdout.trim();
}

/**
 * Where the binaries live: a cache outside the repository, named after everything that decides what gets
 * built (both modules' go.mod and go.sum, and the Go version), so a change to either rebuilds and nothing else does.
 */
function binaryDir(version = goVersion()): string {
    const hash = createHash("sha256").update(version);
    for (const module of MODULES) {
        for (const file of ["go.mod", "go.sum"]) hash.update(readFileSync(path.join(module.dir, file)));
    }
    const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(cache, "fintrax-verify", hash.digest("hex").slice(0, 16));
}

/** `go build -v` names each package as it compiles it; print a line every so many, so a cold build shows progress. */
function goBuild(cwd: string, args: string[], ldflags: string[], label: string): Promise<void> {
    return new Promise((resolve, reject) => {
        // -p=2: these machines have two cores; more parallel compiles only cost memory.
        const env = { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-p=2 -buildvcs=false" };
        const child = spawn("go", ["build", "-v", "-trimpath", `-ldflags=-s -w ${ldflags.join(" ")}`.trim(), ...args], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
        let packages = 0;
        let nextReport = 200;
        let tail = "";
        const started = Date.now();
        child.stderr.setEncoding("utf8");
        child.stderr.on("data", (chunk: string) => {
            tail = (tail + chunk).slice(-4000);
            packages += chunk.split("\n").filter(Boolean).length;
            if (packages >= nextReport) {
                nextReport += 200;
                process.stdout.write(`  ${label}: ${packages} packages compiled (${Math.round((Date.now() - started) / 1000)} s)\n`);
            }
        });
        // An interrupted run (SIGINT, SIGTERM: the launcher exits) takes its compile with it.
        const stopBuild = () => child.kill();
        process.once("exit", stopBuild);
        child.on("close", () => process.off("exit", stopBuild));
        child.on("error", reject);
        child.on("close", (code) => code === 0 ? resolve() : reject(new VerifyError(`go build for ${label} failed (exit ${code}):\n${tail}`)));
    });
}

/** The binaries, from the cache when they are there, else built (the first time: a long compile) into it. */
export async function ensureBinaries(): Promise<ServerBinaries> {
    const dir = binaryDir();
    const result = {
        etcd: path.join(dir, "etcd"),
        kubeApiserver: path.join(dir, "kube-apiserver"),
        kubeControllerManager: path.join(dir, "kube-controller-manager"),
    };
    if (BINARIES.every((name) => existsSync(path.join(dir, name)))) return result;

    const started = Date.now();
    process.stdout.write(`building etcd, kube-apiserver and kube-controller-manager into ${dir} (once; the first build takes a while)\n`);
    // Built next to the cache entry and renamed into place, so an interrupted build never leaves a half entry.
    const staging = `${dir}.partial-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    try {
        for (const module of MODULES) {
            const output = module.output ? path.join(staging, module.output) : `${staging}${path.sep}`;
            const ldflags = module.ldflags?.(readFileSync(path.join(module.dir, "go.mod"), "utf8")) ?? [];
            await goBuild(module.dir, ["-o", output, ...module.packages], ldflags, path.basename(module.dir));
        }
        rmSync(dir, { recursive: true, force: true });
        renameSync(staging, dir);
    } finally {
        rmSync(staging, { recursive: true, force: true });
    }
    process.stdout.write(`built in ${Math.round((Date.now() - started) / 1000)} s\n`);
    return result;
}
