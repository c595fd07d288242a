// The face landmarker port (@varai/face-landmarker) on @vladmandic/human 3.3.6 (BlazeFace +
// FaceMesh + Iris on tfjs-wasm): today's pipeline, the reference the MediaPipe one is checked
// against. Plain JavaScript: it runs inside face-worker.mjs on bare Node.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import Module, { createRequire } from "node:module";
import path from "node:path";
import { irisesOf } from "@varai/face-landmarker";

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

/** human's face -> the port's face, in the pixels of the image it saw. */
function toLandmarkedFace(face) {
  const landmarks = new Float32Array(478 * 3);
  for (let i = 0; i < 478; i++) {
    const p = face.mesh[i];
    landmarks[i * 3] = p[0];
    landmarks[i * 3 + 1] = p[1];
    landmarks[i * 3 + 2] = p[2] ?? 0;
  }
  const [x, y, w, h] = face.box;
  return {
    box: [x, y, w, h],
    score: face.score,
    landmarks,
    irises: irisesOf(landmarks),
    // human's own tracking box is axis-aligned (rotation off for video, see live.ts).
    roi: { cx: x + w / 2, cy: y + h / 2, width: w, height: h, rotation: 0 },
    angle: face.rotation?.angle ?? null,
  };
}

/**
 * The port on human. Photos only: every call runs the detector (`cacheSensitivity: 0`), so
 * `mode` changes nothing here.
 * @param {{ modelsDir?: string, maxFaces?: number, profile?: "fast" | "bare" }} options
 * @returns {Promise<import("@varai/face-landmarker").FaceLandmarker & { human: unknown }>}
 */
export async function createHumanLandmarker(options = {}) {
  const human = await loadHuman(options);
  const tf = human.tf;
  return {
    name: "human",
    human,
    async detect(image) {
      const { data, width, height, channels, mirrored } = image;
      const input = tf.tensor(data, [1, height, width, channels], "int32");
      const rgb = channels === 4 ? tf.slice(input, [0, 0, 0, 0], [1, height, width, 3]) : input;
      const seen = mirrored ? tf.reverse(rgb, 2) : rgb;
      try {
        const result = await human.detect(seen);
        if (result.error) throw new Error(String(result.error));
        return result.face.filter((f) => Array.isArray(f.mesh) && f.mesh.length >= 478).map(toLandmarkedFace);
      } finally {
        tf.dispose([...new Set([input, rgb, seen])]);
      }
    },
    reset() {},
    close() {},
  };
}
