import { expectFires, expectQuiet, k8s, kubernetesProvider, namespace, resource, STACKS } from "./fixtures";

const NS = "fintrax-prod";
const GATEWAY = { group: "gateway.networking.k8s.io", kind: "Gateway", name: "fintrax", namespace: "envoy-gateway-system", sectionName: "https-apex" };

/** An HTTPRoute in `ns` (null: one that names no namespace). */
const route = (parentRefs: unknown, ns: string | null = NS, options = {}) => k8s("gateway.networking.k8s.io/v1", "HTTPRoute", {
    metadata: { name: "frontend", ...(ns ? { namespace: ns } : {}) },
    spec: { parentRefs, hostnames: ["fintrax.example.com"], rules: [{ backendRefs: [{ name: "frontend", port: 80 }] }] },
}, options);
const environmentNamespace = (name = NS) => {
    const ns = namespace(name);
    ns.inputs.metadata.labels["fintrax.io/environment"] = "prod";
    return ns;
};
const gateway = (name: string, ns: string) => k8s("gateway.networking.k8s.io/v1", "Gateway", {
    metadata: { name, namespace: ns }, spec: { gatewayClassName: "envoy", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] },
});

describe("policy k8s-route-attachment", () => {
    it("fires on a route that attaches to another Gateway, or to the shared one's name in another namespace", async () => {
        await expectFires("k8s-route-attachment", [route([{ ...GATEWAY, name: "private" }])], STACKS, /attaches to Gateway envoy-gateway-system\/private/);
        // A parentRef without a namespace means the route's own: a Gateway named fintrax there is not the shared one.
        const ownNamespace = { group: GATEWAY.group, kind: GATEWAY.kind, name: GATEWAY.name };
        await expectFires("k8s-route-attachment", [route([ownNamespace])], STACKS, /attaches to Gateway fintrax-prod\/fintrax/);
    });

    it("fires on a route without parentRefs and on a parent that is not a Gateway", async () => {
        await expectFires("k8s-route-attachment", [route([])], STACKS, /has no parentRefs/);
        await expectFires("k8s-route-attachment", [route([{ group: "", kind: "Service", name: "frontend" }])], STACKS, /names a parent of kind \/Service/);
    });

    it("stays quiet for a route on the shared Gateway, and for other kinds", async () => {
        await expectQuiet("k8s-route-attachment", [route([GATEWAY]), route([{ name: "fintrax", namespace: "envoy-gateway-system" }])]);
        await expectQuiet("k8s-route-attachment", [k8s("v1", "Service", { metadata: { name: "frontend", namespace: NS }, spec: { ports: [{ port: 80 }] } })]);
    });
});

describe("policy k8s-route-namespace (stack)", () => {
    it("fires on a route in a namespace the stack does not create as an environment's", async () => {
        await expectFires("k8s-route-namespace", [namespace("tools"), route([GATEWAY], "tools")], STACKS, /HTTPRoute tools\/frontend: is in namespace tools/);
        await expectFires("k8s-route-namespace", [environmentNamespace(), route([GATEWAY], "kube-system")]);
    });

    it("fires on a route that names no namespace and lands in default", async () => {
        await expectFires("k8s-route-namespace", [environmentNamespace(), route([GATEWAY], null)], STACKS, /is in namespace default/);
    });

    it("stays quiet for routes in a labelled environment namespace (own or the provider's) and in the Gateway's namespace", async () => {
        const provider = kubernetesProvider(NS);
        await expectQuiet("k8s-route-namespace", [environmentNamespace(), route([GATEWAY]), route([GATEWAY], null, { provider }), provider]);
        await expectQuiet("k8s-route-namespace", [route([{ name: "fintrax", sectionName: "http" }], "envoy-gateway-system")]);
    });
});

describe("policy k8s-edge-objects", () => {
    it("fires on any Ingress", async () => {
        const ingress = k8s("networking.k8s.io/v1", "Ingress", { metadata: { name: "web", namespace: NS }, spec: { rules: [] } });
        await expectFires("k8s-edge-objects", [ingress], STACKS, /Ingress fintrax-prod\/web: is an Ingress/);
    });

    it("fires on a Gateway of an environment's own", async () => {
        await expectFires("k8s-edge-objects", [gateway("mine", NS)], STACKS, /Gateway fintrax-prod\/mine: is a Gateway of its own/);
        await expectFires("k8s-edge-objects", [gateway("fintrax", NS)]);
    });

    it("stays quiet for the shared Gateway and for what is neither", async () => {
        await expectQuiet("k8s-edge-objects", [gateway("fintrax", "envoy-gateway-system"), route([GATEWAY]), resource("aws:s3/bucket:Bucket", "b", {})]);
    });
});
