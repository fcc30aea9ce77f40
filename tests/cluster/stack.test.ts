import { expect } from "chai";
import type { StackRun, PlannedResource } from "../../plan/runtime";
import { validateKubernetesObjects } from "../../plan/kubernetesSchema";
import { SECRET_CLUSTER_EXPORTS } from "../../model/clusterExports";
import { CHARTS } from "../../components/cluster/versions";
import { CLUSTER_FIXTURE } from "../support/clusterFixture";
import { one, ofType, planCluster, release, TYPES } from "./support";

const CLUSTER = "fintrax-eks-shared";
const MONITORING_TOLERATION = { key: "workload-type", operator: "Equal", value: "monitoring", effect: "NoSchedule" };
const MONITORING_SELECTOR = { "workload-type": "monitoring" };

const json = (text: string) => JSON.parse(text);
const tagsOf = (r: PlannedResource) => r.inputs.tags ?? {};

describe("cluster stack (shared, committed config)", () => {
    let run: StackRun;
    before(async () => {
        run = await planCluster();
    });

    describe("network", () => {
        it("is a 10.0.0.0/16 VPC with DNS, protected", () => {
            const [vpc] = ofType(run, TYPES.vpc);
            expect(vpc.inputs).to.deep.include({ cidrBlock: "10.0.0.0/16", enableDnsSupport: true, enableDnsHostnames: true });
            expect(vpc.protect).to.equal(true);
        });

        it("has a public and a private subnet per zone, tagged for the load balancers, with no public addresses", () => {
            const subnets = ofType(run, TYPES.subnet).filter((s) => !s.name.startsWith("network-database-")).map((s) => s.inputs);
            const layout = subnets.map((s) => [s.availabilityZone, s.cidrBlock, s.tags["kubernetes.io/role/elb"] ?? null, s.tags["kubernetes.io/role/internal-elb"] ?? null]);
            expect(layout).to.have.deep.members([
                ["us-east-1a", "10.0.101.0/24", "1", null],
                ["us-east-1b", "10.0.102.0/24", "1", null],
                ["us-east-1a", "10.0.16.0/20", null, "1"],
                ["us-east-1b", "10.0.32.0/20", null, "1"],
            ]);
            for (const subnet of subnets) {
                expect(subnet.mapPublicIpOnLaunch).to.equal(false);
                expect(subnet.tags[`kubernetes.io/cluster/${CLUSTER}`]).to.equal("shared");
            }
        });

        it("routes the public subnets to the internet gateway and the private ones through one NAT gateway", () => {
            const [gateway] = ofType(run, "aws:ec2/internetGateway:InternetGateway");
            const nats = ofType(run, TYPES.natGateway);
            expect(nats).to.have.length(1);
            const publicA = ofType(run, TYPES.subnet).find((s) => s.inputs.cidrBlock === "10.0.101.0/24")!;
            expect(nats[0].inputs.subnetId).to.equal(publicA.id);
            const tables = ofType(run, TYPES.routeTable);
            const publicTable = tables.filter((t) => t.inputs.routes?.[0].gatewayId);
            const privateTables = tables.filter((t) => t.inputs.routes?.[0].natGatewayId);
            expect(publicTable.map((t) => t.inputs.routes)).to.deep.equal([[{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }]]);
            expect(privateTables.map((t) => t.inputs.routes[0].natGatewayId)).to.deep.equal([nats[0].id, nats[0].id]);
            expect(ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => !a.name.startsWith("network-database-"))).to.have.length(4);
        });

        it("logs every flow of the VPC to CloudWatch", () => {
            const [flowLog] = ofType(run, "aws:ec2/flowLog:FlowLog");
            const [vpc] = ofType(run, TYPES.vpc);
            const group = one(run, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
            expect(flowLog.inputs).to.deep.include({ vpcId: vpc.id, trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
            expect(flowLog.inputs.logDestination).to.match(new RegExp(`log-group:${group.inputs.name}$`));
            expect(json(one(run, TYPES.role, "network-flow-logs").inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "vpc-flow-logs.amazonaws.com" });
        });

    });

    describe("tags and providers", () => {
        it("tags every AWS resource with environment, team and cost-center through one explicit AWS provider", () => {
            const providers = ofType(run, "pulumi:providers:aws");
            expect(providers).to.have.length(1);
            expect(json(providers[0].inputs.defaultTags).tags).to.deep.equal({ environment: "shared", team: "platform", "cost-center": "fintrax-shared" });
            expect(providers[0].inputs.region).to.equal("us-east-1");
            for (const resource of run.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
                expect(resource.provider, resource.urn).to.equal(providers[0].urn);
            }
        });

        it("creates every Kubernetes object and Helm release with the cluster's own provider", () => {
            const [provider] = ofType(run, "pulumi:providers:kubernetes");
            expect(provider.maskedInputs.kubeconfig).to.equal("[secret]");
            const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
            expect(objects.length).to.be.greaterThan(40);
            for (const object of objects) expect(object.provider, object.urn).to.equal(provider.urn);
        });

        it("tags what the launch templates start, which provider default tags do not reach", () => {
            for (const template of ofType(run, TYPES.launchTemplate)) {
                const kinds = template.inputs.tagSpecifications.map((s: any) => s.resourceType);
                expect(kinds).to.have.members(["instance", "volume", "network-interface"]);
                for (const spec of template.inputs.tagSpecifications) {
                    expect(spec.tags).to.include({ environment: "shared", team: "platform", "cost-center": "fintrax-shared" });
                }
            }
        });
    });

    describe("EKS cluster", () => {
        let cluster: PlannedResource;
        before(() => {
            [cluster] = ofType(run, TYPES.cluster);
        });

        it("encrypts Secrets with a rotating KMS key of our own, both protected", () => {
            const [key] = ofType(run, TYPES.kmsKey);
            expect(key.inputs.enableKeyRotation).to.equal(true);
            expect(key.protect).to.equal(true);
            expect(cluster.inputs.encryptionConfigKeyArn).to.match(new RegExp(`:key/${key.id}$`));
            expect(cluster.protect).to.equal(true);
            expect(cluster.inputs.deletionProtection).to.equal(true);
        });

        it("keeps the private endpoint on and the public one off (CI runs in the VPC)", () => {
            expect(cluster.inputs).to.deep.include({ endpointPrivateAccess: true, endpointPublicAccess: false });
            expect(cluster.inputs).not.to.have.property("publicAccessCidrs");
        });

        it("logs every control-plane log type", () => {
            expect(cluster.inputs.enabledClusterLogTypes).to.have.members(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            expect(one(run, "aws:cloudwatch/logGroup:LogGroup", "cluster-control-plane-logs").inputs.name).to.equal(`/aws/eks/${CLUSTER}/cluster`);
        });

        it("authenticates through the API with access entries, and has no default node group", () => {
            expect(cluster.inputs).to.deep.include({
                name: CLUSTER, version: "1.35", authenticationMode: "API", skipDefaultNodeGroup: true, skipDefaultSecurityGroups: true,
            });
            const [entry] = ofType(run, "aws:eks/accessEntry:AccessEntry");
            expect(entry.inputs).to.deep.include({ clusterName: CLUSTER, principalArn: "arn:aws:iam::123456789012:role/platform-admin", type: "STANDARD" });
            const [association] = ofType(run, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
            expect(association.inputs).to.deep.include({
                principalArn: entry.inputs.principalArn,
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                accessScope: { type: "cluster" },
            });
        });

        it("runs on an IAM role of ours, in the VPC's subnets", () => {
            const role = one(run, TYPES.role, "cluster-cluster");
            expect(cluster.inputs.serviceRole).to.equal(role.urn);
            expect(json(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "eks.amazonaws.com" });
            expect(cluster.inputs.vpcId).to.equal(run.outputs.vpcId);
            expect(cluster.inputs.privateSubnetIds).to.deep.equal(run.outputs.privateSubnetIds);
        });

        it("leaves every add-on to us: VPC CNI with network policies and prefix delegation, kube-proxy, CoreDNS, Pod Identity agent, EBS CSI", () => {
            expect(cluster.inputs).to.deep.include({ useDefaultVpcCni: true, bootstrapSelfManagedAddons: false, createOidcProvider: false });
            expect(cluster.inputs.corednsAddonOptions.enabled).to.equal(false);
            expect(cluster.inputs.kubeProxyAddonOptions.enabled).to.equal(false);
            const addons = Object.fromEntries<any>(ofType(run, TYPES.addon).map((a) => [a.inputs.addonName, a.inputs]));
            expect(Object.keys(addons)).to.have.members(["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver"]);
            const cni = json(addons["vpc-cni"].configurationValues);
            expect(cni.enableNetworkPolicy).to.equal("true");
            expect(cni.env.ENABLE_PREFIX_DELEGATION).to.equal("true");
            expect(json(addons["aws-ebs-csi-driver"].configurationValues).node.tolerateAllTaints).to.equal(true);
            for (const addon of Object.values(addons)) expect(addon.clusterName).to.equal(CLUSTER);
        });

        it("has an IAM OIDC provider for the cluster's issuer", () => {
            const [oidc] = ofType(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
            expect(oidc.inputs.url).to.equal(`https://${run.outputs.oidcProviderUrl}`);
            expect(oidc.inputs.clientIdLists).to.deep.equal(["sts.amazonaws.com"]);
        });
    });

    describe("IRSA roles (the VPC CNI's; the other add-ons use Pod Identity, tests/cluster/podIdentity.test.ts)", () => {
        const expected: Record<string, [string, string]> = {
            "cluster-vpc-cni-role": ["kube-system:aws-node", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
        };

        it("trust exactly one service account each, with :sub and :aud conditions on the cluster's OIDC provider", () => {
            const issuer = String(run.outputs.oidcProviderUrl);
            for (const [name, [subject]] of Object.entries(expected)) {
                const statements = json(one(run, TYPES.role, name).inputs.assumeRolePolicy).Statement;
                expect(statements, name).to.have.length(1);
                expect(statements[0]).to.deep.equal({
                    Effect: "Allow",
                    Principal: { Federated: run.outputs.oidcProviderArn },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: { StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${subject}`, [`${issuer}:aud`]: "sts.amazonaws.com" } },
                });
            }
        });

        it("are the roles the add-ons' service accounts use, with their managed policies", () => {
            const arnOf = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
            const addons = Object.fromEntries<any>(ofType(run, TYPES.addon).map((a) => [a.inputs.addonName, a.inputs]));
            expect(addons["vpc-cni"].serviceAccountRoleArn).to.equal(arnOf("cluster-vpc-cni-role"));
            const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [a.inputs.role, a.inputs.policyArn]);
            for (const [name, [, policy]] of Object.entries(expected)) {
                if (policy) expect(attachments).to.deep.include([name, policy]);
            }
        });

        it("let Cluster Autoscaler resize only this cluster's node groups", () => {
            const policy = json(one(run, "aws:iam/rolePolicy:RolePolicy", "addons-cluster-autoscaler-policy").inputs.policy);
            const writes = policy.Statement.filter((s: any) => s.Action.some((a: string) => /SetDesiredCapacity|TerminateInstance/.test(a)));
            expect(writes).to.have.length(1);
            expect(writes[0].Condition).to.deep.equal({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${CLUSTER}`]: "owned" } });
            for (const statement of policy.Statement.filter((s: any) => s !== writes[0])) {
                expect(statement.Action.every((a: string) => /:(Describe|Get)/.test(a)), JSON.stringify(statement)).to.equal(true);
            }
        });
    });

    describe("node groups", () => {
        it("run on launch templates that require IMDSv2 (hop limit 1) and encrypted gp3 root volumes of the configured size", () => {
            const sizes = { general: 50, monitoring: 30 };
            for (const [group, size] of Object.entries(sizes)) {
                const template = one(run, TYPES.launchTemplate, `nodes-${group}`).inputs;
                expect(template.metadataOptions).to.deep.include({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
                expect(template.blockDeviceMappings).to.deep.equal([{
                    deviceName: "/dev/xvda",
                    ebs: { volumeSize: size, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
                }]);
                expect(template.networkInterfaces ?? []).to.deep.equal([]);
                expect(template.vpcSecurityGroupIds).to.deep.equal([run.outputs.clusterSecurityGroupId, run.outputs.nodeSecurityGroupId]);
            }
        });

        it("are the seed's groups, in the private subnets, on their own launch template", () => {
            const groups = Object.fromEntries(ofType(run, TYPES.nodeGroup).map((g) => [g.name, g.inputs]));
            expect(groups["nodes-general"]).to.deep.include({
                instanceTypes: ["t3.medium"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 2, desiredSize: 3, maxSize: 10 }, taints: [],
            });
            expect(groups["nodes-monitoring"]).to.deep.include({
                instanceTypes: ["t3.medium"], capacityType: "SPOT", scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 2 },
                labels: MONITORING_SELECTOR,
                taints: [{ key: "workload-type", value: "monitoring", effect: "NO_SCHEDULE" }],
            });
            const cluster = ofType(run, TYPES.cluster)[0];
            // Monitoring keeps zonal volumes: its group stays in the first zone (tests/cluster/nodeGroups.test.ts).
            expect(groups["nodes-general"].subnetIds).to.deep.equal(run.outputs.privateSubnetIds);
            expect(groups["nodes-monitoring"].subnetIds).to.deep.equal((run.outputs.privateSubnetIds as string[]).slice(0, 1));
            for (const [name, group] of Object.entries(groups)) {
                expect(group.cluster).to.equal(cluster.urn);
                expect(group.launchTemplate.id).to.equal(one(run, TYPES.launchTemplate, name).id);
                expect(group.amiType).to.equal("AL2023_x86_64_STANDARD");
            }
        });

        it("carry no Cluster Autoscaler tags: EKS copies none to the Auto Scaling group and tags the group itself", () => {
            for (const group of ofType(run, TYPES.nodeGroup)) {
                expect(Object.keys(tagsOf(group)).filter((key) => key.startsWith("k8s.io/cluster-autoscaler/")), group.name).to.deep.equal([]);
            }
        });

        it("share a node role with only the minimal managed policies", () => {
            const role = one(run, TYPES.role, "nodes-node");
            expect(json(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "ec2.amazonaws.com" });
            const policies = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.inputs.role === "nodes-node").map((a) => a.inputs.policyArn);
            expect(policies).to.have.members([
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            ]);
            for (const group of ofType(run, TYPES.nodeGroup)) expect(group.inputs.nodeRole).to.equal(role.urn);
        });
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
            expect(run.secretOutputNames).to.deep.equal([...SECRET_CLUSTER_EXPORTS]);
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
