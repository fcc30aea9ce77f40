import { expect } from "chai";
import type { PlannedResource, StackRun } from "../../plan/runtime";

/*
 * Finding planned resources, for every suite: by Pulumi type, by Kubernetes kind, by logical name (the name the
 * program gave), by object name (`metadata.name`) or Helm release name. A lookup that finds nothing fails with
 * what there was instead.
 */

export function ofType(run: StackRun, type: string): PlannedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The planned objects of one Kubernetes kind (`Deployment`, `NetworkPolicy`, …). */
export function ofKind(run: StackRun, kind: string): PlannedResource[] {
    return run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type.endsWith(`:${kind}`));
}

/** The resource of `type` whose logical name is `name`. */
export function one(run: StackRun, type: string, name: string): PlannedResource {
    const found = run.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name} among ${ofType(run, type).map((r) => r.name).join(", ")}`);
    return found;
}

/** The single resource of `type` (an assertion: exactly one is planned). */
export function only(run: StackRun, type: string): PlannedResource {
    const found = ofType(run, type);
    expect(found, type).to.have.length(1);
    return found[0];
}

/** The Kubernetes object among `resources` whose `metadata.name` is `name`. */
export function named(resources: PlannedResource[], name: string): PlannedResource {
    const found = resources.find((r) => r.inputs.metadata?.name === name);
    if (!found) throw new Error(`no object named ${name} among ${resources.map((r) => r.inputs.metadata?.name).join(", ")}`);
    return found;
}

/** The Helm v3 Release whose release name is `releaseName`. */
export function release(run: StackRun, releaseName: string): PlannedResource {
    const found = ofType(run, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.name === releaseName);
    if (!found) throw new Error(`no Helm release ${releaseName}`);
    return found;
}

/** A JSON document a resource input holds (a policy, a config file), parsed. */
export const json = (text: string) => JSON.parse(text);
