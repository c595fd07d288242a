import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { IRIS_BATCH, packedFiles } from "@varai/face-landmarker";
import { tfjsGraphToTflite } from "@varai/face-landmarker/iris-tflite";

const require = createRequire(import.meta.url);
const gzipAsync = promisify(gzip);

/**
 * Files that live mode loads from node_modules: LiteRT.js's wasm runtime, MediaPipe's short-range
 * detector and face mesh and human's iris model converted to TFLite (the default landmarker);
 * for the `human` landmarker human's browser bundle, its three models and tfjs's WASM binaries.
 * Served by us because nothing may be fetched from a CDN.
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
const LITERT_WASM = ["litert_wasm_internal", "litert_wasm_compat_internal"] as const;

/** Shown beside the MediaPipe models: they are Apache-2.0, Google's (the packages ship no LICENSE file). */
export const MEDIAPIPE_NOTICE =
  "face_detection_short_range.tflite (npm @mediapipe/face_detection 0.4.1657300184) and face_landmark.tflite " +
  "(npm @mediapipe/face_mesh 0.4.1657299874, from its packed assets): MediaPipe, Copyright Google LLC, " +
  "licensed under the Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0).\n" +
  "iris_landmark.tflite: MediaPipe's iris landmark model, Copyright Google LLC, Apache License 2.0, converted " +
  "to TFLite by VARAi from the tfjs form in npm @vladmandic/human 3.3.6 (models/iris.json).\n";

export interface VendorFile {
  path: string;
  /** A byte range of `path` (a model inside @mediapipe/face_mesh's packed assets). */
  range?: { start: number; end: number };
  /** Served from memory instead of a file. */
  text?: string;
  /** Made from `path` (and its neighbours) in memory. */
  derive?: () => Promise<Buffer>;
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
  addMediapipeFiles(files);
  return files;
}

/** The LiteRT runtime and MediaPipe's models, from their npm packages (nothing downloaded). */
function addMediapipeFiles(files: Map<string, VendorFile>): void {
  const litert = path.join(packageDir("@litertjs/core", "dist"), "wasm");
  for (const name of LITERT_WASM) {
    files.set(`litert/${name}.js`, {
      path: path.join(litert, `${name}.js`),
      contentType: "text/javascript; charset=utf-8",
      compressible: true,
    });
    files.set(`litert/${name}.wasm`, {
      path: path.join(litert, `${name}.wasm`),
      contentType: "application/wasm",
      compressible: true,
    });
  }
  files.set("mediapipe/face_detection_short_range.tflite", {
    path: path.join(path.dirname(require.resolve("@mediapipe/face_detection")), "face_detection_short_range.tflite"),
    contentType: "application/octet-stream",
    compressible: true,
  });
  const mesh = path.dirname(require.resolve("@mediapipe/face_mesh"));
  const entry = packedFiles(readFileSync(path.join(mesh, "face_mesh_solution_packed_assets_loader.js"), "utf8")).find(
    (f) => f.filename.endsWith("/face_landmark.tflite"),
  );
  if (!entry) throw new Error("face_landmark.tflite is not in @mediapipe/face_mesh's packed assets");
  files.set("mediapipe/face_landmark.tflite", {
    path: path.join(mesh, "face_mesh_solution_packed_assets.data"),
    range: { start: entry.start, end: entry.end },
    contentType: "application/octet-stream",
    compressible: true,
  });
  // Live mode's iris model: human's, converted to TFLite (float32: 2.6 MB, 2.4 MB gzipped).
  const iris = path.join(humanDir(), "models");
  files.set("mediapipe/iris_landmark.tflite", {
    path: path.join(iris, "iris.json"),
    derive: () => irisTflite(iris),
    contentType: "application/octet-stream",
    compressible: true,
  });
  files.set("mediapipe/notice.txt", {
    path: "",
    text: MEDIAPIPE_NOTICE,
    contentType: "text/plain; charset=utf-8",
    compressible: false,
  });
}

let irisCache: Promise<Buffer> | null = null;
function irisTflite(dir: string): Promise<Buffer> {
  irisCache ??= (async () => {
    const json = JSON.parse(await readFile(path.join(dir, "iris.json"), "utf8"));
    const weights = new Uint8Array(await readFile(path.join(dir, "iris.bin")));
    return Buffer.from(tfjsGraphToTflite(json, weights, { batch: IRIS_BATCH }));
  })();
  irisCache.catch(() => {
    irisCache = null;
  });
  return irisCache;
}

/** A vendor file's bytes. */
async function readVendorFile(file: VendorFile): Promise<Buffer> {
  if (file.text !== undefined) return Buffer.from(file.text);
  if (file.derive) return file.derive();
  const body = await readFile(file.path);
  return file.range ? body.subarray(file.range.start, file.range.end) : body;
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
          const body = await readVendorFile(file);
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
