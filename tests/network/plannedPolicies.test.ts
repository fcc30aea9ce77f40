import { expect } from "chai";
import { addressAt, blockSize } from "../../model/addressing";
import type { ClusterNetwork } from "../../model/clusterExports";
import { TIERS, type Tier } from "../../model/tiers";
import type { StackRun } from "../../plan/runtime";
import { Endpoint, NetworkPolicyEvaluator, Pod } from "../support/networkPolicyEvaluator";
import { namespacesOf, networkOf, networkPoliciesOf, plannedCluster, plannedEnvironment, podsOf } from "./support";

/**
 * The planned NetworkPolicies of the cluster and of every environment (a preview environment included), judged
 * together by the evaluator: what the VPC CNI would let each namespace's pods reach.
 */

const ENVIRONMENTS: Array<{ stack: string; file: string; tier: Tier; overrides?: Record<string, unknown> }> = [
    { stack: "dev", file: "dev", tier: "development" },
    { stack: "staging", file: "staging", tier: "staging" },
    { stack: "prod", file: "prod", tier: "production" },
    { stack: "pr-7", file: "dev", tier: "development", overrides: { "fintrax:environment": "pr-7" } },
];

/** Pods of the platform charts (not planned objects: Helm renders them), with the labels the charts give them. */
const PLATFORM_PODS: Record<string, Array<Record<string, string>>> = {
    "envoy-gateway-system": [
        { "app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway" },
        { "control-plane": "envoy-gateway", "app.kubernetes.io/name": "gateway-helm" },
    ],
    "external-dns": [{ "app.kubernetes.io/name": "external-dns" }],
    "cert-manager": [
        { "app.kubernetes.io/name": "cert-manager" }, { "app.kubernetes.io/name": "cainjector" },
        { "app.kubernetes.io/name": "webhook" }, { "app.kubernetes.io/name": "startupapicheck" },
    ],
    monitoring: [
        { app: "kube-prometheus-stack-operator" }, { "app.kubernetes.io/name": "kube-state-metrics" },
        { "app.kubernetes.io/name": "grafana" }, { app: "kube-prometheus-stack-admission-create" },
        { "app.kubernetes.io/name": "prometheus" },
    ],
};

