import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { ACCESS_TABLE, AccessRow, appDeployerRules, Identity } from "../../components/accessModel";
import { validatingAdmissionPolicy } from "../../policies/admission/objects";
import { platformDeployerScopeRule } from "../../policies/admission/platformDeployerScope";
import type { PlannedResource } from "../../plan/runtime";
import { clusterConfig, committedClusterPlan } from "../cluster/support";
import { judge } from "../policies/admission/cel";
import { committedPlan, ENVIRONMENT_STACKS } from "../support/environment";
import { allows, grantsOf, holdsAll, resourceOfType } from "./rbac";

/**
 * Each identity's rights derived from what the programs plan (the cluster stack and the three environment
 * stacks under mocks): access entries, EKS policy associations, ClusterRoles and their bindings, Roles and
 * RoleBindings; compared with the access table of components/accessModel.ts and docs/access.md.
 */

const describeRow = (row: AccessRow) => `${row.identity} ${row.verb} ${row.group ? `${row.resource}.${row.group}` : row.resource}${row.name ? ` ${row.name}` : ""} in ${row.namespace ?? "(cluster)"}`;

describe("access model: every identity's rights derived from the planned RBAC and access entries", () => {
    let objects: PlannedResource[] = [];
    let principals: Record<Identity, string>;
    /** The platform deployer of each environment stack's tier. */
    let stackDeployer: Record<string, string>;

    before(async function () {
        this.timeout(60000);
        // One program at a time: the Pulumi runtime is process-global.
        objects = [...(await committedClusterPlan()).resources];
        for (const stack of ENVIRONMENT_STACKS) objects.push(...(await committedPlan(stack)).resources);
        const cluster = clusterConfig();
        const platform = JSON.parse(cluster["fintrax-cluster:platformDeployment"]);
        const appDeployer = (stack: string) => objects.find((o) => o.type === "aws:eks/accessEntry:AccessEntry" && o.inputs.kubernetesGroups?.includes(`fintrax-${stack}-deployers`))!.inputs.principalArn;
        principals = {
            "cluster-admin": JSON.parse(cluster["fintrax-cluster:admins"])[0],
            "platform-deployer:development": platform.deployers.development[0],
            "platform-deployer:production": platform.deployers.production[0],
            "platform-previewer": platform.previewers[0],
            "app-deployer:dev": appDeployer("dev"),
            "app-deployer:staging": appDeployer("staging"),
            "app-deployer:prod": appDeployer("prod"),
        };
        stackDeployer = { dev: platform.deployers.development[0], staging: platform.deployers.staging[0], prod: platform.deployers.production[0] };
    });

    it("gives each identity of the table exactly the access the table says", () => {
        for (const row of ACCESS_TABLE) {
            expect(allows(grantsOf(principals[row.identity], objects), row), describeRow(row)).to.equal(row.allowed);
        }
    });

    it("refuses, by admission, the platform deployer's writes outside the environment namespaces that RBAC cannot tell apart", () => {
        const policy = validatingAdmissionPolicy(platformDeployerScopeRule);
        const request = (resource: string, operation: string) => ({ operation, resource: { resource }, userInfo: { username: "ci", groups: ["fintrax:platform-deployers:development", "system:authenticated"] } });
        const kubeSystem = { apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system", labels: { "kubernetes.io/metadata.name": "kube-system" } } };
        const environment = { apiVersion: "v1", kind: "Namespace", metadata: { name: "fintrax-pr-7", labels: { "fintrax.io/tier": "development" } } };
        const binding = (namespace: string) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "fintrax-platform-deployer", namespace } });
        const verdict = (object: any, context: object) => judge(policy, object, "CREATE", context).failures;
        expect(verdict(binding("kube-system"), { request: request("rolebindings", "CREATE"), namespaceObject: kubeSystem })).to.have.length(1);
        expect(verdict(binding("fintrax-pr-7"), { request: request("rolebindings", "CREATE"), namespaceObject: environment })).to.deep.equal([]);
        // Another tier's namespace is as out of reach as kube-system.
        const production = { ...environment, metadata: { name: "fintrax-prod", labels: { "fintrax.io/tier": "production" } } };
        expect(verdict(binding("fintrax-prod"), { request: request("rolebindings", "CREATE"), namespaceObject: production })).to.have.length(1);
        expect(verdict(production, { request: request("namespaces", "CREATE") })).to.have.length(1);
        expect(verdict(environment, { request: request("namespaces", "CREATE") })).to.deep.equal([]);
        expect(verdict(kubeSystem, { request: request("namespaces", "CREATE") })).to.have.length(1);
        expect(judge(policy, null, "DELETE", { request: request("namespaces", "DELETE"), oldObject: kubeSystem }).failures).to.have.length(1);
        expect(judge(policy, null, "DELETE", { request: request("namespaces", "DELETE"), oldObject: environment }).failures).to.deep.equal([]);
        // Relabelling kube-system as an environment does not make it one.
        expect(judge(policy, { ...kubeSystem, metadata: { ...kubeSystem.metadata, labels: { "fintrax.io/tier": "development" } } }, "UPDATE",
            { request: request("namespaces", "UPDATE"), oldObject: kubeSystem }).failures).to.have.length(1);
        // Anyone else is not this policy's business.
        expect(judge(policy, kubeSystem, "CREATE", { request: { ...request("namespaces", "CREATE"), userInfo: { username: "admin", groups: [] } } }).matched).to.equal(false);
        for (const row of ACCESS_TABLE.filter((r) => r.refusedBy)) expect(row.refusedBy, describeRow(row)).to.equal(platformDeployerScopeRule.name);
    });

    it("lets each tier's platform deployer write every object its environment stack plans, in its own namespace", () => {
        const planned = objects.filter((o) => o.type.startsWith("kubernetes:") && o.custom && o.urn.includes("::fintrax::"));
        expect(planned.length).to.be.greaterThan(50);
        for (const object of planned) {
            const grants = grantsOf(stackDeployer[object.urn.slice("urn:pulumi:".length, object.urn.indexOf("::"))], objects);
            const { group, resource } = resourceOfType(object.type);
            const namespace = object.inputs.metadata.namespace;
            for (const verb of ["create", "get", "patch", "delete"]) {
                const request = { verb, group, resource, namespace, name: verb === "create" ? undefined : object.inputs.metadata.name };
                expect(allows(grants, request), `${verb} ${object.type} ${namespace ?? ""}/${object.inputs.metadata.name}`).to.equal(true);
            }
        }
    });

    it("lets the platform deployer create the app deployers' Roles without escalating: it holds every right they give", () => {
        for (const stack of ENVIRONMENT_STACKS) {
            expect(holdsAll(grantsOf(stackDeployer[stack], objects), appDeployerRules(stack === "prod" ? "view" : "edit"), `fintrax-${stack}`), stack).to.deep.equal([]);
        }
    });

    it("lets a platform deployer create IAM roles only inside the boundary, which allows a cluster token and nothing else", () => {
        const boundary = objects.find((o) => o.type === "aws:iam/policy:Policy" && o.inputs.name === "fintrax-app-deployer-boundary")!;
        const allowed = (policy: string) => JSON.parse(policy).Statement.flatMap((statement: any) => statement.Action);
        expect(allowed(boundary.inputs.policy)).to.deep.equal(["eks:DescribeCluster"]);
        const deployerPolicies = objects.filter((o) => o.type === "aws:iam/rolePolicy:RolePolicy" && o.inputs.name === "fintrax-platform-deployer");
        expect(deployerPolicies.map((p) => p.inputs.role)).to.have.members(["fintrax-ci-deploy-dev", "fintrax-ci-deploy-previews", "fintrax-ci-deploy-staging", "fintrax-ci-deploy-prod"]);
        for (const policy of deployerPolicies) {
            const statements = JSON.parse(policy.inputs.policy).Statement;
            const granting = (action: string) => statements.filter((statement: any) => statement.Action.includes(action));
            for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"]) {
                expect(granting(action).map((statement: any) => statement.Condition?.StringEquals?.["iam:PermissionsBoundary"]), action)
                    .to.deep.equal([`arn:aws:iam::123456789012:policy/fintrax-app-deployer-boundary`]);
            }
            for (const action of ["iam:AttachRolePolicy", "iam:DeleteRolePermissionsBoundary", "eks:AssociateAccessPolicy"]) expect(granting(action), action).to.deep.equal([]);
            expect(statements.flatMap((statement: any) => [statement.Resource].flat()).filter((resource: string) => resource.startsWith("arn:aws:iam")))
                .to.satisfy((resources: string[]) => resources.every((resource) => resource.endsWith(":role/fintrax-*-deployer")));
        }
        const previewer = objects.find((o) => o.type === "aws:iam/rolePolicy:RolePolicy" && o.inputs.name === "fintrax-platform-previewer")!;
        expect(allowed(previewer.inputs.policy)).to.deep.equal(["eks:DescribeCluster"]);
    });

    it("is written in docs/access.md row by row", () => {
        const doc = fs.readFileSync(path.resolve(__dirname, "../../docs/access.md"), "utf8");
        for (const row of ACCESS_TABLE) {
            const cells = [row.identity, row.verb, row.group ? `${row.resource}.${row.group}` : row.resource, row.name ?? "", row.namespace ?? "(cluster)",
                row.allowed ? (row.refusedBy ? `RBAC yes, refused by ${row.refusedBy}` : "yes") : "no"];
            expect(doc, describeRow(row)).to.contain(`| ${cells.join(" | ")} |`);
        }
    });
});
