import { expect } from "chai";
import type { StackRun } from "../../plan/runtime";
import { estimateCost } from "../../plan/cost";
import { committedClusterPlan, planCluster } from "./support";
import { json, ofType, one, release } from "../support/resources";

const ZONE = { domain: "fintrax.example.com", zoneId: "Z0000000000000EXAMPLE" };
const ZONE_ARN = `arn:aws:route53:::hostedzone/${ZONE.zoneId}`;
const CR = (kind: string, group = "gateway.networking.k8s.io/v1") => `kubernetes:${group}:${kind}`;

describe("cluster stack: the edge (Envoy Gateway, the shared Gateway, external-dns, DNS-01)", () => {
    let run: StackRun;
    before(async () => {
        run = await committedClusterPlan();
    });

    it("installs no ingress-nginx and no Ingress or IngressClass", () => {
        expect(run.resources.filter((r) => /ingress-nginx|:Ingress(Class)?$/.test(`${r.name} ${r.type}`)).map((r) => r.urn)).to.deep.equal([]);
        expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.to.include("ingress-nginx");
    });

    it("installs the Gateway API CRDs of the standard channel from Envoy Gateway's CRD chart, and the controller without them", () => {
        const [crds] = ofType(run, "kubernetes:helm.sh/v4:Chart");
        expect(crds.inputs).to.deep.include({ chart: "oci://docker.io/envoyproxy/gateway-crds-helm", version: "v1.9.0" });
        expect(crds.inputs.values).to.deep.equal({ crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } } });
        // Deleting a CRD deletes every object of its kind: every environment's routes.
        expect(crds.protect).to.equal(true);
        const controller = release(run, "envoy-gateway");
        expect(controller.inputs).to.deep.include({ chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.9.0", namespace: "envoy-gateway-system" });
        expect(controller.inputs.values.crds).to.deep.equal({ enabled: false });
    });

    it("puts two Envoy proxies across the zones behind one internet-facing NLB that keeps client addresses", () => {
        const proxy = release(run, "envoy-gateway").inputs.values.config.envoyGateway.envoyProxy.provider.kubernetes;
        expect(proxy.envoyDeployment.replicas).to.equal(2);
        expect(proxy.envoyDeployment.pod.topologySpreadConstraints[0].topologyKey).to.equal("topology.kubernetes.io/zone");
        expect(proxy.envoyDeployment.container.resources.requests).to.deep.equal({ cpu: "100m", memory: "128Mi" });
        expect(proxy.envoyService.type).to.equal("LoadBalancer");
        expect(proxy.envoyService.externalTrafficPolicy).to.equal("Local");
        expect(proxy.envoyService.annotations["service.beta.kubernetes.io/aws-load-balancer-type"]).to.equal("nlb");
    });

    it("has one GatewayClass for Envoy Gateway's controller and one shared Gateway with HTTP, apex and wildcard listeners", () => {
        const [gatewayClass] = ofType(run, CR("GatewayClass"));
        expect(gatewayClass.inputs.spec).to.deep.equal({ controllerName: "gateway.envoyproxy.io/gatewayclass-controller" });
        const gateways = ofType(run, CR("Gateway"));
        expect(gateways).to.have.length(1);
        const { metadata, spec } = gateways[0].inputs;
        expect(metadata).to.deep.equal({ name: "fintrax", namespace: "envoy-gateway-system" });
        expect(spec.gatewayClassName).to.equal(gatewayClass.inputs.metadata.name);
        const listeners = Object.fromEntries(spec.listeners.map((l: any) => [l.name, l]));
        expect(Object.keys(listeners)).to.deep.equal(["http", "https-apex", "https-wildcard"]);
        expect(listeners.http).to.deep.include({ port: 80, protocol: "HTTP" });
        expect(listeners.http.allowedRoutes.namespaces).to.deep.equal({ from: "Same" });
        expect(listeners["https-apex"]).to.deep.include({ hostname: "fintrax.example.com", port: 443, protocol: "HTTPS" });
        expect(listeners["https-wildcard"]).to.deep.include({ hostname: "*.fintrax.example.com", port: 443, protocol: "HTTPS" });
        expect(run.outputs.gateway).to.deep.equal({
            name: "fintrax", namespace: "envoy-gateway-system", domain: "fintrax.example.com", apexListener: "https-apex", wildcardListener: "https-wildcard",
        });
    });

    it("admits HTTPS routes from environment namespaces only, the apex from production's only", () => {
        const [gateway] = ofType(run, CR("Gateway"));
        const byName = Object.fromEntries(gateway.inputs.spec.listeners.map((l: any) => [l.name, l.allowedRoutes]));
        const environments = [{ key: "fintrax.io/environment", operator: "Exists" }];
        expect(byName["https-wildcard"].namespaces).to.deep.equal({ from: "Selector", selector: { matchLabels: {}, matchExpressions: environments } });
        expect(byName["https-apex"].namespaces).to.deep.equal({
            from: "Selector", selector: { matchLabels: { "fintrax.io/tier": "production" }, matchExpressions: environments },
        });
        for (const listener of ["https-apex", "https-wildcard"]) expect(byName[listener].kinds).to.deep.equal([{ kind: "HTTPRoute" }]);
        // The platform namespaces carry no environment label, so nothing there can attach to an HTTPS listener.
        for (const ns of ofType(run, "kubernetes:core/v1:Namespace")) expect(ns.inputs.metadata.labels, ns.name).not.to.have.property("fintrax.io/environment");
    });

    it("redirects every plain-HTTP request to HTTPS", () => {
        const [redirect] = ofType(run, CR("HTTPRoute"));
        expect(redirect.inputs.metadata.namespace).to.equal("envoy-gateway-system");
        expect(redirect.inputs.spec.parentRefs).to.deep.equal([{ name: "fintrax", sectionName: "http" }]);
        expect(redirect.inputs.spec.rules).to.deep.equal([{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }]);
    });

    it("terminates TLS with one cert-manager certificate for the apex and the wildcard, issued over DNS-01 in the zone", () => {
        const [certificate] = ofType(run, CR("Certificate", "cert-manager.io/v1"));
        expect(certificate.inputs.metadata.namespace).to.equal("envoy-gateway-system");
        expect(certificate.inputs.spec.dnsNames).to.deep.equal(["fintrax.example.com", "*.fintrax.example.com"]);
        expect(certificate.inputs.spec.issuerRef).to.deep.equal({ kind: "ClusterIssuer", name: "letsencrypt" });
        const [gateway] = ofType(run, CR("Gateway"));
        for (const listener of gateway.inputs.spec.listeners.filter((l: any) => l.protocol === "HTTPS")) {
            expect(listener.tls.certificateRefs, listener.name).to.deep.equal([{ kind: "Secret", name: certificate.inputs.spec.secretName }]);
        }
        for (const issuer of ofType(run, CR("ClusterIssuer", "cert-manager.io/v1"))) {
            expect(issuer.inputs.spec.acme.solvers, issuer.name).to.deep.equal([
                { selector: { dnsZones: [ZONE.domain] }, dns01: { route53: { region: "us-east-1", hostedZoneID: ZONE.zoneId } } },
            ]);
        }
    });

    it("gives cert-manager an IRSA role that may write only _acme-challenge TXT records of the zone", () => {
        const role = one(run, "aws:iam/role:Role", "certificates-cert-manager-dns01-role");
        expect(JSON.stringify(json(role.inputs.assumeRolePolicy).Statement[0].Condition.StringEquals)).to.include("system:serviceaccount:cert-manager:cert-manager");
        const statements = json(one(run, "aws:iam/rolePolicy:RolePolicy", "certificates-cert-manager-dns01-policy").inputs.policy).Statement;
        const write = statements.find((s: any) => s.Action.includes("route53:ChangeResourceRecordSets"));
        expect(write.Resource).to.equal(ZONE_ARN);
        expect(write.Condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"]).to.deep.equal(["TXT"]);
        expect(statements.every((s: any) => s.Resource === ZONE_ARN || s.Resource === "arn:aws:route53:::change/*")).to.equal(true);
        const values = release(run, "cert-manager").inputs.values;
        expect(values.serviceAccount.name).to.equal("cert-manager");
        expect(values.serviceAccount.annotations).to.have.property("eks.amazonaws.com/role-arn");
    });

    it("runs external-dns on the Gateway's routes, limited to the zone and to the records its owner id marks", () => {
        const values = release(run, "external-dns").inputs.values;
        expect(values).to.deep.include({
            sources: ["gateway-httproute"], gatewayNamespace: "envoy-gateway-system", domainFilters: [ZONE.domain],
            policy: "sync", registry: "txt", txtOwnerId: "fintrax-eks-shared",
        });
        // The registry's record of the apex must stay inside the zone: the type template ends in a dot.
        expect(values.txtPrefix).to.match(/%\{record_type\}\.$/);
        expect(values.provider).to.deep.equal({ name: "aws" });
        expect(values.extraArgs).to.include(`--zone-id-filter=${ZONE.zoneId}`);
        expect(values.serviceAccount.annotations).to.have.property("eks.amazonaws.com/role-arn");
        const statements = json(one(run, "aws:iam/rolePolicy:RolePolicy", "external-dns-route53-policy").inputs.policy).Statement;
        const writes = statements.filter((s: any) => s.Action.some((a: string) => a.startsWith("route53:Change")));
        expect(writes.map((s: any) => s.Resource)).to.deep.equal([ZONE_ARN]);
        expect(statements.filter((s: any) => s.Resource === "*").flatMap((s: any) => s.Action)).to.deep.equal(["route53:ListHostedZones"]);
    });

    it("takes the zone from fintrax-cluster:hostedZone", async () => {
        const other = await planCluster({ "fintrax-cluster:hostedZone": { domain: "pay.example.org", zoneId: "Z09876543210XYZ" } });
        const [gateway] = ofType(other, CR("Gateway"));
        expect(gateway.inputs.spec.listeners.map((l: any) => l.hostname ?? null)).to.deep.equal([null, "pay.example.org", "*.pay.example.org"]);
        expect(release(other, "external-dns").inputs.values.extraArgs).to.include("--zone-id-filter=Z09876543210XYZ");
        expect(json(one(other, "aws:iam/rolePolicy:RolePolicy", "external-dns-route53-policy").inputs.policy).Statement[0].Resource)
            .to.equal("arn:aws:route53:::hostedzone/Z09876543210XYZ");
    });

    it("prices the shared Gateway's NLB once, and none when the proxies' Service is not a LoadBalancer", () => {
        const nlbs = (resources: StackRun["resources"]) => estimateCost(resources).items.filter((i) => i.description === "network load balancer");
        const [gateway] = ofType(run, CR("Gateway"));
        expect(nlbs(run.resources).map((i) => i.urn)).to.deep.equal([gateway.urn]);
        const clusterIp = run.resources.map((r) => r.inputs.name === "envoy-gateway"
            ? { ...r, inputs: { ...r.inputs, values: { config: { envoyGateway: { envoyProxy: { provider: { kubernetes: { envoyService: { type: "ClusterIP" } } } } } } } } }
            : r);
        expect(nlbs(clusterIp)).to.deep.equal([]);
    });
});
