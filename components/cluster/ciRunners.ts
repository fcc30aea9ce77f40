import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { serviceTrustPolicy } from "./iam";

/**
 * GitHub Actions runners inside the VPC, hosted by AWS CodeBuild, so that deploys, previews, drift checks and
 * healing reach the EKS API through its private endpoint (the public one is off by default). A workflow job
 * asks for one with `runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}`; CodeBuild's
 * webhook sees the job queued, starts a fresh container in a private subnet, and the container runs that one
 * job and is gone. Nothing is kept between jobs.
 *
 * One CodeBuild project, service role, security group and log group per trust level. The service roles can
 * only run the runner itself (logs, the VPC network interface, the GitHub connection): the rights over a
 * stack come from the stack's own role, which the job assumes through GitHub's OIDC token and whose trust
 * policy names the GitHub environment (docs/delivery.md). So a job that asks for another level's runner
 * gains a network path to the API server, not a credential for it.
 *
 * Facts, read on 2026-12-01 from the AWS CodeBuild user guide ("Self-hosted GitHub Actions runners in AWS
 * CodeBuild", "Allow CodeBuild access to AWS services required to create a VPC network interface", "GitHub
 * webhook events") and the @pulumi/aws 7.48.0 `codebuild.Webhook` docs: the webhook event
 * WORKFLOW_JOB_QUEUED, the filter type WORKFLOW_NAME, the runs-on label format, and the EC2 actions a VPC
 * build's service role needs.
 */

/** Who may run on a level's runners, and what for. The names are an interface: workflows and IAM use them. */
export const RUNNER_TRUST_LEVELS = {
    /** Previews of stacks (after a reviewer's approval for staging, prod and shared) and nightly drift detection. */
    preview: { workflows: ["preview", "drift"], purpose: "previews and drift detection (read-only stack roles)" },
    /** Updates of dev and staging, the nightly dev heal, and preview environments (pr-<n>). */
    nonprod: { workflows: ["deploy", "drift", "preview-environments"], purpose: "dev, staging and pr-<n> updates" },
    /** Updates of prod and of the shared cluster, after a reviewer's approval. */
    prod: { workflows: ["deploy"], purpose: "prod and shared updates" },
} as const;

export type RunnerTrustLevel = keyof typeof RUNNER_TRUST_LEVELS;

/**
 * The IAM roles a workflow job assumes through GitHub's OIDC token (made once, docs/delivery.md "One-time
 * setup"): these, not the runners' service roles, are the identities that reach the cluster and its stacks,
 * so they are what the cluster's access entries name. `stack` is shared, dev, staging, prod, or previews.
 */
export const ciDeployRoleName = (stack: string) => `fintrax-ci-deploy-${stack}`;
export const ciPreviewRoleName = (stack: string) => `fintrax-ci-preview-${stack}`;

/** The CodeBuild project of a level; also the name of its service role, security group and log group. */
export const runnerProjectName = (level: RunnerTrustLevel) => `fintrax-runner-${level}`;

/**
 * CodeBuild's curated Amazon Linux 2023 image, x86_64 standard 5.0: Node.js 18, 20, 22 and 24 (20.20.0), the AWS
 * CLI v2 that the EKS kubeconfig's `aws eks get-token` needs, and git (aws/aws-codebuild-docker-images,
 * al/x86_64/standard/5.0/Dockerfile at 1590e48, read 2026-12-01). Pinned to the major image version CodeBuild
 * maintains.
 */
export const RUNNER_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";
/** 4 vCPU and 7 GB: `npm ci` and a plan of four stacks in minutes (BUILD_GENERAL1_SMALL has 2 vCPU, 3 GB). */
const RUNNER_COMPUTE_TYPE = "BUILD_GENERAL1_MEDIUM";

export interface CiRunnersArgs {
    /** `owner/name` of the GitHub repository whose workflow jobs the runners take. */
    repository: string;
    /** An existing CodeConnections connection to GitHub; otherwise one is created (pending until approved). @default a new connection */
    connectionArn?: string;
    /** At most this many jobs per level at once (CodeBuild's concurrent build limit of each project). */
    concurrentJobs: number;
    region: string;
    accountId: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    privateSubnetIds: pulumi.Input<string>[];
    /** The EKS cluster security group: the runners are admitted to the API server's private endpoint through it. */
    clusterSecurityGroupId: pulumi.Input<string>;
    /** Days CloudWatch keeps the build logs. @default 90 */
    logRetentionDays?: number;
}

