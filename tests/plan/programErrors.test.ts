import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ProgramError, runStack } from "../../plan/runtime";

describe("plan runtime: a program that fails", () => {
    it("fails the run with the error an apply threw, as the language host does, instead of leaving the resource out", async () => {
        const run = runStack({
            project: "fintrax", stack: "dev", config: {}, program: async () => {
                new aws.s3.Bucket("reports", { bucket: pulumi.output("reports").apply((): string => { throw new Error("no bucket name for this region"); }) });
                new aws.s3.Bucket("archive", {});
            },
        });
        const error = await run.then(() => undefined, (e: unknown) => e);
        expect(error).to.be.instanceOf(ProgramError);
        expect((error as Error).message).to.equal('the fintrax/dev program failed:\n  error serializing property "bucket": no bucket name for this region');
    });

    it("plans a program whose applies all succeed", async () => {
        const run = await runStack({
            project: "fintrax", stack: "dev", config: {}, program: async () => {
                new aws.s3.Bucket("reports", { bucket: pulumi.output("reports").apply((name) => `${name}-dev`) });
            },
        });
        expect(run.resources.map((r) => r.inputs.bucket)).to.deep.equal(["reports-dev"]);
    });
});
