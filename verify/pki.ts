import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import * as path from "node:path";

/** The files the servers need: a CA, the API server's serving certificate, the service-account signing keys. */
export interface Pki {
    caCert: string;
    serverCert: string;
    serverKey: string;
    serviceAccountKey: string;
    serviceAccountPublicKey: string;
}

function openssl(args: string[], cwd: string): void {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/**
 * Generated fresh for every run into the run's temporary directory (EC P-256: quick to generate), valid one
 * day. node:crypto makes keys but not certificates, so the certificates come from the openssl command.
 */
export function createPki(dir: string): Pki {
    const file = (name: string) => path.join(dir, name);
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=fintrax-verify-ca"], dir);
    openssl(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver"], dir);
    writeFileSync(file("server.ext"), [
        "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc",
        "extendedKeyUsage=serverAuth",
        "keyUsage=digitalSignature,keyEncipherment",
    ].join("\n"));
    openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.crt", "-days", "1", "-extfile", "server.ext"], dir);

    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(file("sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(file("sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    return {
        caCert: file("ca.crt"),
        serverCert: file("server.crt"),
        serverKey: file("server.key"),
        serviceAccountKey: file("sa.key"),
        serviceAccountPublicKey: file("sa.pub"),
    };
}
