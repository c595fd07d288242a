// Worker thread that owns one copy of the face models. Plain JavaScript on purpose: the
// workspace runs TypeScript from source through tsx/vitest transforms, which a
// worker_thread does not inherit, so this file must run on bare Node.
// Protocol (typed on the main side in face-pool.ts):
//   workerData: { modelsDir, maxFaces, profile: "fast" | "bare" }
//   -> { type: "ready", loadMs }            after models are loaded and warmed
//   <- { id, pixels: ArrayBuffer, width, height, mirrored? }   RGB uint8, row-major
//   -> { id, faces: [{ box, score, mesh: Float32Array(478*3), angle }], detectMs } | { id, error }
//   With `mirrored`, the models see the photo flipped left-right and the results are flipped back
//   (coordinates and landmark indices) into the photo's own frame.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import Module, { createRequire } from "node:module";
import path from "node:path";
import { parentPort, workerData } from "node:worker_threads";

const require = createRequire(import.meta.url);

/** Package root of @vladmandic/human; its `exports` hide package.json, so go up from the main file (dist/). */
export function humanPackageDir() {
  return path.dirname(path.dirname(require.resolve("@vladmandic/human")));
}

export function humanConfig({ modelsDir = path.join(humanPackageDir(), "models"), maxFaces = 5, profile = "fast" }) {
  // The package's main file lives in dist/, beside the .wasm binaries.
  const wasmDir = `${path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`;
  const fast = profile !== "bare";
  return {
    backend: "wasm",
    wasmPath: wasmDir,
    // The default fetches the wasm binaries from a CDN.
    wasmPlatformFetch: false,
    modelBasePath: `file://${modelsDir}/`,
    debug: false,
    warmup: "none",
    // Every photo is a new photo: never reuse a previous frame's detection.
    cacheSensitivity: 0,
    cacheModels: false,
    validateModels: false,
    // "bare" keeps human's own input pipeline (image filter on), "fast" hands in a tensor
    // we already sized and skips the filter pass.
    filter: { enabled: !fast },
    gesture: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    face: {
      enabled: true,
      detector: {
        enabled: true,
        modelPath: "blazeface.json",
        rotation: fast,
        maxDetected: maxFaces,
        skipFrames: 0,
        skipTime: 0,
        minConfidence: 0.5,
        return: false,
      },
      mesh: { enabled: true, modelPath: "facemesh.json", keepInvalid: false },
      iris: { enabled: true, modelPath: "iris.json", skipFrames: 0, skipTime: 0 },
      attention: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    },
  };
}

/**
 * Loads human's Node wasm build by path (the bare name wants tfjs-node, whose install
 * downloads libtensorflow and fails offline) and serves model files from disk: Node 20's
 * fetch cannot read file:// URLs.
 */
// Two fixes to human 3.3.6's face pipeline, applied to the bundle's source as it is loaded.
// Each pattern must match exactly once, so an upgraded human fails loudly here instead of
// silently measuring differently.
const HUMAN_PATCHES = [
  // transformRawCoords ends in Math.trunc: every mesh point lands on a whole pixel of the
  // input. On a 512 px photo the iris is ~8 px wide, so this alone moved the iris diameter (the
  // mm scale) by 5-15 % between a photo and its rotated or re-encoded copy, and truncating
  // (not rounding) shifts a mirrored photo's points half a pixel the other way.
  {
    from: "return c.map(x=>[Math.trunc(x[0]+y[0]),Math.trunc(x[1]+y[1]),Math.trunc(x[2]||0)])",
    to: "return c.map(x=>[x[0]+y[0],x[1]+y[1],x[2]||0])",
  },
  // augmentIris flips BOTH eye crops but un-flips only the left eye's result, so the right
  // iris came back mirrored inside its eye box. MediaPipe (and tfjs-models' facemesh, which
  // human ported) flips only the left eye: the right crop must go in unflipped.
  {
    from: "N3(e,t,h2.rightBounds[0],h2.rightBounds[1],n,!0,",
    to: "N3(e,t,h2.rightBounds[0],h2.rightBounds[1],n,!1,",
  },
];

function requireHumanPatched() {
  const file = path.join(humanPackageDir(), "dist/human.node-wasm.js");
  let source = readFileSync(file, "utf8");
  for (const { from, to } of HUMAN_PATCHES) {
    const at = source.indexOf(from);
    if (at < 0 || source.indexOf(from, at + 1) >= 0) {
      throw new Error(`${file}: patch target not found exactly once: ${from}`);
    }
    source = source.replace(from, to);
  }
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  mod._compile(source, file);
  return mod.exports;
}

