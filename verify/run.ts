// `npm run verify:cluster`: build (once) and start etcd, kube-apiserver and kube-controller-manager on
// 127.0.0.1 in a temporary directory, run the suite in tests/verify against them, stop them whatever happens,
// and end with one line "N passed, M failed".
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Mocha from "mocha";
import { ensureBinaries, VerifyError } from "./build";
import { CONTROLLER_MANAGER, HARNESS_ADMIN, identitiesFromPlan, tokenFile } from "./identities";
import { createPki } from "./pki";
import { runPlan } from "./planObjects";
import { Processes, startApiServer, startControllerManager, startEtcd, writeKubeconfig } from "./servers";
import { waitForControllers } from "./readiness";
import type { Session } from "./session";

const REPO = path.join(__dirname, "..");
const MOCHA_CONFIG = path.join(REPO, "tests", "verify", ".mocharc.json");

/** The suite, in this process, with the options of tests/verify/.mocharc.json. */
async function runSuite(): Promise<{ passes: number; failures: number }> {
    const config = JSON.parse(readFileSync(MOCHA_CONFIG, "utf8")) as { spec: string; timeout: number; slow?: number };
    const mocha = new Mocha({ reporter: "spec", timeout: config.timeout, slow: config.slow });
    const specDir = path.join(REPO, path.dirname(config.spec));
    const suffix = path.basename(config.spec).replace("*", "");
    for (const file of readdirSync(specDir).filter((f) => f.endsWith(suffix)).sort()) mocha.addFile(path.join(specDir, file));
    await mocha.loadFilesAsync();
    return new Promise((resolve) => {
        const runner = mocha.run(() => resolve({ passes: runner.stats?.passes ?? 0, failures: runner.stats?.failures ?? 0 }));
    });
}

async function main(): Promise<number> {
    const started = Date.now();
    const binaries = await ensureBinaries();
    const dir = mkdtempSync(path.join(os.tmpdir(), "fintrax-verify-"));
    const processes = new Processes(dir);
    let stopping = false;
    const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`\n${signal}: stopping the servers\n`);
        await processes.stopAll();
        rmSync(dir, { recursive: true, force: true });
        process.stdout.write("0 passed, 1 failed\n");
        process.exit(130);
    };
    process.once("SIGINT", () => void stop("SIGINT"));
    process.once("SIGTERM", () => void stop("SIGTERM"));
    try {
        const report = runPlan();
        const planFile = path.join(dir, "plan.json");
        writeFileSync(planFile, JSON.stringify(report));
        const identities = identitiesFromPlan(report);
        const tokens = tokenFile([HARNESS_ADMIN, CONTROLLER_MANAGER, ...identities]);
        const tokensFile = path.join(dir, "tokens.csv");
        writeFileSync(tokensFile, tokens.csv, { mode: 0o600 });

        const pki = createPki(dir);
        const etcd = await startEtcd(processes, binaries, dir);
        const cluster = await startApiServer(processes, binaries, {
            dir, pki, etcd, tokenFile: tokensFile, adminToken: tokens.tokens[HARNESS_ADMIN.user],
        });
        const kubeconfig = path.join(dir, "kube-controller-manager.kubeconfig");
        writeKubeconfig(kubeconfig, cluster, CONTROLLER_MANAGER.user, tokens.tokens[CONTROLLER_MANAGER.user]);
        await startControllerManager(processes, binaries, { dir, pki, kubeconfig });

        const session: Session = { server: cluster.server, caCert: cluster.caCert, tokens: tokens.tokens, admin: HARNESS_ADMIN.user, planFile, identities };
        const sessionFile = path.join(dir, "session.json");
        writeFileSync(sessionFile, JSON.stringify(session, null, 2), { mode: 0o600 });
        process.env.VERIFY_SESSION = sessionFile;
        await waitForControllers();
        process.stdout.write(`etcd, kube-apiserver ${cluster.server} and kube-controller-manager ready in ${Math.round((Date.now() - started) / 1000)} s\n`);

        const { passes, failures } = await runSuite();
        process.stdout.write(`suite done in ${Math.round((Date.now() - started) / 1000)} s (servers included)\n`);
        process.stdout.write(`${passes} passed, ${failures} failed\n`);
        return failures ? 1 : 0;
    } finally {
        await processes.stopAll();
        if (process.env.VERIFY_KEEP) process.stderr.write(`kept ${dir}\n`);
        else rmSync(dir, { recursive: true, force: true });
    }
}

main().then((code) => process.exit(code), (error: unknown) => {
    process.stderr.write(`${error instanceof VerifyError ? error.message : (error as Error).stack ?? String(error)}\n`);
    process.stdout.write("0 passed, 1 failed\n");
    process.exit(1);
});
