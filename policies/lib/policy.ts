import { describeResource, violation } from "./messages";
import type { Policy, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidation, StackValidationPolicy } from "./types";

/** A problem and how to fix it; the caller adds the object. */
export type Finding = [problem: string, fix: string];

/** A condition that must hold, with the finding to report when it does not. */
export type Check = [ok: boolean, problem: string, fix: string];

export function failed(checks: Check[]): Finding[] {
    return checks.filter(([ok]) => !ok).map(([, problem, fix]) => [problem, fix]);
}

export type Judge = (props: Record<string, any>, args: ResourceValidationArgs) => Finding[];

/**
 * A `validateResource` that judges each listed type with its own function and reports every finding on
 * the resource; any other type is not applicable.
 */
export function judgeByType(judges: Record<string, Judge>): ResourceValidation {
    const types = Object.keys(judges);
    return (args, reportViolation) => {
        const judge = judges[args.type] ?? args.notApplicable(`applies to ${types.join(", ")}`);
        for (const [problem, fix] of judge(args.props, args)) reportViolation(violation(describeResource(args), problem, fix));
    };
}

type ConfigArgs = { getConfig<T extends object>(): T };

/**
 * The engine fills each policy's config with its schema defaults before the policy runs. This wrapper does
 * the same inside the policy, so that a runner that hands over a bare `--policy-pack-config` entry (or none)
 * gets the same values; under the engine it changes nothing.
 */
export function withConfigDefaults<P extends Policy>(policy: P): P {
    const defaults = Object.entries(policy.configSchema?.properties ?? {}).filter(([, schema]) => schema.default !== undefined);
    if (!defaults.length) return policy;
    const filled = <A extends ConfigArgs>(args: A): A => ({
        ...args,
        getConfig: <T extends object>() => ({ ...structuredClone(Object.fromEntries(defaults.map(([key, schema]) => [key, schema.default]))), ...args.getConfig() }) as T,
    });
    const { validateResource, validateStack } = policy as Partial<ResourceValidationPolicy & StackValidationPolicy>;
    const wrapped: any = { ...policy };
    if (typeof validateResource === "function") wrapped.validateResource = ((args, report) => validateResource(filled(args), report)) as ResourceValidation;
    if (Array.isArray(validateResource)) wrapped.validateResource = validateResource.map((validate): ResourceValidation => (args, report) => validate(filled(args), report));
    if (validateStack) wrapped.validateStack = ((args, report) => validateStack(filled(args), report)) as StackValidation;
    return wrapped as P;
}