describe("planned NetworkPolicies, evaluated", () => {
    let network: ClusterNetwork;
    let evaluator: NetworkPolicyEvaluator;
    let environmentRuns: Map<string, StackRun>;
    let nextPodAddress: () => string;
    const podsOfEnvironment = new Map<string, Pod[]>();
    let coreDns: Pod;

    before(async () => {
        const clusterRun = await plannedCluster();
        network = networkOf(clusterRun);
        environmentRuns = new Map();
        for (const env of ENVIRONMENTS) environmentRuns.set(env.stack, await plannedEnvironment(env.stack, env.overrides, env.file));
        const runs = [clusterRun, ...environmentRuns.values()];
        evaluator = new NetworkPolicyEvaluator(networkPoliciesOf(runs), namespacesOf(runs));
        // Pods get addresses from the node subnets' prefix reservations, as the VPC CNI hands them out.
        let next = 16;
        nextPodAddress = () => addressAt(network.nodeSubnets[next % 2].prefixReservationCidr, next++);
        for (const env of ENVIRONMENTS) {
            const pods = podsOf(environmentRuns.get(env.stack)!, `fintrax-${env.stack}`, nextPodAddress);
            expect(pods, env.stack).to.have.length.greaterThan(0);
            podsOfEnvironment.set(env.stack, pods);
        }
        coreDns = {
            namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ip: nextPodAddress(),
            ports: [{ name: "dns", containerPort: 53, protocol: "UDP" }, { name: "dns-tcp", containerPort: 53, protocol: "TCP" }],
        };
    });

    const platformPods = () => Object.entries(PLATFORM_PODS).flatMap(([namespace, labelSets]) =>
        labelSets.map((labels) => ({ namespace, labels, ip: nextPodAddress() })));
    /** A few addresses of each block: the first and last usable ones (AWS keeps .0-.3 and the last) and one between. */
    const samplesOf = (cidr: string) => [4, Math.floor(blockSize(cidr) / 2), blockSize(cidr) - 2].map((offset) => addressAt(cidr, offset));
    const allTiers: Tier[] = [...TIERS];

    describe("the API server", () => {
        it("is reachable on 443 at the kubernetes ClusterIP from every pod of every platform namespace", () => {
            expect(network.kubernetesServiceIp).to.equal(addressAt(network.serviceCidr, 1));
            for (const pod of platformPods()) {
                expect(evaluator.allows({ from: pod, to: { ip: network.kubernetesServiceIp }, port: 443 }), `${pod.namespace} ${JSON.stringify(pod.labels)}`).to.equal(true);
            }
        });

        it("is reachable on 443 at the control plane's interfaces in the cluster's subnets", () => {
            for (const pod of platformPods()) {
                for (const cidr of network.controlPlaneSubnetCidrs) {
                    expect(evaluator.allows({ from: pod, to: { ip: addressAt(cidr, 10) }, port: 443 }), `${pod.namespace} → ${cidr}`).to.equal(true);
                }
            }
        });

        it("is not reachable on other ports, nor at other Service addresses", () => {
            for (const pod of platformPods()) {
                expect(evaluator.egressAllowed({ from: pod, to: { ip: network.kubernetesServiceIp }, port: 6443 })).to.equal(false);
            }
            const operator = platformPods().find((p) => p.labels.app === "kube-prometheus-stack-operator")!;
            expect(evaluator.egressAllowed({ from: operator, to: { ip: addressAt(network.serviceCidr, 77) }, port: 443 })).to.equal(false);
        });

        it("is not reachable from the environments' pods", () => {
            for (const [stack, pods] of podsOfEnvironment) {
                for (const pod of pods) {
                    expect(evaluator.egressAllowed({ from: pod, to: { ip: network.kubernetesServiceIp }, port: 443 }), stack).to.equal(false);
                }
            }
        });
    });

    describe("the databases", () => {
        for (const env of ENVIRONMENTS) {
            it(`${env.stack} reaches its tier's (${env.tier}) database subnets on 5432`, () => {
                for (const pod of podsOfEnvironment.get(env.stack)!) {
                    for (const ip of network.databaseSubnets[env.tier].cidrs.flatMap(samplesOf)) {
                        expect(evaluator.allows({ from: pod, to: { ip }, port: 5432 }), `${env.stack} → ${ip}`).to.equal(true);
                    }
                }
            });

            it(`${env.stack} reaches no other tier's database subnets, on 5432 or any other port`, () => {
                for (const tier of allTiers.filter((t) => t !== env.tier)) {
                    for (const pod of podsOfEnvironment.get(env.stack)!) {
                        for (const ip of network.databaseSubnets[tier].cidrs.flatMap(samplesOf)) {
                            for (const port of [5432, 443, 80, 6432]) {
                                expect(evaluator.allows({ from: pod, to: { ip }, port }), `${env.stack} → ${tier} ${ip}:${port}`).to.equal(false);
                            }
                        }
                    }
                }
            });
        }

        it("each environment's database sits in its own tier's DB subnet group (the preview's in development's)", () => {
            for (const env of ENVIRONMENTS) {
                const instances = environmentRuns.get(env.stack)!.resources.filter((r) => r.type === "aws:rds/instance:Instance");
                expect(instances, env.stack).to.have.length.greaterThan(0);
                for (const instance of instances) {
                    expect(instance.inputs.dbSubnetGroupName, env.stack).to.equal(network.databaseSubnets[env.tier].subnetGroupName);
                }
            }
        });
    });

    describe("environment pairs", () => {
        it("no environment's pod reaches another environment's pods, on their service port or any other", () => {
            for (const [stack, pods] of podsOfEnvironment) {
                for (const [other, targets] of podsOfEnvironment) {
                    if (other === stack) continue;
                    for (const from of pods) {
                        for (const to of targets) {
                            for (const port of [...(to.ports ?? []).map((p) => p.containerPort), 5432, 443]) {
                                expect(evaluator.allows({ from, to, port }), `${stack} → ${other}:${port}`).to.equal(false);
                            }
                        }
                    }
                }
            }
        });

        it("an environment's pods still reach each other on their service ports", () => {
            for (const [stack, pods] of podsOfEnvironment) {
                const [from, to] = pods;
                expect(evaluator.allows({ from, to, port: to.ports![0].containerPort }), stack).to.equal(true);
            }
        });
    });

    describe("development's open egress", () => {
        for (const stack of ["dev", "pr-7"]) {
            it(`${stack} reaches no VPC address but its tier's databases on 5432: no node, pod, load balancer, or other tier`, () => {
                const vpcAddresses = [
                    ...network.nodeSubnets.flatMap((s) => [...samplesOf(s.cidr), addressAt(s.prefixReservationCidr, 300)]),
                    ...network.publicSubnetCidrs.flatMap(samplesOf),
                    "10.0.200.9",
                ];
                const others = [...podsOfEnvironment].filter(([other]) => other !== stack).flatMap(([, pods]) => pods);
                for (const pod of podsOfEnvironment.get(stack)!) {
                    for (const to of [...vpcAddresses.map((ip): Endpoint => ({ ip })), ...others]) {
                        for (const port of [22, 80, 443, 5432, 8080, 10250]) {
                            expect(evaluator.allows({ from: pod, to, port }), `${stack} → ${to.ip}:${port}`).to.equal(false);
                        }
                    }
                }
            });

            it(`${stack} reaches the internet on any port, but not the instance metadata service`, () => {
                for (const pod of podsOfEnvironment.get(stack)!) {
                    for (const port of [80, 443, 8443, 22]) expect(evaluator.allows({ from: pod, to: { ip: "203.0.113.10" }, port })).to.equal(true);
                    expect(evaluator.allows({ from: pod, to: { ip: "169.254.169.254" }, port: 80 })).to.equal(false);
                }
            });
        }

        it("staging and production reach the internet on 443 only, and no VPC address on 443", () => {
            for (const stack of ["staging", "prod"]) {
                for (const pod of podsOfEnvironment.get(stack)!) {
                    expect(evaluator.allows({ from: pod, to: { ip: "203.0.113.10" }, port: 443 })).to.equal(true);
                    expect(evaluator.allows({ from: pod, to: { ip: "203.0.113.10" }, port: 80 })).to.equal(false);
                    expect(evaluator.allows({ from: pod, to: { ip: addressAt(network.nodeSubnets[0].cidr, 10) }, port: 443 })).to.equal(false);
                }
            }
        });
    });

    describe("name resolution", () => {
        it("works from every environment and platform namespace, on UDP and TCP 53", () => {
            const everyone = [...[...podsOfEnvironment.values()].flat(), ...platformPods()];
            for (const pod of everyone) {
                for (const protocol of ["UDP", "TCP"] as const) {
                    expect(evaluator.allows({ from: pod, to: coreDns, port: 53, protocol }), `${pod.namespace} ${protocol}`).to.equal(true);
                }
            }
        });

        it("is the only way into kube-system's DNS pods: other ports stay closed", () => {
            for (const pod of podsOfEnvironment.get("prod")!) {
                expect(evaluator.allows({ from: pod, to: coreDns, port: 9153 })).to.equal(false);
            }
        });
    });
});
