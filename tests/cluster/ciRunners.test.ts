import { expect } from "chai";
import { RUNNER_IMAGE, RUNNER_TRUST_LEVELS, runnerProjectName, RunnerTrustLevel } from "../../components/cluster/ciRunners";
import type { PlannedResource, StackRun } from "../../plan/runtime";
import { committedClusterPlan, planCluster, TYPES } from "./support";
import { json, ofType, one } from "../support/resources";

const LEVELS = Object.keys(RUNNER_TRUST_LEVELS) as RunnerTrustLevel[];
const byName = (run: StackRun, type: string, level: RunnerTrustLevel): PlannedResource => one(run, type, `ci-runners-${level}`);

describe("CI runners in the VPC (CodeBuild-hosted GitHub Actions runners)", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });

    it("leave the EKS public endpoint off by default, with the private one on", () => {
        const [cluster] = ofType(run, TYPES.cluster);
        expect(cluster.inputs).to.deep.include({ endpointPrivateAccess: true, endpointPublicAccess: false });
    });

    it("are one CodeBuild project per trust level, in the private subnets, behind the level's own security group", () => {
        const privateSubnets = ofType(run, TYPES.subnet).filter((s) => s.inputs.mapPublicIpOnLaunch !== true && s.name.includes("private")).map((s) => s.id);
        expect(privateSubnets).to.have.length(2);
        const projects = ofType(run, "aws:codebuild/project:Project");
        expect(projects.map((p) => p.inputs.name).sort()).to.deep.equal(LEVELS.map(runnerProjectName).sort());
        for (const level of LEVELS) {
            const project = byName(run, "aws:codebuild/project:Project", level);
            const sg = byName(run, "aws:ec2/securityGroup:SecurityGroup", level);
            expect(project.inputs.vpcConfig.subnets).to.have.members(privateSubnets);
            expect(project.inputs.vpcConfig.securityGroupIds).to.deep.equal([sg.id]);
            expect(project.inputs.environment).to.deep.include({ image: RUNNER_IMAGE, privilegedMode: false, type: "LINUX_CONTAINER" });
            expect(project.inputs.concurrentBuildLimit).to.equal(4);
            expect(project.inputs.source).to.deep.include({ type: "GITHUB", location: "https://github.com/fintrax/fintrax-platform.git" });
            expect(project.inputs.source.auth.type).to.equal("CODECONNECTIONS");
            expect(project.inputs.logsConfig.cloudwatchLogs.groupName).to.equal(`/aws/codebuild/${runnerProjectName(level)}`);
        }
    });

    it("start only for queued workflow jobs of their own level's workflows", () => {
        for (const level of LEVELS) {
            const webhook = byName(run, "aws:codebuild/webhook:Webhook", level);
            expect(webhook.inputs.projectName).to.equal(runnerProjectName(level));
            const [group] = webhook.inputs.filterGroups;
            expect(group.filters).to.deep.include({ type: "EVENT", pattern: "WORKFLOW_JOB_QUEUED" });
            const names = new RegExp(group.filters.find((f: { type: string }) => f.type === "WORKFLOW_NAME").pattern);
            for (const workflow of RUNNER_TRUST_LEVELS[level].workflows) expect(names.test(workflow), `${level}: ${workflow}`).to.equal(true);
            expect(names.test("checks"), `${level}: checks`).to.equal(false);
        }
    });

    it("reach only HTTPS out, and the API server admits each level's runners on 443", () => {
        const ingress = ofType(run, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("ci-runners-"));
        for (const level of LEVELS) {
            const sg = byName(run, "aws:ec2/securityGroup:SecurityGroup", level);
            expect(sg.inputs.ingress ?? []).to.deep.equal([]);
            expect(sg.inputs.egress).to.have.length(1);
            expect(sg.inputs.egress[0]).to.deep.include({ protocol: "tcp", fromPort: 443, toPort: 443 });
            const rule = ingress.find((r) => r.inputs.referencedSecurityGroupId === sg.id);
            expect(rule?.inputs, level).to.deep.include({ ipProtocol: "tcp", fromPort: 443, toPort: 443 });
        }
        // The rule is on the cluster security group EKS put on the API server's network interfaces.
        expect(new Set(ingress.map((r) => r.inputs.securityGroupId)).size).to.equal(1);
    });

    it("run under service roles that only CodeBuild, for that project, may assume, with runner plumbing only", () => {
        const roles = ofType(run, TYPES.role).filter((r) => String(r.inputs.name).startsWith("fintrax-runner-"));
        expect(roles.map((r) => r.inputs.name).sort()).to.deep.equal(LEVELS.map(runnerProjectName).sort());
        const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        for (const level of LEVELS) {
            const role = byName(run, TYPES.role, level);
            const trust = json(role.inputs.assumeRolePolicy).Statement;
            expect(trust).to.have.length(1);
            expect(trust[0].Principal).to.deep.equal({ Service: "codebuild.amazonaws.com" });
            expect(trust[0].Condition.StringEquals["aws:SourceArn"]).to.equal(`arn:aws:codebuild:us-east-1:123456789012:project/${runnerProjectName(level)}`);
            expect(attachments.filter((a) => a.inputs.role === role.inputs.name || a.inputs.role === role.id), "no managed policy").to.deep.equal([]);

            const policy = json(byName(run, "aws:iam/rolePolicy:RolePolicy", level).inputs.policy);
            const actions = policy.Statement.flatMap((s: { Action: string | string[] }) => ([] as string[]).concat(s.Action));
            expect(actions.every((a: string) => /^(logs|ec2|codeconnections):[A-Za-z]+$/.test(a)), actions.join(", ")).to.equal(true);
            // Nothing that reads or changes a stack: no IAM, EKS, RDS, S3 (state), KMS or Secrets Manager.
            expect(actions.filter((a: string) => /^(iam|eks|rds|s3|kms|secretsmanager|sts):/.test(a))).to.deep.equal([]);
            const eni = policy.Statement.find((s: { Sid: string }) => s.Sid === "InterfaceInPrivateSubnetsOnly");
            expect(eni.Condition.StringEquals["ec2:AuthorizedService"]).to.equal("codebuild.amazonaws.com");
            expect(eni.Condition.ArnEquals["ec2:Subnet"]).to.have.length(2);
            const logs = policy.Statement.find((s: { Sid: string }) => s.Sid === "OwnLogs");
            expect(logs.Resource).to.equal(`arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/${runnerProjectName(level)}:*`);
        }
    });

    it("use a GitHub connection the stack creates, or the one the config names", async () => {
        expect(ofType(run, "aws:codeconnections/connection:Connection")).to.have.length(1);
        const arn = "arn:aws:codeconnections:us-east-1:123456789012:connection/0b6c5d3e-1f2a-4b5c-8d9e-0123456789ab";
        const other = await planCluster({ "fintrax-cluster:ciRunners": { repository: "acme/platform", concurrentJobs: 2, connectionArn: arn } });
        expect(ofType(other, "aws:codeconnections/connection:Connection")).to.deep.equal([]);
        for (const project of ofType(other, "aws:codebuild/project:Project")) {
            expect(project.inputs.source.auth.resource).to.equal(arn);
            expect(project.inputs.source.location).to.equal("https://github.com/acme/platform.git");
            expect(project.inputs.concurrentBuildLimit).to.equal(2);
        }
    });
});
