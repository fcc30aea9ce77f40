import Ajv, { ValidateFunction } from "ajv";
import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import * as path from "path";
import { EnforcementLevel, LEVELS, PolicyPackError, readConfigText, readPolicyPackConfig } from "./policyPackConfig";

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
    /** What `Analyze` sees: the resource's inputs. */
    inputs: Record<string, any>;
    /** What `AnalyzeStack` sees: the resource's outputs (its inputs where none were recorded). */
    outputs?: Record<string, any>;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface PolicyViolation { policy: string; enforcementLevel: "advisory" | "mandatory"; message: string; urn: string }


export interface ResolvedPolicyConfig { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }

interface PolicyInfo {
    name: string;
    enforcementLevel: EnforcementLevel;
    schema?: { properties: Record<string, any>; required?: string[] };
    validate?: ValidateFunction;
}

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

export class PolicyAnalyzer {
    private readonly levels: Map<number, EnforcementLevel>;
    private policies: PolicyInfo[] = [];
    private packName = "";
    private packVersion = "";
    private queue: Promise<unknown> = Promise.resolve();
    /** The config file (name and text) the analyzer holds, to configure it again only when that changes. */
    private configured?: string;

    private constructor(private readonly child: ChildProcess, private readonly client: any, private readonly m: ReturnType<typeof packModules>) {
        this.levels = new Map(LEVELS.map((level) => [m.pb.EnforcementLevel[level.toUpperCase()], level]));
    }

    /** Starts the pack in `packDir` and asks it what it serves; fails with its own output if it does not load. */
    static async start(packDir: string): Promise<PolicyAnalyzer> {
        const m = packModules(packDir);
        // The engine passes its own address first; the pack never dials it offline.
        const child = spawn(process.execPath, [m.runPolicyPack, "127.0.0.1:1", "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        const port = await new Promise<string>((resolve, reject) => {
            child.stdout!.on("data", (chunk) => {
                stdout += chunk;
                const line = /^(\d+)\r?\n/.exec(stdout);
                if (line) resolve(line[1]);
            });
            child.on("exit", (code) => reject(new PolicyPackError(
                `the policy pack in ${packDir} did not start (exit ${code}):\n${(stderr + stdout).trim()}`)));
        });
        const client = new m.rpc.AnalyzerClient(`127.0.0.1:${port}`, m.grpc.credentials.createInsecure());
        const analyzer = new PolicyAnalyzer(child, client, m);
        await analyzer.readInfo();
        return analyzer;
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
        // The engine checks a policy's config against `{type: object, properties, required}` of its schema.
        const ajv = new Ajv({ allErrors: true, strict: false });
        this.policies = info.getPoliciesList().map((policy: any): PolicyInfo => {
            const schema = policy.getConfigschema();
            const properties = schema?.getProperties()?.toJavaScript() ?? {};
            const required: string[] = schema?.getRequiredList() ?? [];
            return {
                name: policy.getName(),
                enforcementLevel: this.levels.get(policy.getEnforcementlevel())!,
                ...(schema ? { schema: { properties, required }, validate: ajv.compile({ type: "object", properties, required }) } : {}),
            };
        });
    }

    /**
     * Every policy's configuration from `file` (a `--policy-pack-config`), as the engine makes it: a policy's own entry,
     * else `all`, else the level the pack gives it; its schema's defaults under the entry's properties; then
     * each policy's properties checked against its schema. Entries naming no policy are ignored.
     */
    resolveConfig(file: string): Map<string, ResolvedPolicyConfig> {
        const entries = readPolicyPackConfig(file);
        const problems: string[] = [];
        const resolved = new Map<string, ResolvedPolicyConfig>();
        for (const policy of this.policies) {
            const own = entries[policy.name] ?? { properties: {} };
            const enforcementLevel = own.enforcementLevel ?? entries.all?.enforcementLevel ?? policy.enforcementLevel;
            const defaults = Object.entries(policy.schema?.properties ?? {}).filter(([, schema]) => schema?.default !== undefined);
            const properties = { ...Object.fromEntries(defaults.map(([key, schema]) => [key, schema.default])), ...own.properties };
            if (policy.validate && !policy.validate(properties)) {
                for (const error of policy.validate.errors ?? []) problems.push(`${policy.name}: ${error.instancePath.slice(1).replace(/\//g, ".") || "(root)"}: ${error.message}`);
            }
            resolved.set(policy.name, { enforcementLevel, properties });
        }
        if (problems.length) {
            throw new PolicyPackError(`${file}: validating policy config: ${this.packName} ${this.packVersion}\n  ${problems.join("\n  ")}`);
        }
        return resolved;
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
     * One stack judged under the pack config in `file`. The analyzer holds one configuration at a time, so
     * judgements queue: each configures, then analyzes.
     */
    judge(file: string, resources: AnalyzedResource[], stackUrn: string): Promise<PolicyViolation[]> {
        const judgement = this.queue.then(async () => {
            await this.configure(file);
            return this.analyze(resources, stackUrn);
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

    /** `Analyze` for every resource, then one `AnalyzeStack` over them all; what the analyzer reports. */
    private async analyze(resources: AnalyzedResource[], stackUrn: string): Promise<PolicyViolation[]> {
        const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
        const perResource = await Promise.all(resources.map(async (resource) => {
            const request = new this.m.pb.AnalyzeRequest();
            request.setType(resource.type);
            request.setProperties(this.struct(resource.inputs));
            request.setUrn(resource.urn);
            request.setName(resource.name);
            request.setOptions(this.options(resource));
            const provider = this.provider(resource, byUrn);
            if (provider) request.setProvider(provider);
            return this.violations(await this.call("analyze", request), resource.urn);
        }));
        const stack = new this.m.pb.AnalyzeStackRequest();
        stack.setResourcesList(resources.map((resource) => {
            const message = new this.m.pb.AnalyzerResource();
            message.setType(resource.type);
            message.setProperties(this.struct(resource.outputs ?? resource.inputs));
            message.setUrn(resource.urn);
            message.setName(resource.name);
            message.setOptions(this.options(resource));
            const provider = this.provider(resource, byUrn);
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
        return [...perResource.flat(), ...this.violations(await this.call("analyzeStack", stack), stackUrn)];
    }

    close(): void {
        this.client.close();
        this.child.kill();
    }
}

/** This repository's pack (from plan/ or from the bundle in bin/, both one level below the root). */
export const DEFAULT_POLICY_PACK = path.resolve(__dirname, "..", "policies");

const analyzers = new Map<string, Promise<PolicyAnalyzer>>();

/**
 * The analyzer serving the pack in `packDir`, started once per process: it takes longer to load (its
 * TypeScript is type-checked) than a plan takes, so the plan starts it before running the programs.
 */
export function policyAnalyzer(packDir: string): Promise<PolicyAnalyzer> {
    let started = analyzers.get(packDir);
    if (!started) {
        started = PolicyAnalyzer.start(packDir);
        started.catch(() => analyzers.delete(packDir)); // a pack that failed to load is started afresh next time
        analyzers.set(packDir, started);
    }
    return started;
}

/** Stops every analyzer this process started. */
export async function closeAnalyzers(): Promise<void> {
    const started = [...analyzers.values()];
    analyzers.clear();
    for (const analyzer of await Promise.allSettled(started)) if (analyzer.status === "fulfilled") analyzer.value.close();
}
