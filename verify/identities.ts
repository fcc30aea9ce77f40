import { randomBytes } from "node:crypto";
import type { PlannedResource, PlanReport } from "./planObjects";

/** An EKS access policy association as the plan records it. */
export interface AccessPolicy {
    policyArn: string;
    /** undefined: the whole cluster. */
    namespaces?: string[];
}

/** Someone the project lets into the cluster: an EKS access entry, as the API server will see its requests. */
export interface Identity {
    /** The IAM principal; the test API server authenticates it under this user name. */
    user: string;
    groups: string[];
    accessPolicies: AccessPolicy[];
    /** The stack whose plan creates the access entry. */
    stack: string;
}

const ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry";
const ACCESS_POLICY = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";

/**
 * Every access entry in the plan, with its Kubernetes groups and its access policies. EKS names an IAM role's
 * user `arn:aws:sts::<account>:assumed-role/<role>/<session>` unless the entry sets a username; no RBAC object
 * of the project names a user, so the principal ARN stands in for it here.
 */
export function identitiesFromPlan(report: PlanReport): Identity[] {
    const identities: Identity[] = [];
    const all = report.stacks.flatMap((stack) => stack.resources.map((resource) => ({ stack: stack.stack, resource })));
    const inputs = (resource: PlannedResource) => resource.inputs as Record<string, any>;
    for (const { stack, resource } of all.filter(({ resource }) => resource.type === ACCESS_ENTRY)) {
        const principal = String(inputs(resource).principalArn);
        const accessPolicies = all
            .filter(({ resource: r }) => r.type === ACCESS_POLICY && inputs(r).principalArn === principal)
            .map(({ resource: r }) => ({
                policyArn: String(inputs(r).policyArn),
                namespaces: inputs(r).accessScope?.type === "namespace" ? inputs(r).accessScope.namespaces as string[] : undefined,
            }));
        identities.push({ user: principal, groups: inputs(resource).kubernetesGroups ?? [], accessPolicies, stack });
    }
    return identities;
}

/** The harness's own identities: not the project's, so not in the access table. */
export const HARNESS_ADMIN = { user: "verify-harness-admin", groups: ["system:masters"] };
export const CONTROLLER_MANAGER = { user: "system:kube-controller-manager", groups: [] as string[] };

/** A kube-apiserver `--token-auth-file`: token,user,uid,"group1,group2" per line; the tokens by user. */
export function tokenFile(users: { user: string; groups: string[] }[]): { csv: string; tokens: Record<string, string> } {
    const tokens: Record<string, string> = {};
    const lines = users.map(({ user, groups }, index) => {
        tokens[user] = randomBytes(24).toString("hex");
        return `${tokens[user]},${user},uid-${index}${groups.length ? `,"${groups.join(",")}"` : ""}`;
    });
    return { csv: `${lines.join("\n")}\n`, tokens };
}
