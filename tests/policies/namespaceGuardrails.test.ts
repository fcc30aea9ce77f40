import { expect } from "chai";
import {
    budgetQuota, defaultDeny, expectFires, expectQuiet, k8s, kubernetesProvider, limitRange, namespace, networkPolicy, quota, resource,
    STACKS, violationsOf, workload,
} from "./fixtures";

const NS = "fintrax-prod";
/** A namespace and the guardrails around it, with one of them replaced or left out. */
const guarded = (parts: { quota?: unknown[]; limits?: unknown[]; deny?: unknown[] } = {}) => [
    namespace(NS),
    ...(parts.quota ?? [budgetQuota("dev", NS)]),
    ...(parts.limits ?? [limitRange(NS)]),
    ...(parts.deny ?? [defaultDeny(NS)]),
] as ReturnType<typeof namespace>[];

describe("policy k8s-namespace-quota (stack)", () => {
    it("fires on a namespace with no quota, naming the namespace", async () => {
        const [violation] = await expectFires("k8s-namespace-quota", guarded({ quota: [] }), STACKS, /Namespace fintrax-prod: has no ResourceQuota/);
        expect(violation.urn).to.equal(namespace(NS).urn);
    });

    it("fires when the quota leaves pods or limits uncapped", async () => {
        await expectFires("k8s-namespace-quota", guarded({ quota: [quota(NS, { "requests.cpu": "1", "requests.memory": "1Gi" })] }), STACKS,
            /no ResourceQuota limit for "limits.cpu", "limits.memory" and "pods"/);
    });

    it("fires when the only quota is scoped (it caps some pods, not the namespace)", async () => {
        const scoped = budgetQuota("dev", NS);
        scoped.inputs.spec.scopes = ["BestEffort"];
        await expectFires("k8s-namespace-quota", guarded({ quota: [scoped] }));
    });

    it("fires when the quota is in another namespace", async () => {
        await expectFires("k8s-namespace-quota", guarded({ quota: [budgetQuota("dev", "fintrax-dev")] }));
    });

    it("stays quiet for a full quota, for the cpu/memory spellings and for limits split over two quotas", async () => {
        await expectQuiet("k8s-namespace-quota", guarded());
        await expectQuiet("k8s-namespace-quota", guarded({ quota: [quota(NS, { cpu: "1", memory: "1Gi", "limits.cpu": "2", "limits.memory": "2Gi", pods: "5" })] }));
        await expectQuiet("k8s-namespace-quota", guarded({
            quota: [quota(NS, { "requests.cpu": "1", "requests.memory": "1Gi" }, "compute"), quota(NS, { "limits.cpu": "2", "limits.memory": "2Gi", pods: "5" }, "limits")],
        }));
    });

    it("counts a quota placed in the namespace by its provider", async () => {
        const provider = kubernetesProvider(NS);
        const { metadata, ...rest } = budgetQuota("dev", NS).inputs;
        const inherited = resource("kubernetes:core/v1:ResourceQuota", "quota", { ...rest, metadata: { name: metadata.name } }, { provider });
        await expectQuiet("k8s-namespace-quota", [provider, ...guarded({ quota: [inherited] })]);
    });

    it("asks an environment namespace (by its tier label) to admit no LoadBalancer or NodePort Service and to cap storage", async () => {
        const environment = namespace(NS);
        environment.inputs.metadata.labels["fintrax.io/tier"] = "production";
        const compute = budgetQuota("prod", NS);
        const closed = { "services.loadbalancers": "0", "services.nodeports": "0", "requests.storage": "20Gi", persistentvolumeclaims: "5" };
        const withHard = (extra: Record<string, string>) => [environment, quota(NS, { ...compute.inputs.spec.hard, ...extra }), limitRange(NS), defaultDeny(NS)];
        await expectFires("k8s-namespace-quota", withHard({}), STACKS,
            /has no ResourceQuota limit for "services.loadbalancers", "services.nodeports", "requests.storage" and "persistentvolumeclaims"/);
        await expectFires("k8s-namespace-quota", withHard({ ...closed, "services.loadbalancers": "1" }), STACKS, /admitting "services.loadbalancers" above 0/);
        await expectQuiet("k8s-namespace-quota", withHard(closed));
        // The cluster's own namespaces (tier `platform`) may run a load balancer: ingress needs one.
        environment.inputs.metadata.labels["fintrax.io/tier"] = "platform";
        await expectQuiet("k8s-namespace-quota", withHard({}));
    });

    it("does not apply to a stack without namespaces", async () => {
        await expectQuiet("k8s-namespace-quota", [workload("Deployment")]);
    });
});

