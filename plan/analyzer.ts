import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { EnforcementLevel, LEVELS, PolicyInfo, PolicyPackError, policyInfo, readConfigText, resolvePolicyConfig, ResolvedPolicyConfig } from "./policyPackConfig";

export { PolicyPackError } from "./policyPackConfig";

/**
 * The policy pack judged by the real CrossGuard analyzer: `policies/` started as `pulumi preview --policy-pack`
 * starts it (the engine's `pulumi-analyzer-policy` shim runs the pack's own `@pulumi/pulumi/cmd/run-policy-pack`
 * from the pack's folder, which loads and type-checks its TypeScript with ts-node), then driven over the
 * analyzer's gRPC protocol with the SDK's generated stubs. What stays here is the engine's part: reading the
 * `--policy-pack-config` file, filling schema defaults and checking each policy's config against its schema
 * (as pkg/resource/analyzer/config.go does), and sending resources.
 */

/** A resource as the engine hands it to the analyzer; values serialized as the SDK sends them (secrets, unknowns). */
export interface AnalyzedResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    protect: boolean;
    /**
     * Read by the program (a StackReference), not registered: only in `AnalyzeStack`, because the engine analyzes
     * each registration as it comes (step_generator.go) but every resource of the deployment at the end.
     */
    read?: boolean;
    /** What `Analyze` sees: the resource's inputs. */
    inputs: Record<string, any>;
    /** What `AnalyzeStack` sees: the resource's outputs (its inputs where none were recorded). */
    outputs?: Record<string, any>;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface PolicyViolation { policy: string; enforcementLevel: "advisory" | "mandatory"; message: string; urn: string }


/** The pack's own SDK modules (its node_modules), as the analyzer loads them: stubs and messages must match. */
function packModules(packDir: string) {
    const sdk = createRequire(path.join(packDir, "package.json"));
    const fromSdk = createRequire(sdk.resolve("@pulumi/pulumi/package.json"));
    return {
        runPolicyPack: sdk.resolve("@pulumi/pulumi/cmd/run-policy-pack"),
        rpc: sdk("@pulumi/pulumi/proto/analyzer_grpc_pb"),
        pb: sdk("@pulumi/pulumi/proto/analyzer_pb"),
        grpc: fromSdk("@grpc/grpc-js"),
        Struct: fromSdk("google-protobuf/google/protobuf/struct_pb").Struct,
        Empty: fromSdk("google-protobuf/google/protobuf/empty_pb").Empty,
    };
}

/** A stack's analyzer requests, built before its turn comes (while the analyzer judges the stacks before it). */
interface Requests { analyze: Array<{ request: any; urn: string }>; stack: any }

export class PolicyAnalyzer {
    private readonly levels: Map<number, EnforcementLevel>;
    private policies: PolicyInfo[] = [];
    private packName = "";
    private packVersion = "";
    private client: any;
    private queue: Promise<unknown> = Promise.resolve();
    /** The config file (name and text) the analyzer holds, to configure it again only when that changes. */
    private configured?: string;
    /** Settles once the pack has loaded and said what it serves; fails with its own output if it does not load. */
    readonly ready: Promise<void>;

    private constructor(private readonly child: ChildProcess, packDir: string, private readonly m: ReturnType<typeof packModules>) {
        this.levels = new Map(LEVELS.map((level) => [m.pb.EnforcementLevel[level.toUpperCase()], level]));
        this.ready = this.connect(packDir);
        this.ready.catch(() => undefined); // awaited by every judgement; a pack that fails to load is reported there
    }

