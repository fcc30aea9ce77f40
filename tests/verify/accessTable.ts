/**
 * The access table the real API server checks: the project's own (components/accessModel.ts, docs/access.md),
 * which the unit tests derive from the planned RBAC objects, here put to the server's authorizer by
 * tests/verify/rbac.test.ts (SubjectAccessReview, with the access-policy emulation of
 * support/eksAccessPolicies.ts). Only the mapping from the model's identities to the plan's access entries is
 * written here.
 */
import { ACCESS_TABLE as MODEL, IDENTITIES, type AccessRow, type Identity } from "../../components/accessModel";

export interface Access {
    verb: string;
    /** The API group ("" core). */
    group: string;
    resource: string;
    subresource?: string;
    /** undefined: a cluster-scoped request. */
    namespace?: string;
    name?: string;
    allowed: boolean;
}

export interface IdentityAccess {
    /** Matches an access entry's principal ARN by its ending (the account id differs per stack config). */
    principal: string;
    description: string;
    access: Access[];
}

/**
 * Who each identity is among the plan's access entries: the principals of cluster/Pulumi.shared.yaml (`admins`,
 * `platformDeployment`: the CI roles of docs/delivery.md) and the app deployer roles `fintrax-<env>-deployer`
 * of components/environmentAccess.ts. Roles that share an identity share its rows.
 */
const PRINCIPALS: Record<Identity, string[]> = {
    "cluster-admin": [":role/platform-admin", ":role/fintrax-ci-deploy-shared"],
    "platform-deployer:development": [":role/fintrax-ci-deploy-dev", ":role/fintrax-ci-deploy-previews"],
    "platform-deployer:production": [":role/fintrax-ci-deploy-prod"],
    "platform-previewer": [":role/fintrax-ci-preview-dev", ":role/fintrax-ci-preview-staging", ":role/fintrax-ci-preview-prod"],
    "app-deployer:dev": [":role/fintrax-dev-deployer"],
    "app-deployer:staging": [":role/fintrax-staging-deployer"],
    "app-deployer:prod": [":role/fintrax-prod-deployer"],
};

/**
 * Staging's platform deployer has the same rights as development's and production's, for its own tier; the
 * model spells its rows out for those two only.
 */
const WITHOUT_ROWS = [{ principal: ":role/fintrax-ci-deploy-staging", description: "platform-deployer:staging (no rows of its own in the access model)" }];

function toAccess(row: AccessRow): Access {
    const [resource, subresource] = row.resource.split("/");
    // What a SubjectAccessReview asks is what RBAC (and the EKS access policies) allow; `refusedBy` rows are
    // allowed by RBAC and refused by an admission policy, which the admission suite checks.
    return { verb: row.verb, group: row.group, resource, subresource, namespace: row.namespace, name: row.name, allowed: row.allowed };
}

export const ACCESS_TABLE: IdentityAccess[] = [
    ...IDENTITIES.flatMap((identity) => PRINCIPALS[identity].map((principal) => ({
        principal,
        description: `${identity} (${principal.slice(":role/".length)})`,
        access: MODEL.filter((row) => row.identity === identity).map(toAccess),
    }))),
    ...WITHOUT_ROWS.map((entry) => ({ ...entry, access: [] })),
];