/** What the runner needs to exist: write its own logs, attach to the private subnets, use the GitHub connection. */
function runnerPolicy(args: { logGroupArn: string; subnetArns: string[]; connectionArn: string; accountId: string; region: string }): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${args.logGroupArn}:*` },
            {
                // Describe* and the interface's create/delete take no resource-level scope (CodeBuild's VPC guide).
                Sid: "VpcNetworkInterface",
                Effect: "Allow",
                Action: [
                    "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeDhcpOptions",
                    "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs",
                ],
                Resource: "*",
            },
            {
                Sid: "InterfaceInPrivateSubnetsOnly",
                Effect: "Allow",
                Action: "ec2:CreateNetworkInterfacePermission",
                Resource: `arn:aws:ec2:${args.region}:${args.accountId}:network-interface/*`,
                Condition: { StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" }, ArnEquals: { "ec2:Subnet": args.subnetArns } },
            },
            {
                Sid: "GitHubConnection",
                Effect: "Allow",
                Action: ["codeconnections:GetConnectionToken", "codeconnections:GetConnection", "codeconnections:UseConnection"],
                Resource: args.connectionArn,
            },
        ],
    });
}

export class CiRunners extends pulumi.ComponentResource {
    readonly connectionArn: pulumi.Output<string>;

    constructor(name: string, args: CiRunnersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fintrax:cluster:CiRunners", name, {}, opts);
        const parent = { parent: this };
        if (!/^[^/]+\/[^/]+$/.test(args.repository)) {
            throw new pulumi.ResourceError(`CiRunners: repository must be owner/name (got "${args.repository}")`, this);
        }

        this.connectionArn = args.connectionArn
            ? pulumi.output(args.connectionArn)
            : new aws.codeconnections.Connection(`${name}-github`, { name: "fintrax-github", providerType: "GitHub" }, parent).arn;
        const account = pulumi.output(args.accountId);
        const subnetArns = pulumi.all([account, pulumi.all(args.privateSubnetIds)])
            .apply(([id, subnets]) => subnets.map((subnet) => `arn:aws:ec2:${args.region}:${id}:subnet/${subnet}`));

        for (const level of Object.keys(RUNNER_TRUST_LEVELS) as RunnerTrustLevel[]) {
            this.runner(name, level, args, account, subnetArns);
        }
        this.registerOutputs({ connectionArn: this.connectionArn });
    }

    private runner(name: string, level: RunnerTrustLevel, args: CiRunnersArgs, account: pulumi.Output<string>, subnetArns: pulumi.Output<string[]>): void {
        const parent = { parent: this };
        const projectName = runnerProjectName(level);
        const projectArn = pulumi.interpolate`arn:aws:codebuild:${args.region}:${account}:project/${projectName}`;

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-${level}`, {
            name: `/aws/codebuild/${projectName}`,
            retentionInDays: args.logRetentionDays ?? 90,
        }, parent);

        // Out to HTTPS only: GitHub, the npm registry, the AWS APIs (through the NAT gateway) and the EKS API's
        // private endpoint. Never to the databases (5432) or the nodes. DNS goes to the VPC resolver, which
        // security groups do not filter.
        // A prefix, not a name: a changed description replaces the group, creating the new one before the old goes.
        const securityGroup = new aws.ec2.SecurityGroup(`${name}-${level}`, {
            vpcId: args.vpcId,
            namePrefix: `${projectName}-`,
            description: `CodeBuild GitHub Actions runners (${level}): HTTPS out only`,
            egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS: GitHub, npm, AWS APIs, the EKS API" }],
            tags: { Name: projectName },
        }, parent);
        new aws.vpc.SecurityGroupIngressRule(`${name}-${level}-to-api`, {
            securityGroupId: args.clusterSecurityGroupId,
            referencedSecurityGroupId: securityGroup.id,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: `The ${level} CI runners reach the private endpoint of the Kubernetes API`,
        }, parent);

        const role = new aws.iam.Role(`${name}-${level}`, {
            name: projectName,
            description: `Service role of the ${projectName} CodeBuild runners: runner plumbing only, no stack rights`,
            // The service role of a level's runner: assumable by CodeBuild for exactly that project (the confused-deputy guard).
            assumeRolePolicy: projectArn.apply((arn) => serviceTrustPolicy("codebuild.amazonaws.com", { "aws:SourceArn": arn })),
        }, parent);
        const policy = new aws.iam.RolePolicy(`${name}-${level}`, {
            role: role.id,
            policy: pulumi.all([logGroup.arn, subnetArns, this.connectionArn, account])
                .apply(([logGroupArn, subnets, connectionArn, accountId]) => runnerPolicy({ logGroupArn, subnetArns: subnets, connectionArn, accountId, region: args.region })),
        }, parent);

        const project = new aws.codebuild.Project(`${name}-${level}`, {
            name: projectName,
            description: `GitHub Actions runners in the VPC for ${RUNNER_TRUST_LEVELS[level].purpose}`,
            serviceRole: role.arn,
            source: {
                type: "GITHUB",
                location: `https://github.com/${args.repository}.git`,
                auth: { type: "CODECONNECTIONS", resource: this.connectionArn },
            },
            artifacts: { type: "NO_ARTIFACTS" },
            environment: {
                type: "LINUX_CONTAINER",
                computeType: RUNNER_COMPUTE_TYPE,
                image: RUNNER_IMAGE,
                imagePullCredentialsType: "CODEBUILD",
                // No Docker daemon: the jobs run Node and Pulumi, never containers.
                privilegedMode: false,
            },
            vpcConfig: { vpcId: args.vpcId, subnets: args.privateSubnetIds, securityGroupIds: [securityGroup.id] },
            logsConfig: { cloudwatchLogs: { groupName: logGroup.name, status: "ENABLED" }, s3Logs: { status: "DISABLED" } },
            concurrentBuildLimit: args.concurrentJobs,
            buildTimeout: 120, // minutes: an EKS control-plane update (the deploy job allows 90) and the setup
            queuedTimeout: 60,
        }, { ...parent, dependsOn: [policy] });

        new aws.codebuild.Webhook(`${name}-${level}`, {
            projectName: project.name,
            buildType: "BUILD",
            filterGroups: [{
                filters: [
                    { type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" },
                    // Only the workflows of this level. A workflow's name is the pull request's to choose, so this
                    // narrows mistakes; the OIDC trust of the stack roles is what holds (see the class comment).
                    { type: "WORKFLOW_NAME", pattern: `^(${RUNNER_TRUST_LEVELS[level].workflows.join("|")})$` },
                ],
            }],
        }, parent);
    }
}
