import { expect } from "chai";
import {
    allowlistedEgress, autoscaler, container, database, disruptionBudget, expectFires, expectQuiet, k8s, namespace, networkPolicy,
    violationsOf, workload,
} from "./fixtures";

const NS = "fintrax-prod";
const deployment = (replicas?: number) => {
    const object = workload("Deployment", NS);
    if (replicas === undefined) delete object.inputs.spec.replicas;
    else object.inputs.spec.replicas = replicas;
    return object;
};

describe("policy prod-min-replicas", () => {
    it("fires in prod (mandatory) on a Deployment below the floor, and nowhere else", async () => {
        const [violation] = await expectFires("prod-min-replicas", [deployment(2)], undefined, /Deployment fintrax-prod\/auth: runs 2 replicas/);
        expect(violation.enforcementLevel).to.equal("mandatory");
        expect(await violationsOf("prod-min-replicas", "dev", [deployment(1)])).to.deep.equal([]);
    });

    it("fires on a Deployment without spec.replicas (Kubernetes starts it with 1)", async () => {
        await expectFires("prod-min-replicas", [deployment()], undefined, /sets no spec.replicas/);
    });

    it("fires on an HPA whose minimum is below the floor, or unset (1)", async () => {
        await expectFires("prod-min-replicas", [autoscaler(NS, 2)], undefined, /HorizontalPodAutoscaler fintrax-prod\/auth: may scale down to 2 replicas/);
        const unset = autoscaler(NS);
        delete unset.inputs.spec.minReplicas;
        await expectFires("prod-min-replicas", [unset], undefined, /may scale down to 1 replicas/);
    });

    it("stays quiet at the floor and for other kinds", async () => {
        await expectQuiet("prod-min-replicas", [deployment(3), autoscaler(NS, 3), workload("StatefulSet", NS)]);
    });
});

describe("policy prod-pdb (stack)", () => {
    const withBudget = (...budgets: ReturnType<typeof disruptionBudget>[]) => [namespace(NS), deployment(3), ...budgets];

    it("fires on a Deployment no PDB covers, on the Deployment", async () => {
        const [violation] = await expectFires("prod-pdb", withBudget(), undefined, /Deployment fintrax-prod\/auth: no PodDisruptionBudget selects its pods/);
        expect(violation.urn).to.equal(deployment(3).urn);
    });

    it("fires on a PDB that allows no disruption: minAvailable 100%, maxUnavailable 0, minAvailable = replicas", async () => {
        for (const budget of [{ minAvailable: "100%" }, { maxUnavailable: 0 }, { minAvailable: 3 }, { maxUnavailable: "0%" }]) {
            await expectFires("prod-pdb", withBudget(disruptionBudget(NS, budget)), undefined, /allows no voluntary disruption at 3 replicas/);
        }
    });

    it("counts the HPA's minimum as the replicas: minAvailable 3 blocks at an HPA minimum of 3", async () => {
        const resources = [namespace(NS), deployment(5), autoscaler(NS, 3), disruptionBudget(NS, { minAvailable: 3 })];
        await expectFires("prod-pdb", resources, undefined, /at 3 replicas/);
    });

    it("fires on a PDB in another namespace or selecting other pods", async () => {
        await expectFires("prod-pdb", withBudget(disruptionBudget("fintrax-staging")));
        const other = disruptionBudget(NS);
        other.inputs.spec.selector = { matchLabels: { "app.kubernetes.io/name": "frontend" } };
        await expectFires("prod-pdb", withBudget(other));
    });

    it("fires when two PDBs select the same pods (the eviction API then refuses)", async () => {
        await expectFires("prod-pdb", withBudget(disruptionBudget(NS), disruptionBudget(NS, { minAvailable: 1 }, "auth-2")), undefined, /2 PodDisruptionBudgets select its pods/);
    });

    it("stays quiet for maxUnavailable 1, a percentage, minAvailable below replicas and matchExpressions", async () => {
        for (const budget of [{ maxUnavailable: 1 }, { maxUnavailable: "25%" }, { minAvailable: 2 }, { minAvailable: "50%" }]) {
            await expectQuiet("prod-pdb", withBudget(disruptionBudget(NS, budget)));
        }
        const byExpression = disruptionBudget(NS);
        byExpression.inputs.spec.selector = { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["auth", "frontend"] }] };
        await expectQuiet("prod-pdb", withBudget(byExpression));
        await expectQuiet("prod-pdb", [namespace(NS), deployment(5), autoscaler(NS, 3), disruptionBudget(NS, { minAvailable: 2 })]);
    });
});