export async function loadHuman(options) {
  const { Human } = requireHumanPatched();
  const human = new Human(humanConfig(options));
  const tf = human.tf;
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== "string" || !url.startsWith("file://")) return null;
    const file = url.slice("file://".length);
    return {
      load: async () => {
        const json = JSON.parse(await readFile(file, "utf8"));
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
          const buffers = [];
          const specs = [];
          for (const group of manifest) {
            for (const p of group.paths) buffers.push(await readFile(path.join(path.dirname(file), p)));
            specs.push(...group.weights);
          }
          const all = Buffer.concat(buffers);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
        });
      },
    };
  });
  await human.init();
  await human.load();
  // human.warmup() needs tfjs-node or a canvas in Node; run every model once on zeros instead,
  // so the first shopper does not pay for kernel set-up.
  for (const model of Object.values(human.models.models)) {
    if (!model?.inputs?.[0]?.shape) continue;
    const shape = model.inputs[0].shape.map((d) => (d > 0 ? d : 1));
    const input = tf.zeros(shape);
    const out = model.execute(input);
    tf.dispose(out);
    tf.dispose(input);
  }
  return human;
}

/**
 * For each of the 478 landmarks, the landmark that sits at its mirror image on a face: the 468
 * mesh points paired through the mesh's own texture map (symmetric about u = 0.5; 28 points on
 * the midline map to themselves), and the two iris rings, which both run centre, nose side,
 * top, outer side, bottom, paired index for index.
 */
export function landmarkMirrorIndex(uvMap) {
  if (uvMap.length !== 468) throw new Error(`face UV map has ${uvMap.length} points, expected 468`);
  const index = uvMap.map(([u, v]) => {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let j = 0; j < uvMap.length; j++) {
      const distance = (1 - u - uvMap[j][0]) ** 2 + (v - uvMap[j][1]) ** 2;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = j;
      }
    }
    return best;
  });
  for (let i = 0; i < 5; i++) index.push(473 + i);
  for (let i = 0; i < 5; i++) index.push(468 + i);
  if (index.some((j, i) => index[j] !== i)) throw new Error("face UV map is not symmetric");
  return index;
}

/** Runs detection on an RGB buffer; returns plain, transferable results. */
export async function detectFaces(human, pixels, width, height, { mirrored = false, mirrorIndex } = {}) {
  const tf = human.tf;
  const input = tf.tensor(new Uint8Array(pixels), [1, height, width, 3], "int32");
  const flipped = mirrored ? tf.reverse(input, 2) : null;
  const started = performance.now();
  try {
    const result = await human.detect(flipped ?? input);
    if (result.error) throw new Error(String(result.error));
    const faces = result.face
      .filter((f) => Array.isArray(f.mesh) && f.mesh.length >= 478)
      .map((f) => {
        const mesh = new Float32Array(478 * 3);
        for (let i = 0; i < 478; i++) {
          const from = f.mesh[mirrored ? mirrorIndex[i] : i];
          mesh[i * 3] = mirrored ? width - from[0] : from[0];
          mesh[i * 3 + 1] = from[1];
          mesh[i * 3 + 2] = from[2] ?? 0;
        }
        const [x, y, w, h] = f.box;
        const box = mirrored ? [width - x - w, y, w, h] : f.box;
        const angle = f.rotation?.angle ?? null;
        // A mirrored face turns and rolls the other way; it pitches the same.
        const unmirroredAngle = mirrored && angle ? { roll: -angle.roll, yaw: -angle.yaw, pitch: angle.pitch } : angle;
        return { box, score: f.score, mesh, angle: unmirroredAngle };
      });
    return { faces, detectMs: performance.now() - started };
  } finally {
    tf.dispose([input, ...(flipped ? [flipped] : [])]);
  }
}

if (parentPort && workerData?.kind === "varai-face-worker") {
  const port = parentPort;
  const started = performance.now();
  const human = await loadHuman(workerData);
  const mirrorIndex = landmarkMirrorIndex(human.faceUVMap);
  port.postMessage({ type: "ready", loadMs: performance.now() - started });
  port.on("message", async (msg) => {
    try {
      const { faces, detectMs } = await detectFaces(human, msg.pixels, msg.width, msg.height, {
        mirrored: msg.mirrored === true,
        mirrorIndex,
      });
      port.postMessage(
        { id: msg.id, faces, detectMs },
        faces.map((f) => f.mesh.buffer),
      );
    } catch (error) {
      port.postMessage({ id: msg.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
