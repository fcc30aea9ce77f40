import { describeResource, violation } from "./messages";
import type { ResourceValidation, ResourceValidationArgs } from "./types";

/** A problem and how to fix it; the caller adds the object. */
export type Finding = [problem: string, fix: string];

/** A condition that must hold, with the finding to report when it does not. */
export type Check = [ok: boolean, problem: string, fix: string];

export function failed(checks: Check[]): Finding[] {
    return checks.filter(([ok]) => !ok).map(([, problem, fix]) => [problem, fix]);
}

export type Judge = (props: Record<string, any>, args: ResourceValidationArgs) => Finding[];

/**
 * `args.notApplicable(reason)` without a stack trace: @pulumi/policy throws an error, catches it at once and keeps
 * only the reason, and it does so for every policy that does not apply to a resource (most of them, for most
 * resources), so the traces nobody reads were a tenth of the analyzer's judging time.
 */
export function notApplicable(args: { notApplicable: (reason?: string) => never }, reason: string): never {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return args.notApplicable(reason);
    } finally {
        Error.stackTraceLimit = limit;
    }
}

/**
 * A `validateResource` that judges each listed type with its own function and reports every finding on
 * the resource; any other type is not applicable.
 */
export function judgeByType(judges: Record<string, Judge>): ResourceValidation {
    const types = Object.keys(judges);
    return (args, reportViolation) => {
        const judge = judges[args.type] ?? notApplicable(args, `applies to ${types.join(", ")}`);
        for (const [problem, fix] of judge(args.props, args)) reportViolation(violation(describeResource(args), problem, fix));
    };
}

/**
 * Whether `props[key]` is set, even to a value a first preview does not know yet (the ARN of a key created in the
 * same run): where a policy needs only "is it set", an unknown is a yes, not a reason to give up. Reading an
 * unknown throws @pulumi/policy's UnknownValueError; `in` does not.
 */
export function isSet(props: Record<string, any>, key: string): boolean {
    if (!(key in props)) return false;
    try {
        return props[key] !== null && props[key] !== "";
    } catch (error) {
        if ((error as Error).constructor.name === "UnknownValueError") return true;
        throw error;
    }
}