describe("policy k8s-namespace-limit-range (stack)", () => {
    it("fires on a namespace without a LimitRange", async () => {
        await expectFires("k8s-namespace-limit-range", guarded({ limits: [] }), STACKS, /has no LimitRange/);
    });

    it("fires on a LimitRange that gives containers no default requests", async () => {
        const limits = limitRange(NS);
        delete limits.inputs.spec.limits[0].defaultRequest;
        await expectFires("k8s-namespace-limit-range", guarded({ limits: [limits] }), STACKS, /defaultRequest.cpu, defaultRequest.memory/);
    });

    it("fires on a LimitRange that only caps pods", async () => {
        const limits = limitRange(NS);
        limits.inputs.spec.limits[0].type = "Pod";
        await expectFires("k8s-namespace-limit-range", guarded({ limits: [limits] }));
    });

    it("stays quiet for container defaults", async () => {
        await expectQuiet("k8s-namespace-limit-range", guarded());
    });
});

describe("policy k8s-namespace-default-deny (stack)", () => {
    it("fires on a namespace without any NetworkPolicy", async () => {
        await expectFires("k8s-namespace-default-deny", guarded({ deny: [] }), STACKS, /denying all ingress and egress by default/);
    });

    it("fires on a deny of ingress only (policyTypes defaults to Ingress)", async () => {
        await expectFires("k8s-namespace-default-deny", guarded({ deny: [networkPolicy(NS, "deny", { podSelector: {} })] }), STACKS, /all egress/);
    });

    it("fires when the 'deny' has a rule (an empty rule allows everything) or selects only some pods", async () => {
        await expectFires("k8s-namespace-default-deny", guarded({ deny: [networkPolicy(NS, "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}] })] }));
        await expectFires("k8s-namespace-default-deny", guarded({ deny: [networkPolicy(NS, "deny", { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] })] }));
    });

    it("stays quiet for one deny-all policy, or a deny of each direction", async () => {
        await expectQuiet("k8s-namespace-default-deny", guarded());
        await expectQuiet("k8s-namespace-default-deny", guarded({
            deny: [networkPolicy(NS, "deny-in", { podSelector: {}, policyTypes: ["Ingress"] }), networkPolicy(NS, "deny-out", { podSelector: { matchLabels: {} }, policyTypes: ["Egress"] })],
        }));
    });
});

describe("policy k8s-quota-budget", () => {
    it("holds each environment to its own budget", async () => {
        const prodQuota = budgetQuota("prod", NS);
        await expectFires("k8s-quota-budget", [prodQuota], ["dev", "staging", "shared"], /requests.cpu is 4, above the budget of (2|3)/);
        await expectQuiet("k8s-quota-budget", [prodQuota], ["prod"]);
        await expectFires("k8s-quota-budget", [budgetQuota("staging", NS)], ["dev"]);
        await expectQuiet("k8s-quota-budget", [budgetQuota("staging", NS)], ["staging", "prod"]);
    });

    it("compares quantities, not strings: 4096Mi is 4Gi, 4097Mi is more, 2001m is more than 2", async () => {
        await expectQuiet("k8s-quota-budget", [quota(NS, { "requests.memory": "4096Mi", "requests.cpu": "1500m", pods: 10 })], ["dev"]);
        await expectFires("k8s-quota-budget", [quota(NS, { "requests.memory": "4097Mi" })], ["dev"], /requests.memory is 4097Mi, above the budget of 4Gi/);
        await expectFires("k8s-quota-budget", [quota(NS, { cpu: "2001m" })], ["dev"], /requests.cpu is 2001m/);
        await expectFires("k8s-quota-budget", [quota(NS, { pods: "11" })], ["dev"], /pods is 11, above the budget of 10/);
    });

    it("fires on a value that is not a quantity", async () => {
        await expectFires("k8s-quota-budget", [quota(NS, { "limits.memory": "lots" })], ["dev"], /not a Kubernetes quantity/);
    });
});

describe("policy k8s-namespace-pss-label", () => {
    const labelled = (level: string | undefined) => {
        const ns = namespace(NS);
        if (level === undefined) delete ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"];
        else ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"] = level;
        return [ns];
    };

    it("fires on a namespace without the enforce label, in every stack", async () => {
        await expectFires("k8s-namespace-pss-label", labelled(undefined), STACKS, /has no pod-security.kubernetes.io\/enforce label/);
    });

    it("fires on baseline where restricted is asked (staging, prod, shared) but not in dev", async () => {
        await expectFires("k8s-namespace-pss-label", labelled("baseline"), ["staging", "prod", "shared"], /enforces baseline, less strict than the required restricted/);
        await expectQuiet("k8s-namespace-pss-label", labelled("baseline"), ["dev"]);
    });

    it("fires on privileged or a misspelt level everywhere", async () => {
        await expectFires("k8s-namespace-pss-label", labelled("privileged"));
        await expectFires("k8s-namespace-pss-label", labelled("Restricted"), STACKS, /not one of privileged, baseline, restricted/);
    });

    it("stays quiet for restricted, which is at least as strict as any level", async () => {
        await expectQuiet("k8s-namespace-pss-label", labelled("restricted"));
    });
});

describe("policy k8s-no-default-namespace", () => {
    it("fires on metadata.namespace: default", async () => {
        await expectFires("k8s-no-default-namespace", [workload("Deployment", "default")], STACKS, /Deployment default\/auth: is placed in the default namespace/);
    });

    it("fires on a namespaced object without a namespace whose provider sets none", async () => {
        const configMap = k8s("v1", "ConfigMap", { metadata: { name: "settings" }, data: {} });
        await expectFires("k8s-no-default-namespace", [configMap], STACKS, /names no namespace/);
        const provider = kubernetesProvider();
        await expectFires("k8s-no-default-namespace", [provider, { ...configMap, provider: provider.urn }]);
    });

    it("fires on a Helm release without a namespace", async () => {
        await expectFires("k8s-no-default-namespace", [resource("kubernetes:helm.sh/v3:Release", "metrics", { chart: "metrics-server" })]);
    });

    it("stays quiet when the object or its provider names a namespace", async () => {
        const provider = kubernetesProvider(NS);
        const configMap = k8s("v1", "ConfigMap", { metadata: { name: "settings" } }, { provider });
        await expectQuiet("k8s-no-default-namespace", [provider, configMap, workload("Deployment"), resource("kubernetes:helm.sh/v3:Release", "metrics", { namespace: "kube-system" })]);
    });

    it("does not apply to cluster-scoped kinds", async () => {
        await expectQuiet("k8s-no-default-namespace", [
            namespace("default"),
            k8s("rbac.authorization.k8s.io/v1", "ClusterRole", { metadata: { name: "reader" }, rules: [] }),
            k8s("storage.k8s.io/v1", "StorageClass", { metadata: { name: "gp3" }, provisioner: "ebs.csi.aws.com", parameters: { encrypted: "true" } }),
            k8s("cert-manager.io/v1", "ClusterIssuer", { metadata: { name: "letsencrypt" }, spec: {} }),
        ]);
    });
});

describe("policy k8s-service-exposure", () => {
    const service = (spec: Record<string, unknown>) => [k8s("v1", "Service", { metadata: { name: "auth", namespace: NS }, spec: { selector: { app: "auth" }, ports: [{ port: 80 }], ...spec } })];

    it("fires on LoadBalancer and NodePort Services", async () => {
        await expectFires("k8s-service-exposure", service({ type: "LoadBalancer" }), STACKS, /is of type LoadBalancer/);
        await expectFires("k8s-service-exposure", service({ type: "NodePort" }), STACKS, /is of type NodePort/);
    });

    it("fires on externalIPs", async () => {
        await expectFires("k8s-service-exposure", service({ externalIPs: ["203.0.113.7"] }), STACKS, /externalIPs 203.0.113.7/);
    });

    it("stays quiet for ClusterIP Services (the default type)", async () => {
        await expectQuiet("k8s-service-exposure", [...service({ type: "ClusterIP" }), ...service({})]);
        expect(await violationsOf("k8s-service-exposure", "prod", service({ type: "ClusterIP" }))).to.deep.equal([]);
    });
});
