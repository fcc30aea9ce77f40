import * as pulumi from "@pulumi/pulumi";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { specialSecretSig, specialSigKey, unknownValue, specialResourceSig } from "@pulumi/pulumi/runtime/rpc";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { mockCall, mockResource, MockStackOutputs, MockView } from "./mockOutputs";

/**
 * Runs one Pulumi program in this process under the SDK's mock monitor and records what it registers,
 * as the engine would see it: type, name, parent, provider, `protect`, dependencies, inputs and outputs. This is the rig
 * under both the tests and the offline plan; nothing here talks to a CLI, a plugin or a cloud.
 */

export interface PlannedResource {
    urn: string;
    /** The id the mock provider gave it; only for linking resources that refer to each other by id. */
    id: string;
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    protect: boolean;
    custom: boolean;
    /** Read by the program (a StackReference is), not registered by it. */
    read?: boolean;
    /** Inputs with secrets revealed, as a policy pack sees them. */
    inputs: Record<string, any>;
    /** Inputs with every secret replaced by "[secret]", for reports. */
    maskedInputs: Record<string, any>;
    /** Inputs and outputs as the SDK serialized them (secrets and unknowns marked), for the policy analyzer. */
    serializedInputs?: Record<string, any>;
    serializedOutputs?: Record<string, any>;
    /** The URNs the resource depends on, all and by input property, as the program declared them. */
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}

export interface StackRun {
    project: string;
    stack: string;
    /** Everything the program registered or read, but the Stack resource. */
    resources: PlannedResource[];
    /** The `pulumi:pulumi:Stack` resource, its outputs the stack's exports: the engine analyzes it too. */
    stackResource: PlannedResource;
    outputs: Record<string, unknown>;
    maskedOutputs: Record<string, unknown>;
    secretOutputNames: string[];
    /** What the program reported through `pulumi.log.warn`. */
    warnings: string[];
}

export interface RunOptions {
    project: string;
    stack: string;
    /** Flat Pulumi config (`fintrax:quota` → JSON text), as `pulumi` hands it to a program. */
    config: Record<string, string>;
    secretKeys?: string[];
    program: () => Promise<Record<string, unknown> | void>;
    /** Outputs of stacks the program references, by `org/project/stack`. */
    stackReferences?: Record<string, MockStackOutputs>;
    /** What the mock providers know of the stack's resources; `created` (everything known) unless told. */
    view?: MockView;
}

export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

/** A serialized property value as a plain value; secrets revealed or masked. */
function plainValue(value: unknown, mask: boolean): any {
    if (value === unknownValue) return UNKNOWN;
    if (Array.isArray(value)) return value.map((v) => plainValue(v, mask));
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        const sig = record[specialSigKey];
        if (sig === specialSecretSig) return mask ? SECRET : plainValue(record.value, mask);
        if (sig === specialResourceSig) return record.urn;
        if (sig !== undefined) return record;
        const result: Record<string, unknown> = {};
        for (const key of Object.keys(record).sort()) result[key] = plainValue(record[key], mask);
        return result;
    }
    return value;
}

/** `urn:…::name::id` (a provider reference) → the provider's URN. */
function providerUrn(reference: string): string | null {
    if (!reference) return null;
    const cut = reference.lastIndexOf("::");
    return cut > 0 ? reference.slice(0, cut) : reference;
}

/** The engine makes `additionalSecretOutputs` secret (a password's `result`); the mock monitor does not. */
function markSecretOutputs(response: any, names: string[]): void {
    if (!names.length || !response.getObject()) return;
    const state = response.getObject().toJavaScript();
    for (const name of names) {
        if (name in state && state[name]?.[specialSigKey] !== specialSecretSig) {
            state[name] = { [specialSigKey]: specialSecretSig, value: state[name] };
        }
    }
    response.setObject(Struct.fromJavaScript(state));
}

/** The SDK's mock monitor and RPC bookkeeping are internal: reached here and nowhere else. */
function internal(module: object): any {
    return module;
}

interface Recorded { request: any; read: boolean; urn?: string; id?: string; outputs?: Record<string, any> }

function propertyDependencies(request: any): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const [key, value] of request.getPropertydependenciesMap().entries()) result[key] = value.getUrnsList();
    return result;
}

/**
 * The program failed the way the language host reports it: an error nobody handled, typically thrown in an `apply`
 * that feeds a resource's input (the SDK then leaves that resource out and the error unhandled, so without this
 * the plan would quietly plan one resource less than `pulumi up` could never create).
 */
export class ProgramError extends Error {}

/** What the program registered, read and exported, recorded from the mock monitor as the engine would see it. */
interface Recorder { recorded: Recorded[]; stackOutputs?: Record<string, unknown> }

