import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import {
    APP_DEPLOYER_BOUNDARY_NAME, CLUSTER_ROLES, ENVIRONMENT_MANAGER_RULES, ENVIRONMENT_READER_RULES, GROUPS, PLATFORM_DEPLOYER_CLUSTER_RULES,
    PLATFORM_PREVIEWER_CLUSTER_RULES, PolicyRule,
} from "../accessModel";
import type { EnvironmentTier } from "../../policies/admission/objects";
import { platformLabels } from "../labels";

export interface PlatformAccessArgs {
    clusterName: pulumi.Input<string>;
    region: string;
    accountId: pulumi.Input<string>;
    /** IAM roles that run `pulumi up` for the environment stacks of each tier (their pipelines). */
    deployers: Record<EnvironmentTier, string[]>;
    /** IAM roles that run `pulumi preview` for them: read-only, no Secrets. */
    previewers: string[];
}

/** `arn:aws:iam::123456789012:role/ci/deployer` → `deployer`, the name IAM's role APIs take. */
function roleName(arn: string): string {
    return arn.slice(arn.lastIndexOf("/") + 1);
}

/**
 * What the identities that run the environment stacks may do on the shared cluster (docs/access.md): an EKS
 * access entry per IAM role mapping it to a Kubernetes group, the ClusterRoles of components/accessModel.ts
 * (the namespaced ones are bound by each environment namespace, the cluster-wide ones here), and the IAM
 * rights the environment stacks use: a kubeconfig token, the app deployers' access entries, and their roles
 * within a permissions boundary so that no role an environment creates can be given more.
 */
export class PlatformAccess extends pulumi.ComponentResource {
    constructor(name: string, args: PlatformAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:PlatformAccess", name, {}, opts);
        const parent = { parent: this };
        const labels = platformLabels();
        const clusterRole = (key: keyof typeof CLUSTER_ROLES, rules: PolicyRule[]) => new k8s.rbac.v1.ClusterRole(`${name}-${key}`, {
            metadata: { name: CLUSTER_ROLES[key], labels }, rules,
        }, parent);
        const bindClusterWide = (bindingName: string, role: k8s.rbac.v1.ClusterRole, group: string) =>
            new k8s.rbac.v1.ClusterRoleBinding(`${name}-${bindingName.replace(/:/g, "-")}`, {
                metadata: { name: bindingName, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
                subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
            }, parent);

        const tiers = Object.keys(args.deployers) as EnvironmentTier[];
        const deployerRole = clusterRole("platformDeployer", PLATFORM_DEPLOYER_CLUSTER_RULES);
        for (const tier of tiers) bindClusterWide(`${CLUSTER_ROLES.platformDeployer}:${tier}`, deployerRole, GROUPS.platformDeployers(tier));
        bindClusterWide(CLUSTER_ROLES.platformPreviewer, clusterRole("platformPreviewer", PLATFORM_PREVIEWER_CLUSTER_RULES), GROUPS.platformPreviewers);
        clusterRole("environmentManager", ENVIRONMENT_MANAGER_RULES);
        clusterRole("environmentReader", ENVIRONMENT_READER_RULES);

        const accountId = pulumi.output(args.accountId);
        const clusterArn = pulumi.interpolate`arn:aws:eks:${args.region}:${accountId}:cluster/${args.clusterName}`;
        const describeCluster = { Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: clusterArn };
        const boundary = new aws.iam.Policy(`${name}-app-deployer-boundary`, {
            name: APP_DEPLOYER_BOUNDARY_NAME,
            description: "The most an environment's app deployer role may ever be allowed: a token for the shared cluster",
            policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [describeCluster] }),
        }, parent);

        const appDeployerRoles = pulumi.interpolate`arn:aws:iam::${accountId}:role/fintrax-*-deployer`;
        const deployerPolicy = pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
                describeCluster,
                { Effect: "Allow", Action: ["eks:CreateAccessEntry"], Resource: clusterArn },
                {
                    Effect: "Allow",
                    Action: ["eks:DescribeAccessEntry", "eks:UpdateAccessEntry", "eks:DeleteAccessEntry", "eks:TagResource", "eks:ListAssociatedAccessPolicies"],
                    Resource: pulumi.interpolate`arn:aws:eks:${args.region}:${accountId}:access-entry/${args.clusterName}/role/${accountId}/fintrax-*-deployer/*`,
                },
                // The environments' databases and their security groups (components/environmentDatabase.ts).
                {
                    Effect: "Allow",
                    Action: ["rds:CreateDBInstance", "rds:ModifyDBInstance", "rds:DeleteDBInstance", "rds:RebootDBInstance", "rds:CreateDBParameterGroup",
                        "rds:ModifyDBParameterGroup", "rds:DeleteDBParameterGroup", "rds:AddTagsToResource", "rds:RemoveTagsFromResource"],
                    Resource: [
                        pulumi.interpolate`arn:aws:rds:${args.region}:${accountId}:db:fintrax-*`,
                        pulumi.interpolate`arn:aws:rds:${args.region}:${accountId}:pg:fintrax-*`,
                        pulumi.interpolate`arn:aws:rds:${args.region}:${accountId}:subgrp:*`,
                        pulumi.interpolate`arn:aws:rds:${args.region}:${accountId}:snapshot:fintrax-*`,
                    ],
                },
                {
                    Effect: "Allow",
                    Action: ["rds:Describe*", "rds:ListTagsForResource", "ec2:Describe*", "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup",
                        "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress",
                        "ec2:RevokeSecurityGroupEgress", "ec2:CreateTags", "ec2:DeleteTags", "ec2:ModifySecurityGroupRules"],
                    Resource: "*",
                },
                // Roles are created and given policies only inside the boundary, which they can never shed.
                {
                    Effect: "Allow",
                    Action: ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"],
                    Resource: appDeployerRoles,
                    Condition: { StringEquals: { "iam:PermissionsBoundary": boundary.arn } },
                },
                {
                    Effect: "Allow",
                    Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:TagRole",
                        "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePolicy", "iam:DeleteRole", "iam:ListInstanceProfilesForRole"],
                    Resource: appDeployerRoles,
                },
            ],
        });
        const previewerPolicy = pulumi.jsonStringify({ Version: "2012-10-17", Statement: [describeCluster] });

        const grant = (kind: "deployer" | "previewer", arns: string[], group: string, policy: pulumi.Output<string>) => arns.forEach((arn) => {
            const slug = `${kind}-${roleName(arn)}`;
            new aws.eks.AccessEntry(`${name}-${slug}`, { clusterName: args.clusterName, principalArn: arn, kubernetesGroups: [group], type: "STANDARD" }, parent);
            new aws.iam.RolePolicy(`${name}-${slug}`, { role: roleName(arn), name: `fintrax-platform-${kind}`, policy }, parent);
        });
        for (const tier of tiers) grant("deployer", args.deployers[tier], GROUPS.platformDeployers(tier), deployerPolicy);
        grant("previewer", args.previewers, GROUPS.platformPreviewers, previewerPolicy);
        this.registerOutputs({});
    }
}
