import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { CHARTS } from "../components/cluster/charts";
import type { KubeObject } from "./planObjects";

/**
 * Where the custom resource definitions the plan's objects use are published: each project's CRDs as its
 * release ships them, in a folder of its Go module, fetched at run time through the Go module proxy into the
 * module cache (`go mod download`), so no other project's YAML is kept in this repository.
 */
const CRD_SOURCES = [
    {
        // ServiceMonitor, PrometheusRule: kube-prometheus-stack 83.7.0 ships Prometheus Operator v0.90.1 (its
        // appVersion, ../shared/reference/helm-charts.json, read 2026-12-01).
        module: "github.com/prometheus-operator/prometheus-operator", version: "v0.90.1", dir: "example/prometheus-operator-crd",
    },
    {
        // Certificate, ClusterIssuer, ...: the cert-manager release the cluster installs (the chart's version is the app's).
        module: "github.com/cert-manager/cert-manager", version: CHARTS.certManager.version, dir: "deploy/crds",
    },
    {
        // Gateway, HTTPRoute, ...: the standard channel of the Gateway API release that Envoy Gateway's CRD chart
        // bundles (gateway-crds-helm v1.9.0 ships Gateway API v1.6.1: docs/cluster.md, "Edge"); the cluster installs
        // that chart, whose rendering the plan does not see.
        module: "sigs.k8s.io/gateway-api", version: "v1.6.1", dir: "config/crd/standard",
    },
];

/** The module's files, downloaded (or found in the module cache) by the go command. */
function moduleDir(module: string, version: string): string {
    // Outside any module, so the project's go.mod files are not touched.
    const result = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], { cwd: os.tmpdir(), encoding: "utf8" });
    const info = result.stdout ? JSON.parse(result.stdout) as { Dir?: string; Error?: string } : {};
    if (result.status !== 0 || !info.Dir) {
        throw new Error(`could not download ${module}@${version} through the Go module proxy: ${info.Error ?? result.stderr}`);
    }
    return info.Dir;
}

/** Every CustomResourceDefinition of every source. */
export function publishedCrds(): KubeObject[] {
    return CRD_SOURCES.flatMap((source) => {
        const dir = path.join(moduleDir(source.module, source.version), source.dir);
        return readdirSync(dir)
            .filter((file) => file.endsWith(".yaml"))
            .flatMap((file) => parseAllDocuments(readFileSync(path.join(dir, file), "utf8")).map((doc) => doc.toJS() as KubeObject))
            .filter((object) => object?.kind === "CustomResourceDefinition");
    });
}
