import { createHash } from "node:crypto";
import type { MockCallArgs, MockResourceArgs } from "@pulumi/pulumi/runtime";
import type * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import type * as random from "@pulumi/random";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";

/**
 * What the providers would answer, made up deterministically: the same stack, type and name always get the
 * same id, so two plans of the same files give the same report. Values have the real shapes (ARNs, ids,
 * a kubeconfig) because the programs build other resources from them.
 */

const MOCK_ACCOUNT = "123456789012";
const MOCK_REGION = "us-east-1";

export function digest(...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex");
}

/** The kubeconfig an EKS cluster hands out: exec-based auth, no static token. */
export function mockKubeconfig(clusterName: string, endpoint: string): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": "TU9DSy1DQQ==" } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [{
            name: clusterName,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                },
            },
        }],
    };
}

const ID_PREFIXES: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
};

/** `aws:iam/role:Role` → `iam`, the ARN service segment for the common cases. */
function arnFor(type: string, name: string, inputs: Record<string, unknown>, id: string): string {
    const [, module] = type.split(":");
    const service = module.split("/")[0];
    const resourceName = String(inputs.name ?? name);
    switch (type) {
        case "aws:iam/role:Role": return `arn:aws:iam::${MOCK_ACCOUNT}:role/${resourceName}`;
        case "aws:iam/policy:Policy": return `arn:aws:iam::${MOCK_ACCOUNT}:policy/${resourceName}`;
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}`;
        case "aws:kms/key:Key": return `arn:aws:kms:${MOCK_REGION}:${MOCK_ACCOUNT}:key/${id}`;
        case "aws:rds/instance:Instance": return `arn:aws:rds:${MOCK_REGION}:${MOCK_ACCOUNT}:db:${resourceName}`;
        case "aws:cloudwatch/logGroup:LogGroup": return `arn:aws:logs:${MOCK_REGION}:${MOCK_ACCOUNT}:log-group:${resourceName}`;
        default: return `arn:aws:${service}:${MOCK_REGION}:${MOCK_ACCOUNT}:${resourceName}`;
    }
}

function uuidFrom(hex: string): string {
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A provider's state for resource class `R`: only attributes the real SDK class has (type-checked, not trusted). */
type StateOf<R> = Partial<Record<keyof R, unknown>>;

/** Extra state for types whose outputs the programs read (beyond echoing the inputs). */
function computedState(type: string, name: string, inputs: Record<string, unknown>, id: string, hex: string): Record<string, unknown> {
    switch (type) {
        case "aws:kms/key:Key":
            return { keyId: id } satisfies StateOf<aws.kms.Key>;
        case "aws:rds/instance:Instance": {
            const identifier = String(inputs.identifier ?? name);
            const address = `${identifier}.c${hex.slice(0, 10)}.${MOCK_REGION}.rds.amazonaws.com`;
            return { identifier, address, endpoint: `${address}:5432`, port: inputs.port ?? 5432 } satisfies StateOf<aws.rds.Instance>;
        }
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: 1, defaultVersion: 1 } satisfies StateOf<aws.ec2.LaunchTemplate>;
        case "random:index/randomPassword:RandomPassword":
            return { result: `mock-${hex.slice(0, Number(inputs.length ?? 32) - 5)}` } satisfies StateOf<random.RandomPassword>;
        case "eks:index:Cluster": {
            const clusterName = String(inputs.name ?? name);
            const endpoint = `https://${hex.slice(0, 32).toUpperCase()}.gr7.${MOCK_REGION}.eks.amazonaws.com`;
            const oidcIssuer = `oidc.eks.${MOCK_REGION}.amazonaws.com/id/${hex.slice(32, 64).toUpperCase()}`;
            return {
                kubeconfig: mockKubeconfig(clusterName, endpoint),
                kubeconfigJson: JSON.stringify(mockKubeconfig(clusterName, endpoint)),
                eksCluster: {
                    name: clusterName,
                    arn: `arn:aws:eks:${MOCK_REGION}:${MOCK_ACCOUNT}:cluster/${clusterName}`,
                    endpoint,
                    vpcConfig: { clusterSecurityGroupId: `sg-${hex.slice(8, 25)}` },
                    identities: [{ oidcs: [{ issuer: `https://${oidcIssuer}` }] }],
                },
                clusterSecurityGroupId: `sg-${hex.slice(8, 25)}`,
                nodeSecurityGroupId: `sg-${hex.slice(25, 42)}`,
                oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT}:oidc-provider/${oidcIssuer}`,
                oidcProviderUrl: oidcIssuer,
                oidcIssuer,
            } satisfies StateOf<eks.Cluster>;
        }
        default:
            return {};
    }
}

/**
 * What the providers can say about a resource. `created`: it exists, as after `pulumi up` (and as a StackReference
 * reads another stack). `firstPreview`: nothing of the stack exists yet, as in its first `pulumi preview`: a provider
 * previewing a create echoes the inputs (names included: autonaming happens in Check, before the preview) and leaves
 * everything it computes (the id, ARNs, endpoints, generated passwords) unknown.
 */
export type MockView = "created" | "firstPreview";

/** `state` with every attribute the provider computes (not one of `inputs`) unknown, as a preview of a create returns it. */
function previewed(state: Record<string, unknown>, inputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(state).map(([key, value]) => [key, key in inputs ? value : unknownValue]));
}

export interface MockStackOutputs {
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
}

/**
 * The answer for one registration. `stackReferences` maps a stack name (`org/project/stack`) to the outputs
 * of that stack's own plan, so that an environment's StackReference reads the planned cluster's exports.
 */
export function mockResource(
    stack: string,
    args: MockResourceArgs,
    stackReferences: Record<string, MockStackOutputs>,
    view: MockView = "created",
): { id: string; state: Record<string, unknown> } {
    const { type, name, inputs } = args;
    if (type === "pulumi:pulumi:StackReference") {
        const target = String(inputs.name);
        const referenced = stackReferences[target];
        if (!referenced) throw new Error(`the plan has no outputs for the referenced stack "${target}"`);
        return { id: target, state: { name: target, outputs: referenced.outputs, secretOutputNames: referenced.secretOutputNames } };
    }
    const hex = digest(stack, type, name);
    const id = type === "aws:kms/key:Key" ? uuidFrom(hex)
        : ID_PREFIXES[type] ? `${ID_PREFIXES[type]}-${hex.slice(0, 17)}`
        : type.startsWith("kubernetes:") ? kubernetesId(inputs)
        : `${name}-${hex.slice(0, 8)}`;
    const state: Record<string, unknown> = { ...inputs, ...computedState(type, name, inputs, id, hex) };
    if (type.startsWith("aws:")) {
        state.arn ??= arnFor(type, name, inputs, id);
        // A `namePrefix` gets the provider's unique suffix at create: 26 characters (terraform-plugin-sdk
        // helper/id PrefixedUniqueId, UniqueIDSuffixLength; read 2026-12-01).
        state.name ??= inputs.name ?? (typeof inputs.namePrefix === "string" ? `${inputs.namePrefix}${hex.slice(0, 26)}` : name);
    }
    if (view === "firstPreview") {
        // An autoname is known in a preview (Check makes it), a prefixed one is not (the provider makes it at create);
        // an empty id is the SDK's unknown id.
        const known = type.startsWith("aws:") && inputs.namePrefix === undefined ? { ...inputs, name: state.name } : inputs;
        return { id: "", state: previewed(state, known) };
    }
    return { id, state };
}

function kubernetesId(inputs: Record<string, unknown>): string {
    const metadata = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
    return metadata.namespace ? `${metadata.namespace}/${metadata.name}` : String(metadata.name ?? "");
}

export function mockCall(args: MockCallArgs): Record<string, unknown> {
    switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/plan`, userId: "AIDAPLAN", id: MOCK_ACCOUNT };
        case "aws:index/getRegion:getRegion":
            return { name: MOCK_REGION, region: MOCK_REGION, id: MOCK_REGION };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        default:
            throw new Error(`the offline plan has no answer for the call ${args.token}; add one in plan/mockOutputs.ts`);
    }
}
