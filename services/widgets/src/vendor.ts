import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const require = createRequire(import.meta.url);
const gzipAsync = promisify(gzip);

/**
 * Files that live mode loads from node_modules: human's browser bundle, the three face
 * models it runs (BlazeFace, FaceMesh, Iris; nothing else is served), and tfjs's WASM
 * binaries. Served by us because nothing may be fetched from a CDN.
 */
function packageDir(specifier: string, file: string): string {
  // Both packages' `exports` hide package.json; resolve a known file and walk up.
  const resolved = require.resolve(specifier);
  const marker = resolved.lastIndexOf(`${path.sep}${file}`);
  return marker > 0 ? resolved.slice(0, marker) : path.dirname(path.dirname(resolved));
}

const humanDir = () => packageDir("@vladmandic/human", "dist");
const wasmDir = () => path.join(packageDir("@tensorflow/tfjs-backend-wasm", "dist"), "dist");

const MODELS = ["blazeface", "facemesh", "iris"] as const;

export interface VendorFile {
  path: string;
  contentType: string;
  /** Worth gzipping (text); .bin and .wasm are not re-compressed per request. */
  compressible: boolean;
}

/** The vendor files by URL path under `/widget/`. */
export function vendorFiles(): ReadonlyMap<string, VendorFile> {
  const files = new Map<string, VendorFile>();
  const human = humanDir();
  files.set("human/human.esm.js", {
    path: path.join(human, "dist", "human.esm.js"),
    contentType: "text/javascript; charset=utf-8",
    compressible: true,
  });
  for (const model of MODELS) {
    files.set(`human/models/${model}.json`, {
      path: path.join(human, "models", `${model}.json`),
      contentType: "application/json",
      compressible: true,
    });
    files.set(`human/models/${model}.bin`, {
      path: path.join(human, "models", `${model}.bin`),
      contentType: "application/octet-stream",
      compressible: false,
    });
  }
  for (const wasm of [
    "tfjs-backend-wasm.wasm",
    "tfjs-backend-wasm-simd.wasm",
    "tfjs-backend-wasm-threaded-simd.wasm",
  ]) {
    files.set(`tfjs-wasm/${wasm}`, {
      path: path.join(wasmDir(), wasm),
      contentType: "application/wasm",
      compressible: true,
    });
  }
  return files;
}

export interface LoadedVendorFile {
  body: Buffer;
  gzip: Buffer | null;
  contentType: string;
}

/** Reads (and for text, gzips) a vendor file once; later requests come from memory. */
export function createVendorCache(files: ReadonlyMap<string, VendorFile> = vendorFiles()) {
  const loaded = new Map<string, Promise<LoadedVendorFile>>();
  return {
    has: (key: string) => files.has(key),
    get(key: string): Promise<LoadedVendorFile> | null {
      const file = files.get(key);
      if (!file) return null;
      let hit = loaded.get(key);
      if (!hit) {
        hit = (async () => {
          const body = await readFile(file.path);
          return {
            body,
            gzip: file.compressible ? await gzipAsync(body, { level: 6 }) : null,
            contentType: file.contentType,
          };
        })();
        hit.catch(() => loaded.delete(key));
        loaded.set(key, hit);
      }
      return hit;
    },
  };
}
