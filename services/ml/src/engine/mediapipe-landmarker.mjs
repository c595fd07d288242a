// The face landmarker port on MediaPipe's models (@varai/face-landmarker's pipeline): the
// detectors, the 468-point mesh and the iris model on Google's LiteRT.js (XNNPACK on wasm, single
// thread). The iris model is human's tfjs graph model converted to TFLite as the worker loads it
// (tfjsGraphToTflite, ~25-75 ms): no npm package ships iris_landmark.tflite and the attention
// mesh's custom ops are missing on LiteRT's CPU path (research/face-models.md); on LiteRT it runs
// both eyes in 6 ms against tfjs-wasm's 10 (2026-12-04). One LiteRT instance per worker thread:
// LiteRT keeps one global runtime per JavaScript realm.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import vm from "node:vm";
import { createMediapipeLandmarker, IRIS_INPUT, liteRtModels } from "@varai/face-landmarker";
import { readIrisTflite, readMediapipeModels } from "./mediapipe-models.mjs";

const require = createRequire(import.meta.url);

/**
 * LiteRT.js loads its Emscripten script with `importScripts` (a web worker) or a <script> tag;
 * in Node it gets an `importScripts` that evaluates the script as CommonJS (it detects Node and
 * wants `require` and `__dirname`) and publishes its factory on `self`, as a web worker would.
 * `self.Module` silences the runtime's INFO lines.
 */
function installLiteRtGlobals() {
  globalThis.self ??= globalThis;
  globalThis.importScripts = (url) => {
    const file = url.startsWith("file://") ? new URL(url).pathname : url;
    const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, "utf8")}\n})`;
    const module = { exports: {} };
    vm.runInThisContext(wrapped, { filename: file })(module.exports, require, module, file, path.dirname(file));
    globalThis.ModuleFactory = module.exports;
  };
  globalThis.Module = { print: () => {}, printErr: () => {} };
}

async function loadLiteRtModels() {
  installLiteRtGlobals();
  const litert = await import("@litertjs/core");
  const wasmDir = path.join(path.dirname(path.dirname(require.resolve("@litertjs/core"))), "wasm");
  // Its default environment asks for a WebGPU device first and warns on the console when there
  // is none (Node never has one); CPU (XNNPACK) is what runs here.
  // biome-ignore lint/suspicious/noConsole: silencing a library's console warning, not logging
  const warn = console.warn;
  // biome-ignore lint/suspicious/noConsole: as above
  console.warn = () => {};
  try {
    await litert.loadLiteRt(`${wasmDir}/`);
  } finally {
    // biome-ignore lint/suspicious/noConsole: restoring it
    console.warn = warn;
  }
  const bytes = readMediapipeModels();
  const compile = (model) => litert.loadAndCompile(model, { accelerator: "wasm" });
  return {
    litert,
    short: await compile(bytes.shortRange),
    full: await compile(bytes.fullRange),
    mesh: await compile(bytes.mesh),
    iris: await compile(readIrisTflite()),
  };
}

/**
 * The models of @varai/face-landmarker's MediaPipe pipeline, loaded in this thread.
 * @returns {Promise<import("@varai/face-landmarker").MediapipeModels>}
 */
export async function loadMediapipeNodeModels() {
  return liteRtModels(await loadLiteRtModels());
}

/**
 * @param {{ detector?: "short" | "full" | "auto", maxFaces?: number }} options
 * @returns {Promise<import("@varai/face-landmarker").FaceLandmarker>}
 */
export async function createMediapipeNodeLandmarker(options = {}) {
  const models = await loadMediapipeNodeModels();
  const landmarker = createMediapipeLandmarker(models, { detector: options.detector, maxFaces: options.maxFaces });
  // Warm every model once, so the first shopper does not pay for kernel set-up.
  const blank = { data: new Uint8Array(256 * 256 * 3), width: 256, height: 256, channels: 3 };
  await landmarker.detect(blank);
  await models.mesh(new Float32Array(192 * 192 * 3));
  await models.iris([new Float32Array(IRIS_INPUT * IRIS_INPUT * 3)]);
  return landmarker;
}
