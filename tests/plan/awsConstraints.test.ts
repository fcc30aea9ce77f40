import { expect } from "chai";
import { committedPlan, ENVIRONMENT_STACKS } from "../support/environment";
import { committedClusterPlan } from "../cluster/support";
import type { StackRun } from "../../plan/runtime";

/** EC2 refuses a security group (or rule) description outside this set, apostrophes included. */
const EC2_DESCRIPTION = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
const DESCRIBED = ["aws:ec2/securityGroup:SecurityGroup", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "aws:ec2/securityGroupRule:SecurityGroupRule"];

describe("AWS input constraints a mock provider does not check", () => {
    let runs: StackRun[];
    before(async () => {
        runs = [await committedClusterPlan()];
        // One program at a time: the Pulumi runtime is process-global.
        for (const stack of ENVIRONMENT_STACKS) runs.push(await committedPlan(stack));
    });

    it("every security group and rule description uses only the characters EC2 accepts", () => {
        let checked = 0;
        for (const run of runs) {
            for (const resource of run.resources.filter((r) => DESCRIBED.includes(r.type) && r.inputs.description !== undefined)) {
                expect(resource.inputs.description, resource.urn).to.match(EC2_DESCRIPTION);
                checked++;
            }
        }
        expect(checked).to.be.greaterThan(3);
    });
});