    /** Starts the pack in `packDir`; it loads (and type-checks) while the caller goes on. */
    static start(packDir: string): PolicyAnalyzer {
        const m = packModules(packDir);
        // The engine passes its own address first; the pack never dials it offline.
        const child = spawn(process.execPath, [m.runPolicyPack, "127.0.0.1:1", "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
        return new PolicyAnalyzer(child, packDir, m);
    }

    private async connect(packDir: string): Promise<void> {
        let stdout = "";
        let stderr = "";
        this.child.stderr!.on("data", (chunk) => (stderr += chunk));
        const port = await new Promise<string>((resolve, reject) => {
            this.child.stdout!.on("data", (chunk) => {
                stdout += chunk;
                const line = /^(\d+)\r?\n/.exec(stdout);
                if (line) resolve(line[1]);
            });
            this.child.on("exit", (code) => reject(new PolicyPackError(
                `the policy pack in ${packDir} did not start (exit ${code}):\n${(stderr + stdout).trim()}`)));
        });
        this.client = new this.m.rpc.AnalyzerClient(`127.0.0.1:${port}`, this.m.grpc.credentials.createInsecure());
        await this.readInfo();
    }

    private call<T>(method: string, request: unknown): Promise<T> {
        return new Promise((resolve, reject) => this.client[method](request, (error: Error | null, response: T) => {
            if (error) reject(new PolicyPackError(`policy pack ${this.packName}: ${method}: ${(error as { details?: string }).details ?? error.message}`));
            else resolve(response);
        }));
    }

    private async readInfo(): Promise<void> {
        const info = await this.call<any>("getAnalyzerInfo", new this.m.Empty());
        this.packName = info.getName();
        this.packVersion = info.getVersion();
        this.policies = info.getPoliciesList().map((policy: any) => policyInfo(policy.getName(), this.levels.get(policy.getEnforcementlevel())!,
            policy.getConfigschema() && {
                properties: policy.getConfigschema().getProperties()?.toJavaScript() ?? {},
                required: policy.getConfigschema().getRequiredList() ?? [],
            }));
    }

    /** Every policy's configuration from `file` (a `--policy-pack-config`), as the engine makes it (policyPackConfig.ts). */
    resolveConfig(file: string): Map<string, ResolvedPolicyConfig> {
        return resolvePolicyConfig(file, this.policies, `${this.packName} ${this.packVersion}`);
    }

    private async configure(file: string): Promise<void> {
        const configuration = `${file}\0${readConfigText(file)}`;
        if (configuration === this.configured) return;
        const request = new this.m.pb.ConfigureAnalyzerRequest();
        for (const [name, { enforcementLevel, properties }] of this.resolveConfig(file)) {
            const config = new this.m.pb.PolicyConfig();
            config.setEnforcementlevel(this.m.pb.EnforcementLevel[enforcementLevel.toUpperCase()]);
            config.setProperties(this.struct(properties));
            request.getPolicyconfigMap().set(name, config);
        }
        await this.call("configure", request);
        this.configured = configuration;
    }

    /**
     * One stack judged under the pack config in `file`. Its requests are built at once; the analyzer holds one
     * configuration at a time, so judgements queue: each configures, then sends its requests.
     */
    judge(file: string, resources: AnalyzedResource[], stackUrn: string): Promise<PolicyViolation[]> {
        const requests = this.requests(resources);
        const judgement = this.queue.then(async () => {
            await this.ready;
            await this.configure(file);
            return this.analyze(requests, stackUrn);
        });
        this.queue = judgement.catch(() => undefined);
        return judgement;
    }

    /** A protobuf Struct; keys whose value is undefined are left out, as the SDK's serializer leaves them. */
    private struct(value: Record<string, unknown>): any {
        return this.m.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
    }

    private options(resource: AnalyzedResource): any {
        const options = new this.m.pb.AnalyzerResourceOptions();
        options.setProtect(resource.protect);
        if (resource.parent) options.setParent(resource.parent);
        return options;
    }

    private provider(resource: AnalyzedResource, byUrn: Map<string, AnalyzedResource>): any {
        const provider = resource.provider ? byUrn.get(resource.provider) : undefined;
        if (!provider) return undefined;
        const message = new this.m.pb.AnalyzerProviderResource();
        message.setType(provider.type);
        message.setProperties(this.struct(provider.inputs));
        message.setUrn(provider.urn);
        message.setName(provider.name);
        return message;
    }

    private violations(response: any, defaultUrn: string): PolicyViolation[] {
        return response.getDiagnosticsList().map((diagnostic: any): PolicyViolation => ({
            policy: diagnostic.getPolicyname(),
            enforcementLevel: this.levels.get(diagnostic.getEnforcementlevel()) === "advisory" ? "advisory" : "mandatory",
            message: diagnostic.getMessage(),
            urn: diagnostic.getUrn() || defaultUrn,
        }));
    }

    /**
     * An `Analyze` request for every resource the program registered and the one `AnalyzeStack` over all of them
     * and what it read, as the engine sends them (pulumi/pulumi pkg/resource/deploy/step_generator.go: `analyzeAll`
     * per registration, `AnalyzeResources` over the deployment's news; read 2026-12-01 at 1b59498).
     */
    private requests(resources: AnalyzedResource[]): Requests {
        const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
        const providers = new Map<string, any>(); // a provider's message, serialized once for all its resources
        const providerOf = (resource: AnalyzedResource) => {
            if (!resource.provider) return undefined;
            if (!providers.has(resource.provider)) providers.set(resource.provider, this.provider(resource, byUrn));
            return providers.get(resource.provider);
        };
        // What both calls carry of a resource, serialized once: its inputs (Analyze's properties, and AnalyzeStack's
        // where no outputs were recorded), its options and its provider.
        const parts = new Map(resources.map((resource) => [resource, {
            inputs: this.struct(resource.inputs), options: this.options(resource), provider: providerOf(resource),
        }]));
        const analyze = resources.filter((resource) => !resource.read).map((resource) => {
            const { inputs, options, provider } = parts.get(resource)!;
            const request = new this.m.pb.AnalyzeRequest();
            request.setType(resource.type);
            request.setProperties(inputs);
            request.setUrn(resource.urn);
            request.setName(resource.name);
            request.setOptions(options);
            if (provider) request.setProvider(provider);
            return { request, urn: resource.urn };
        });
        const stack = new this.m.pb.AnalyzeStackRequest();
        stack.setResourcesList(resources.map((resource) => {
            const { inputs, options, provider } = parts.get(resource)!;
            const message = new this.m.pb.AnalyzerResource();
            message.setType(resource.type);
            message.setProperties(resource.outputs ? this.struct(resource.outputs) : inputs);
            message.setUrn(resource.urn);
            message.setName(resource.name);
            message.setOptions(options);
            if (provider) message.setProvider(provider);
            if (resource.parent) message.setParent(resource.parent);
            message.setDependenciesList(resource.dependencies ?? []);
            for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
                const dependencies = new this.m.pb.AnalyzerPropertyDependencies();
                dependencies.setUrnsList(urns);
                message.getPropertydependenciesMap().set(key, dependencies);
            }
            return message;
        }));
        return { analyze, stack };
    }

    /**
     * Every request at once, as concurrent unary calls over the one channel (the analyzer answers each on its
     * own); what the analyzer reports, per resource in order, then for the stack.
     */
    private async analyze(requests: Requests, stackUrn: string): Promise<PolicyViolation[]> {
        const [perResource, stack] = await Promise.all([
            Promise.all(requests.analyze.map(async ({ request, urn }) => this.violations(await this.call("analyze", request), urn))),
            this.call("analyzeStack", requests.stack),
        ]);
        return [...perResource.flat(), ...this.violations(stack, stackUrn)];
    }

    close(): void {
        this.client?.close();
        this.child.kill();
    }
}

/** This repository's pack (from plan/ or from the bundle in bin/, both one level below the root). */
export const DEFAULT_POLICY_PACK = path.resolve(__dirname, "..", "policies");

const analyzers = new Map<string, PolicyAnalyzer>();

/**
 * The analyzer serving the pack in `packDir`, started once per process and at once: it takes longer to load
 * (its TypeScript is type-checked) than a plan takes, so the plan starts it before running the programs and
 * hands it each stack as soon as that stack has run.
 */
export function startPolicyAnalyzer(packDir: string): PolicyAnalyzer {
    let analyzer = analyzers.get(packDir);
    if (!analyzer) {
        const started = PolicyAnalyzer.start(packDir);
        // A pack that failed to load is started afresh next time.
        started.ready.catch(() => analyzers.get(packDir) === started && analyzers.delete(packDir));
        analyzers.set(packDir, started);
        analyzer = started;
    }
    return analyzer;
}

/** The analyzer serving the pack in `packDir`, once it has loaded. */
export async function policyAnalyzer(packDir: string): Promise<PolicyAnalyzer> {
    const analyzer = startPolicyAnalyzer(packDir);
    await analyzer.ready;
    return analyzer;
}

/** Stops every analyzer this process started. */
export async function closeAnalyzers(): Promise<void> {
    const started = [...analyzers.values()];
    analyzers.clear();
    for (const analyzer of started) analyzer.close();
}