describe("policy prod-egress-allowlist", () => {
    const egress = (...rules: unknown[]) => [networkPolicy(NS, "egress", { podSelector: {}, policyTypes: ["Egress"], egress: rules })];

    it("fires on a rule with no ports to 0.0.0.0/0", async () => {
        await expectFires("prod-egress-allowlist", egress({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }), undefined,
            /NetworkPolicy fintrax-prod\/egress: egress rule 1 allows every port to IP blocks 0.0.0.0\/0/);
    });

    it("fires on a rule with neither to nor ports (it allows everything)", async () => {
        await expectFires("prod-egress-allowlist", egress({}), undefined, /allows every port to any destination/);
    });

    it("fires on ports outside the allowlist, port ranges and named ports beyond the cluster", async () => {
        await expectFires("prod-egress-allowlist", egress({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443 }, { port: 22 }] }), undefined, /allows port 22 to/);
        await expectFires("prod-egress-allowlist", egress({ to: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ port: 443, endPort: 8443 }] }), undefined, /443-8443/);
        await expectFires("prod-egress-allowlist", egress({ ports: [{ port: "https" }] }));
    });

    it("stays quiet for DNS, 443 and 5432, and any port to in-cluster peers", async () => {
        await expectQuiet("prod-egress-allowlist", [allowlistedEgress(NS)]);
        await expectQuiet("prod-egress-allowlist", egress({ ports: [{ port: 53, protocol: "UDP" }] }, { to: [{ namespaceSelector: {} }] }));
    });

    it("takes the allowed ports from the config", async () => {
        await expectFires("prod-egress-allowlist", egress({ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 8443 }] }), undefined, /ports 443, 5432/);
    });
});

describe("policy prod-image-registry", () => {
    const image = (value: string, section = "containers") => [workload("Deployment", NS, (spec) => {
        if (section === "containers") spec.containers[0].image = value;
        else spec.initContainers = [container("init", { image: value })];
    })];

    it("fires on images outside ghcr.io/fintrax/, init containers included", async () => {
        await expectFires("prod-image-registry", image("nginx:1.27"), undefined, /image "nginx:1.27" is not from an approved registry/);
        await expectFires("prod-image-registry", image("ghcr.io/fintraxevil/auth:1.0"));
        await expectFires("prod-image-registry", image("quay.io/fintrax/migrate:2", "initContainers"), undefined, /init container "init"/);
    });

    it("stays quiet for ghcr.io/fintrax images", async () => {
        await expectQuiet("prod-image-registry", image("ghcr.io/fintrax/auth:1.4.2"));
    });
});

describe("policy prod-database-protection", () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ deletionProtection: false }, /has no deletion protection/],
        [{ multiAz: false }, /is not Multi-AZ/],
        [{ backupRetentionPeriod: 3 }, /keeps automated backups 3 day\(s\), fewer than 7/],
        [{ backupRetentionPeriod: undefined }, /keeps automated backups 1 day/],
        [{ skipFinalSnapshot: true }, /skips the final snapshot/],
        [{ finalSnapshotIdentifier: undefined }, /names no finalSnapshotIdentifier/],
    ];
    for (const [change, pattern] of cases) {
        it(`fires on ${JSON.stringify(change)}`, async () => {
            await expectFires("prod-database-protection", [database(change)], undefined, pattern);
        });
    }

    it("stays quiet for a protected production database", async () => {
        await expectQuiet("prod-database-protection", [database()]);
    });
});

describe("policy prod-resource-protect", () => {
    it("fires on a database or a namespace created without protect", async () => {
        await expectFires("prod-resource-protect", [database({}, { protect: false })], undefined, /orders-db": is not protected/);
        await expectFires("prod-resource-protect", [namespace(NS, "restricted", { protect: false })], undefined, /Namespace fintrax-prod: is not protected/);
    });

    it("stays quiet for protected stateful resources and for stateless ones", async () => {
        await expectQuiet("prod-resource-protect", [database(), namespace(NS), k8s("v1", "ConfigMap", { metadata: { name: "settings", namespace: NS } })]);
    });
});
