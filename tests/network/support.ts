import type { ClusterNetwork } from "../../model/clusterExports";
import type { StackRun } from "../../plan/runtime";
import { withOverrides } from "../../plan/stackConfig";
import { CLUSTER_STACK_NAME, loadStackConfig, runStackFile, stackSpec } from "../../plan/stacks";
import { committedClusterPlan } from "../cluster/support";
import type { Namespace, NetworkPolicy, Pod } from "../support/networkPolicyEvaluator";
import { ofType } from "../support/resources";

/**
 * The cluster program and the environment programs planned as `npm run plan` plans them: the environments'
 * StackReference gets the planned cluster's own outputs, not a fixture.
 */

/** The committed cluster stack's plan, shared with every other suite (tests/cluster/support.ts). */
export const plannedCluster = committedClusterPlan;

/** Runs `Pulumi.<file>.yaml` (with `overrides`) as stack `stack` against the planned cluster. */
export async function plannedEnvironment(stack: string, overrides: Record<string, unknown> = {}, file = stack): Promise<StackRun> {
    const clusterRun = await plannedCluster();
    const clusterSpec = stackSpec(CLUSTER_STACK_NAME);
    const spec = stackSpec(stack, `Pulumi.${file}.yaml`);
    return runStackFile(spec, withOverrides(loadStackConfig(spec), overrides), {
        [clusterSpec.qualifiedName]: { outputs: clusterRun.outputs, secretOutputNames: clusterRun.secretOutputNames },
    });
}

export const networkOf = (clusterRun: StackRun) => clusterRun.outputs.network as unknown as ClusterNetwork;

const ofTypeIn = (runs: StackRun[], type: string) => runs.flatMap((run) => ofType(run, type));

/** Every planned NetworkPolicy, as the API server would hold it. */
export function networkPoliciesOf(runs: StackRun[]): NetworkPolicy[] {
    return ofTypeIn(runs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => ({ metadata: r.inputs.metadata, spec: r.inputs.spec }));
}

/** Every planned Namespace, and kube-system (EKS's own, where CoreDNS runs). */
export function namespacesOf(runs: StackRun[]): Namespace[] {
    return [
        { name: "kube-system" },
        ...ofTypeIn(runs, "kubernetes:core/v1:Namespace").map((r) => ({ name: r.inputs.metadata.name, labels: r.inputs.metadata.labels })),
    ];
}

/** The pods the planned Deployments of a namespace would run, each given an address from `addresses`. */
export function podsOf(run: StackRun, namespace: string, addresses: () => string): Pod[] {
    return run.resources
        .filter((r) => r.type === "kubernetes:apps/v1:Deployment" && r.inputs.metadata.namespace === namespace)
        .map((r) => ({
            namespace,
            labels: r.inputs.spec.template.metadata.labels,
            ip: addresses(),
            ports: r.inputs.spec.template.spec.containers.flatMap((c: { ports?: Pod["ports"] }) => c.ports ?? []),
        }));
}
