import { stringify } from "yaml";
import { INSTANCE_TYPES, InstanceType } from "../../model/instanceTypes";
import { kubeReservedCpuMillis, kubeReservedMemoryMib, smallestAllocatable } from "./instanceTypes";

/** The MIME boundary of the launch template's user data; EKS adds its own part for the cluster's details. */
export const USER_DATA_BOUNDARY = "FINTRAX-NODECONFIG";

/**
 * The AL2023 nodeadm NodeConfig a group's nodes boot with: the kubelet runs the pods per node the capacity
 * check assumes (prefix delegation: 110 on every type this cluster uses) and reserves for itself exactly
 * what the check subtracts. Without it nodeadm would compute max pods from the ENI limits alone (17 on a
 * t3.medium), and the plan's 110 would be a promise the nodes never keep. A group of mixed types gets the
 * numbers of its smallest type, the one the capacity check plans with.
 */
export function nodeConfig(instanceTypes: readonly InstanceType[]) {
    const node = smallestAllocatable(instanceTypes);
    return {
        apiVersion: "node.eks.aws/v1alpha1",
        kind: "NodeConfig",
        spec: {
            kubelet: {
                config: {
                    maxPods: node.maxPods,
                    kubeReserved: {
                        cpu: `${Math.ceil(kubeReservedCpuMillis(INSTANCE_TYPES[node.instanceType].vcpus))}m`,
                        memory: `${kubeReservedMemoryMib(node.maxPods)}Mi`,
                        "ephemeral-storage": "1Gi",
                    },
                },
            },
        },
    };
}

/** The user data of a managed node group's launch template: a MIME multi-part document with the NodeConfig. */
export function nodeUserData(instanceTypes: readonly InstanceType[]): string {
    const document = [
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`,
        "",
        `--${USER_DATA_BOUNDARY}`,
        "Content-Type: application/node.eks.aws",
        "",
        `---\n${stringify(nodeConfig(instanceTypes))}`,
        `--${USER_DATA_BOUNDARY}--`,
        "",
    ].join("\n");
    return Buffer.from(document, "utf8").toString("base64");
}
