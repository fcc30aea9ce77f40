/**
 * The @pulumi/policy types, re-exported as types only. Policy modules and the tests take them from
 * here: a type import is erased, so nothing outside
 * `policies/index.ts` ever loads @pulumi/policy at run time (its PolicyPack starts a gRPC server, and it
 * brings a second copy of @pulumi/pulumi that must not share a process with the programs).
 */
export type {
    EnforcementLevel,
    Policies,
    Policy,
    PolicyConfigSchema,
    PolicyPackConfig,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidation,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
export type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** What policies read of a resource, whether a resource policy's `args` or a stack policy's `PolicyResource`. */
export interface ResourceView {
    type: string;
    name: string;
    urn: string;
    props: Record<string, any>;
    provider?: { type: string; props: Record<string, any> };
}
