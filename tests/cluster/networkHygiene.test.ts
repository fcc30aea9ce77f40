import { expect } from "chai";
import type { StackRun } from "../../plan/runtime";
import { committedClusterPlan, TYPES } from "./support";
import { ofType, one } from "../support/resources";

describe("cluster stack: network hygiene", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });

    it("adopts the VPC's default security group with no rules at all", () => {
        const [group] = ofType(run, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
        const [vpc] = ofType(run, TYPES.vpc);
        expect(group.inputs.vpcId).to.equal(vpc.id);
        expect(group.inputs.ingress).to.deep.equal([]);
        expect(group.inputs.egress).to.deep.equal([]);
    });

    it("lets VPC flow logs assume their role on behalf of this account only", () => {
        const [statement] = JSON.parse(one(run, TYPES.role, "network-flow-logs").inputs.assumeRolePolicy).Statement;
        expect(statement).to.deep.equal({
            Effect: "Allow",
            Principal: { Service: "vpc-flow-logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        });
    });
});
