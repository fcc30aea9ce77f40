import { expect } from "chai";
import { PRIORITY_CLASSES } from "../../components/cluster/priorityClasses";
import { WORKLOAD_PRIORITIES } from "../../model/service";
import { committedClusterPlan } from "./support";
import { ofType } from "../support/resources";

describe("cluster: the workloads' priority classes", () => {
    it("creates one non-preempting PriorityClass per workload priority, none the global default, and exports their names", async () => {
        const run = await committedClusterPlan();
        const classes = ofType(run, "kubernetes:scheduling.k8s.io/v1:PriorityClass").map((r) => r.inputs);
        expect(classes.map((c) => c.metadata.name).sort()).to.deep.equal(["fintrax-critical", "fintrax-standard"]);
        for (const priorityClass of classes) {
            expect(priorityClass, priorityClass.metadata.name).to.deep.include({ globalDefault: false, preemptionPolicy: "Never" });
            expect(priorityClass.metadata.namespace, priorityClass.metadata.name).to.equal(undefined);
        }
        expect(PRIORITY_CLASSES.critical.value).to.be.greaterThan(PRIORITY_CLASSES.standard.value);
        // Below the system classes (2000000000 and up) and the 1000000000 user classes may not exceed.
        for (const priority of WORKLOAD_PRIORITIES) expect(PRIORITY_CLASSES[priority].value).to.be.within(0, 1_000_000_000);
        expect(run.outputs.priorityClasses).to.deep.equal({ critical: "fintrax-critical", standard: "fintrax-standard" });
    });
});
