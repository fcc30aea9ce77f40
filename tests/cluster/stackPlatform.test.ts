import { expect } from "chai";
import type { StackRun } from "../../plan/runtime";
import { validateKubernetesObjects } from "../../plan/kubernetesSchema";
import { CHARTS } from "../../components/cluster/charts";
import { CLUSTER_FIXTURE } from "../support/clusterFixture";
import { CLUSTER, committedClusterPlan, MONITORING_SELECTOR, planCluster, TYPES } from "./support";
import { json, ofType, one, release } from "../support/resources";

const MONITORING_TOLERATION = { key: "workload-type", operator: "Equal", value: "monitoring", effect: "NoSchedule" };


describe("cluster stack (shared, committed config): add-ons, monitoring, namespaces, exports", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });


    describe("platform add-ons", () => {
        it("pin every chart to an exact version from its repository, in an explicit namespace", () => {
            const releases = ofType(run, "kubernetes:helm.sh/v3:Release");
            const charts = [...releases, ...ofType(run, "kubernetes:helm.sh/v4:Chart")];
            const source = (c: { chart: string; repo: string }) => c.repo.startsWith("oci://") ? [`${c.repo}/${c.chart}`, null] : [c.chart, c.repo];
            const pins = Object.values(CHARTS).map((c) => [...source(c), c.version]);
            expect(charts.map((r) => [r.inputs.chart, r.inputs.repositoryOpts?.repo ?? null, r.inputs.version])).to.have.deep.members(pins);
            for (const r of charts) {
                expect(r.inputs.version, r.name).to.match(/^v?\d+\.\d+\.\d+$/);
                expect(r.inputs.namespace, r.name).to.be.a("string").and.not.equal("default");
            }
            const where = Object.fromEntries(releases.map((r) => [r.inputs.name, r.inputs.namespace]));
            expect(where).to.deep.equal({
                "metrics-server": "kube-system", "cluster-autoscaler": "kube-system", alloy: "kube-system",
                "envoy-gateway": "envoy-gateway-system", "external-dns": "external-dns",
                "cert-manager": "cert-manager", "kube-prometheus-stack": "monitoring", loki: "monitoring",
                yace: "monitoring",
            });
        });

        it("make an encrypted gp3 StorageClass the default", () => {
            const [storageClass] = ofType(run, "kubernetes:storage.k8s.io/v1:StorageClass");
            expect(storageClass.inputs).to.deep.include({ provisioner: "ebs.csi.aws.com", volumeBindingMode: "WaitForFirstConsumer", allowVolumeExpansion: true });
            expect(storageClass.inputs.parameters).to.include({ type: "gp3", encrypted: "true" });
            expect(storageClass.inputs.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).to.equal("true");
        });

        it("point Cluster Autoscaler at this cluster's node groups", () => {
            expect(release(run, "cluster-autoscaler").inputs.values).to.deep.include({
                cloudProvider: "aws", awsRegion: "us-east-1", autoDiscovery: { clusterName: CLUSTER },
            });
        });

        it("keep the platform's own workloads off the monitoring nodes, and run the node agents on every node", () => {
            for (const name of ["metrics-server", "cluster-autoscaler", "envoy-gateway", "external-dns", "cert-manager"]) {
                expect(JSON.stringify(release(run, name).inputs.values), name).not.to.include("workload-type");
            }
            const exporter = release(run, "kube-prometheus-stack").inputs.values["prometheus-node-exporter"];
            expect(exporter).to.deep.include({ namespaceOverride: "kube-system", tolerations: [{ operator: "Exists" }] });
            expect(release(run, "alloy").inputs.values.controller).to.deep.include({ type: "daemonset", tolerations: [{ operator: "Exists" }] });
        });
    });

    describe("monitoring", () => {
        let stack: any;
        before(() => {
            stack = release(run, "kube-prometheus-stack").inputs.values;
        });

        it("schedules Prometheus, Alertmanager, Grafana, the operator, kube-state-metrics and Loki on the monitoring nodes", () => {
            const loki = release(run, "loki").inputs.values.singleBinary;
            const pods = {
                prometheus: stack.prometheus.prometheusSpec,
                alertmanager: stack.alertmanager.alertmanagerSpec,
                grafana: stack.grafana,
                operator: stack.prometheusOperator,
                webhookJob: stack.prometheusOperator.admissionWebhooks.patch,
                kubeStateMetrics: stack["kube-state-metrics"],
                loki,
            };
            for (const [name, spec] of Object.entries(pods)) {
                expect(spec.nodeSelector, name).to.deep.equal(MONITORING_SELECTOR);
                expect(spec.tolerations, name).to.deep.equal([MONITORING_TOLERATION]);
                expect(spec.resources.requests, name).to.have.keys("cpu", "memory");
            }
        });

        it("gives Grafana a generated admin password through a Secret, never admin/admin and never in the outputs", () => {
            const [password] = ofType(run, "random:index/randomPassword:RandomPassword");
            expect(password.inputs.length).to.be.at.least(24);
            const secret = one(run, "kubernetes:core/v1:Secret", "monitoring-grafana-admin");
            expect(secret.inputs.metadata).to.deep.include({ name: "grafana-admin", namespace: "monitoring" });
            expect(secret.maskedInputs.stringData).to.equal("[secret]");
            const generated = secret.inputs.stringData["admin-password"];
            expect(generated).to.be.a("string").with.length.at.least(20).and.not.equal("admin");
            expect(stack.grafana.admin).to.deep.equal({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
            expect(stack.grafana).not.to.have.property("adminPassword");
            expect(JSON.stringify(run.outputs)).not.to.include(generated);
        });

        it("selects ServiceMonitors and rules by the exported label, and loads dashboards by the exported label", () => {
            const spec = stack.prometheus.prometheusSpec;
            const { key, value } = run.outputs.prometheusSelectorLabel as { key: string; value: string };
            for (const selector of ["serviceMonitorSelector", "podMonitorSelector", "ruleSelector", "probeSelector"]) {
                expect(spec[selector], selector).to.deep.equal({ matchLabels: { [key]: value } });
                expect(spec[selector.replace("Selector", "NamespaceSelector")], selector).to.deep.equal({});
            }
            const dashboards = stack.grafana.sidecar.dashboards;
            expect({ key: dashboards.label, value: dashboards.labelValue }).to.deep.equal(run.outputs.grafanaDashboardLabel);
            expect(dashboards.searchNamespace).to.equal("ALL");
        });

        it("stores Prometheus and Loki data on the encrypted gp3 class, and ships logs to Loki", () => {
            expect(stack.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).to.equal("gp3");
            const loki = release(run, "loki").inputs.values;
            expect(loki.deploymentMode).to.equal("SingleBinary");
            expect(loki.singleBinary.persistence.storageClass).to.equal("gp3");
            expect(release(run, "alloy").inputs.values.alloy.configMap.content).to.include("http://loki.monitoring.svc.cluster.local:3100/loki/api/v1/push");
            expect(stack.grafana.additionalDataSources[0]).to.deep.include({ type: "loki", url: "http://loki.monitoring.svc.cluster.local:3100" });
        });
    });

    describe("platform namespaces", () => {
        const NAMESPACES = ["monitoring", "envoy-gateway-system", "external-dns", "cert-manager"];

        it("are guarded: quota, container defaults, default deny and the restricted Pod Security level", () => {
            const namespaces = ofType(run, TYPES.namespace).map((n) => n.inputs.metadata);
            expect(namespaces.map((n) => n.name)).to.have.members(NAMESPACES);
            for (const ns of namespaces) expect(ns.labels["pod-security.kubernetes.io/enforce"], ns.name).to.equal("restricted");
            const inNamespace = (type: string, ns: string) => ofType(run, type).filter((r) => r.inputs.metadata.namespace === ns);
            for (const ns of NAMESPACES) {
                const [quota] = inNamespace("kubernetes:core/v1:ResourceQuota", ns);
                expect(Object.keys(quota.inputs.spec.hard), ns).to.have.members(["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods"]);
                expect(inNamespace("kubernetes:core/v1:LimitRange", ns), ns).to.have.length(1);
                const denyAll = inNamespace(TYPES.networkPolicy, ns).filter((p) => p.inputs.metadata.name === "default-deny");
                expect(denyAll.map((p) => p.inputs.spec), ns).to.deep.equal([{ podSelector: {}, policyTypes: ["Ingress", "Egress"] }]);
            }
            const monitoringQuota = inNamespace("kubernetes:core/v1:ResourceQuota", "monitoring")[0].inputs.spec.hard;
            expect(monitoringQuota).to.deep.equal({ "requests.cpu": "2", "requests.memory": "4Gi", "limits.cpu": "4", "limits.memory": "8Gi", pods: "15" });
        });

        it("open only the paths their workloads need", () => {
            const names = (ns: string) => ofType(run, TYPES.networkPolicy).filter((p) => p.inputs.metadata.namespace === ns).map((p) => p.inputs.metadata.name);
            expect(names("monitoring")).to.include.members(["allow-dns", "allow-same-namespace", "allow-prometheus-scrape", "allow-log-shipping", "allow-operator-webhook"]);
            expect(names("envoy-gateway-system")).to.include.members(["allow-http-from-anywhere", "allow-admission-webhook", "allow-egress-backends", "allow-monitoring-scrape"]);
            expect(names("cert-manager")).to.include.members(["allow-egress-acme", "allow-webhook", "allow-monitoring-scrape"]);
            expect(names("external-dns")).to.include.members(["allow-egress-aws-apis", "allow-egress-kube-api", "allow-monitoring-scrape"]);
            const http = ofType(run, TYPES.networkPolicy).find((p) => p.inputs.metadata.name === "allow-http-from-anywhere")!;
            // Envoy listens 10000 above the listeners' privileged ports 80 and 443.
            expect(http.inputs.spec.ingress[0].ports.map((p: any) => p.port)).to.deep.equal([10080, 10443]);
        });

        it("validate against the Kubernetes and cert-manager schemas", async () => {
            expect(await validateKubernetesObjects(run.resources)).to.deep.equal([]);
        });
    });

    describe("exports", () => {
        it("have exactly the keys of ClusterExports, the kubeconfig secret and nothing else", () => {
            expect(Object.keys(run.outputs)).to.have.members(Object.keys(CLUSTER_FIXTURE));
            // What the runtime saw marked secret (EksCluster wraps the kubeconfig in pulumi.secret), not a list of our own.
            expect(run.secretOutputNames).to.deep.equal(["kubeconfig"]);
            expect(run.maskedOutputs.kubeconfig).to.equal("[secret]");
            const kubeconfig = json(String(run.outputs.kubeconfig));
            expect(kubeconfig.kind).to.equal("Config");
            expect(kubeconfig.users[0].user.exec.command).to.equal("aws");
        });

        it("have the types the environment stacks read", () => {
            const o = run.outputs as Record<string, any>;
            for (const key of ["clusterName", "oidcProviderArn", "oidcProviderUrl", "vpcId", "vpcCidr", "nodeSecurityGroupId", "clusterSecurityGroupId",
                "ingressNamespace", "clusterIssuerName", "monitoringNamespace", "region"]) {
                expect(o[key], key).to.be.a("string").and.not.equal("");
            }
            expect(o.oidcProviderUrl).not.to.match(/^https:/);
            expect(o.privateSubnetIds).to.be.an("array").with.length(2);
            expect(o).to.deep.include({
                clusterName: CLUSTER, vpcCidr: "10.0.0.0/16", ingressNamespace: "envoy-gateway-system", monitoringNamespace: "monitoring", region: "us-east-1",
                gateway: { name: "fintrax", namespace: "envoy-gateway-system", domain: "fintrax.example.com", apexListener: "https-apex", wildcardListener: "https-wildcard" },
                monitoringQuota: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" }, pods: 15 },
                daemonSetRequests: { cpu: "235m", memory: "330Mi", pods: 6 },
            });
            expect(ofType(run, "aws:ec2/securityGroup:SecurityGroup")[0].id).to.equal(o.nodeSecurityGroupId);
        });

        it("describe each node group's per-node capacity for the offline plan", () => {
            expect(run.outputs.nodeGroups).to.deep.equal([
                {
                    name: "general", instanceType: "t3.medium", minSize: 2, desiredSize: 3, maxSize: 10, capacityType: "ON_DEMAND",
                    allocatableCpu: "1930m", allocatableMemory: "2531Mi", maxPods: 110, taints: [],
                },
                {
                    name: "monitoring", instanceType: "t3.medium", minSize: 1, desiredSize: 1, maxSize: 2, capacityType: "SPOT",
                    allocatableCpu: "1930m", allocatableMemory: "2531Mi", maxPods: 110,
                    taints: [{ key: "workload-type", value: "monitoring", effect: "NoSchedule" }],
                },
            ]);
        });

        it("warn about nothing on the committed config", () => {
            expect(run.warnings).to.deep.equal([]);
        });
    });
});