/** Wraps the mock monitor's calls so that every registration, read and the stack's outputs are recorded. */
function installRecorder(monitor: any): Recorder {
    const recorder: Recorder = { recorded: [] };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request: any, callback: (err: any, response: any) => void) => {
        const entry: Recorded = { request, read: false };
        recorder.recorded.push(entry);
        register(request, (err: any, response: any) => {
            if (response) {
                entry.urn = response.getUrn();
                entry.id = response.getId();
                markSecretOutputs(response, request.getAdditionalsecretoutputsList());
                entry.outputs = response.getObject()?.toJavaScript();
            }
            callback(err, response);
        });
    };
    // Reads (a StackReference is one) are part of what a preview shows, with the inputs they were read by.
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (request: any, callback: (err: any, response: any) => void) => {
        const entry: Recorded = { request, read: true, id: request.getId() };
        recorder.recorded.push(entry);
        read(request, (err: any, response: any) => {
            if (response) entry.urn = response.getUrn();
            callback(err, response);
        });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (request: any, callback: (err: any, response: any) => void) => {
        if (String(request.getUrn()).split("::")[2] === "pulumi:pulumi:Stack") recorder.stackOutputs = request.getOutputs()?.toJavaScript();
        registerOutputs(request, callback);
    };
    return recorder;
}

function toPlannedResource(entry: Recorded): PlannedResource {
    const request = entry.request;
    const raw = (entry.read ? request.getProperties() : request.getObject())?.toJavaScript() ?? {};
    return {
        urn: entry.urn!,
        id: entry.id ?? "",
        type: request.getType(),
        name: request.getName(),
        parent: request.getParent() && !request.getParent().includes("::pulumi:pulumi:Stack::") ? request.getParent() : null,
        provider: providerUrn(request.getProvider()),
        protect: !entry.read && request.getProtect() === true,
        custom: entry.read || request.getCustom(),
        read: entry.read,
        inputs: plainValue(raw, false),
        maskedInputs: plainValue(raw, true),
        serializedInputs: raw,
        serializedOutputs: entry.outputs,
        dependencies: entry.read ? [] : request.getDependenciesList(),
        propertyDependencies: entry.read ? {} : propertyDependencies(request),
    };
}

/**
 * Runs `body` with the process set up as a program run needs it, and puts everything back after: what the program
 * reports through `pulumi.log.warn` collected; errors nobody handles collected (one error may be rejected several
 * times, reported once, as cmd/run does); stack traces off.
 */
async function inProgramRun<T>(body: (warnings: string[], unhandled: Set<unknown>) => Promise<T>): Promise<T> {
    const warnings: string[] = [];
    const unhandled = new Set<unknown>();
    const onUnhandled = (reason: unknown) => unhandled.add(reason);
    const originalWarn = pulumi.log.warn;
    // The SDK stamps every promise with `new Error().stack`, for leak reports this rig never prints; an empty
    // trace keeps that from dominating a run. (Resources still record their full creation stack.)
    const stackTraceLimit = Error.stackTraceLimit;
    process.on("unhandledRejection", onUnhandled);
    Error.stackTraceLimit = 0;
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = (message: string) => {
        warnings.push(message);
        return Promise.resolve();
    };
    try {
        return await body(warnings, unhandled);
    } finally {
        process.off("unhandledRejection", onUnhandled);
        Error.stackTraceLimit = stackTraceLimit;
        (pulumi.log as { warn: typeof pulumi.log.warn }).warn = originalWarn;
    }
}

let running = false;

export async function runStack(options: RunOptions): Promise<StackRun> {
    if (running) throw new Error("runStack: one program at a time (the Pulumi runtime is process-global)");
    running = true;
    try {
        return await inProgramRun(async (warnings, unhandled) => {
            pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
            await pulumi.runtime.setMocks(
                {
                    newResource: (args) => mockResource(options.stack, args, options.stackReferences ?? {}, options.view),
                    call: (args) => mockCall(args),
                },
                options.project,
                options.stack,
                true,
            );
            const recorder = installRecorder(internal(runtimeState).getStore().settings.monitor);
            await pulumi.runtime.runInPulumiStack(async () => (await options.program()) ?? {});
            await internal(runtimeSettings).waitForRPCs();
            await new Promise((resolve) => setImmediate(resolve)); // Node reports unhandled rejections once microtasks drain
            if (unhandled.size) {
                const messages = [...unhandled].map((reason) => (reason instanceof Error ? reason.message : String(reason)));
                throw new ProgramError(`the ${options.project}/${options.stack} program failed:\n  ${messages.join("\n  ")}`);
            }
            const planned = recorder.recorded.filter((entry) => entry.urn).map(toPlannedResource);
            const isStack = (resource: PlannedResource) => resource.type === "pulumi:pulumi:Stack";
            const rawOutputs = recorder.stackOutputs ?? {};
            return {
                project: options.project,
                stack: options.stack,
                resources: planned.filter((resource) => !isStack(resource)),
                stackResource: { ...planned.find(isStack)!, serializedOutputs: rawOutputs },
                outputs: plainValue(rawOutputs, false),
                maskedOutputs: plainValue(rawOutputs, true),
                secretOutputNames: Object.keys(rawOutputs).filter((key) => JSON.stringify(plainValue(rawOutputs[key], true)).includes(SECRET)).sort(),
                warnings,
            };
        });
    } finally {
        running = false;
    }
}
