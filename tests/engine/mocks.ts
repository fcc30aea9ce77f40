import { readFileSync, writeFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as runtimeState from "@pulumi/pulumi/runtime/state";
import { mockCall, mockResource, MockStackOutputs } from "../../plan/mockOutputs";

/**
 * Preloaded (`node -r`, bundled to plain JavaScript so that no TypeScript loader but the SDK's own runs) into a
 * process that then runs the SDK's `cmd/run` on a program: installs the plan's mock providers and the stack's
 * config from the JSON file named by FINTRAX_HOST_INPUT, and writes the types registered to `<that file>.out`.
 */
export interface HostInput {
    project: string;
    stack: string;
    config: Record<string, string>;
    secretKeys: string[];
    stackReferences: Record<string, MockStackOutputs>;
}

/** The SDK's runtime store is internal; reached here only. */
const internalState: any = runtimeState;

const inputFile = process.env.FINTRAX_HOST_INPUT;
if (inputFile) {
    const input: HostInput = JSON.parse(readFileSync(inputFile, "utf8"));
    const registered: string[] = [];
    pulumi.runtime.setAllConfig(input.config, input.secretKeys);
    // setMocks installs the mock monitor synchronously; what it awaits afterwards concerns no program yet.
    void pulumi.runtime.setMocks({
        newResource: (args) => {
            registered.push(args.type);
            return mockResource(input.stack, args, input.stackReferences);
        },
        call: (args) => mockCall(args),
    }, input.project, input.stack, true);
    // The engine's monitor answers the SDK's shutdown signal at the end of a run; the mock monitor lacks it.
    const monitor = internalState.getStore().settings.monitor;
    monitor.signalAndWaitForShutdown ??= (_request: unknown, callback: (error: null, response: object) => void) => callback(null, {});
    process.on("exit", () => writeFileSync(`${inputFile}.out`, JSON.stringify(registered)));
}