describe("cluster stack (three zones, NAT per zone, private API, unprotected)", () => {
    let run: StackRun;
    before(async () => {
        run = await planCluster({
            "fintrax-cluster:availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
            "fintrax-cluster:publicSubnetCidrs": ["10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"],
            "fintrax-cluster:privateSubnetCidrs": ["10.0.16.0/20", "10.0.32.0/20", "10.0.48.0/20"],
            "fintrax-cluster:databaseSubnetCidrs": {
                development: ["10.0.10.0/26", "10.0.10.64/26", "10.0.10.128/26"],
                staging: ["10.0.11.0/26", "10.0.11.64/26", "10.0.11.128/26"],
                production: ["10.0.12.0/26", "10.0.12.64/26", "10.0.12.128/26"],
            },
            "fintrax-cluster:natGateways": "perZone",
            "fintrax-cluster:endpointPublicAccessCidrs": [],
            "fintrax-cluster:protect": "false",
            "fintrax-cluster:admins": ["arn:aws:iam::123456789012:role/platform-admin", "arn:aws:iam::123456789012:user/ops"],
            "fintrax-cluster:kubernetesVersion": "1.34",
        });
    });

    it("gives each zone's private subnet its own NAT gateway", () => {
        const nats = ofType(run, TYPES.natGateway);
        expect(nats).to.have.length(3);
        const subnets = ofType(run, TYPES.subnet);
        const zoneOfSubnet = Object.fromEntries(subnets.map((s) => [s.id, s.inputs.availabilityZone]));
        expect(nats.map((n) => zoneOfSubnet[n.inputs.subnetId])).to.have.members(["us-east-1a", "us-east-1b", "us-east-1c"]);
        for (const zone of ["us-east-1a", "us-east-1b", "us-east-1c"]) {
            const table = one(run, TYPES.routeTable, `network-private-${zone}`);
            const nat = nats.find((n) => zoneOfSubnet[n.inputs.subnetId] === zone)!;
            expect(table.inputs.routes[0].natGatewayId, zone).to.equal(nat.id);
        }
        expect(run.outputs.privateSubnetIds).to.have.length(3);
    });

    it("turns the public API endpoint off when no CIDR may reach it", () => {
        const [cluster] = ofType(run, TYPES.cluster);
        expect(cluster.inputs).to.deep.include({ endpointPrivateAccess: true, endpointPublicAccess: false });
        expect(cluster.inputs).not.to.have.property("publicAccessCidrs");
    });

    it("opens the public API endpoint to exactly the CIDRs listed, the private one staying on", async () => {
        const open = await planCluster({ "fintrax-cluster:endpointPublicAccessCidrs": ["203.0.113.0/24"] });
        const [cluster] = ofType(open, TYPES.cluster);
        expect(cluster.inputs).to.deep.include({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
    });

    it("protects nothing when protect is false", () => {
        for (const type of [TYPES.vpc, TYPES.cluster, TYPES.kmsKey]) expect(ofType(run, type)[0].protect, type).to.equal(false);
        expect(ofType(run, TYPES.cluster)[0].inputs.deletionProtection).to.equal(false);
    });

    it("gives every admin an access entry", () => {
        expect(ofType(run, "aws:eks/accessEntry:AccessEntry").map((e) => e.name).filter((n) => n.startsWith("cluster-admin"))).to.have.members([
            "cluster-admin-role-platform-admin", "cluster-admin-user-ops",
        ]);
    });

    it("warns when the Kubernetes minor differs from the pinned Cluster Autoscaler's", () => {
        expect(run.warnings).to.have.length(1);
        expect(run.warnings[0]).to.include("Kubernetes 1.34 runs with Cluster Autoscaler 1.35");
    });
});
