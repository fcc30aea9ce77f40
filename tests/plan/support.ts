import { main } from "../../plan/cli";
import type { PlanOptions } from "../../plan/plan";

/** Runs the plan CLI in this process (the SDK stays loaded), capturing what it prints. */
export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return cliWith({}, ...argv);
}

/** The same, with plan options no command-line flag sets (another root or policy pack). */
export async function cliWith(defaults: PlanOptions, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const [write, writeErr] = [process.stdout.write, process.stderr.write];
    process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => { err.push(String(chunk)); return true; }) as typeof process.stderr.write;
    try {
        const code = await main(argv, defaults);
        return { code, stdout: out.join(""), stderr: err.join("") };
    } finally {
        process.stdout.write = write;
        process.stderr.write = writeErr;
    }
}

/** A production stack file whose one service pulls from Docker Hub: it breaks the mandatory `prod-image-registry`. */
export const PROD_WITH_PUBLIC_IMAGE = [
    "config:",
    "  fintrax:environment: prod",
    "  fintrax:domain: fintrax.example.com",
    "  fintrax:services:",
    "    - name: web",
    "      image: docker.io/library/nginx:1.27.3",
    "      port: 8080",
    "      path: /",
    "      replicas: { min: 3, max: 4 }",
].join("\n");
