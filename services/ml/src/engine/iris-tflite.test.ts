import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import {
  createMediapipeLandmarker,
  cropToTensor,
  EYES,
  eyeRoi,
  IRIS_INPUT,
  type MediapipeModels,
  type PixelImage,
} from "@varai/face-landmarker";
import { type TfjsGraphModelJson, tfjsGraphToTflite } from "@varai/face-landmarker/iris-tflite";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
// Plain JS modules (the worker loads them); importing them runs nothing.
// @ts-expect-error no type declarations for the worker module
import { loadMediapipeNodeModels } from "./mediapipe-landmarker.mjs";
// @ts-expect-error no type declarations for the worker module
import { humanModelsDir } from "./mediapipe-models.mjs";

const require = createRequire(import.meta.url);
const PHOTO = path.resolve(import.meta.dirname, "../../../../test-artifacts/photos/astronaut.png");
function photoAvailable(): boolean {
  if (!existsSync(PHOTO) && process.env.CI) throw new Error(`${PHOTO} missing: run bash scripts/fetch-test-photos.sh`);
  return existsSync(PHOTO);
}

/** human's iris model on tfjs-wasm, as it ran before the conversion: the reference. */
async function tfjsIris() {
  const tf = await import("@tensorflow/tfjs-core");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const converter = await import("@tensorflow/tfjs-converter");
  wasm.setWasmPaths(`${path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`);
  await tf.setBackend("wasm");
  await tf.ready();
  const dir: string = humanModelsDir();
  const json = JSON.parse(await readFile(path.join(dir, "iris.json"), "utf8"));
  const weights = await readFile(path.join(dir, "iris.bin"));
  const model = await converter.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
  return async (crops: Float32Array[]): Promise<Float32Array[]> => {
    const size = IRIS_INPUT * IRIS_INPUT * 3;
    const batch = new Float32Array(crops.length * size);
    crops.forEach((c, i) => {
      batch.set(c, i * size);
    });
    const input = tf.tensor(batch, [crops.length, IRIS_INPUT, IRIS_INPUT, 3]);
    const output = model.execute(input) as import("@tensorflow/tfjs-core").Tensor;
    const data = (await output.data()) as Float32Array;
    tf.dispose([input, output]);
    const per = data.length / crops.length;
    return crops.map((_, i) => data.slice(i * per, (i + 1) * per));
  };
}

const maxDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
};

describe.skipIf(!photoAvailable())("human's iris model converted to TFLite (tfjsGraphToTflite)", () => {
  let litert: MediapipeModels;
  let reference: (crops: Float32Array[]) => Promise<Float32Array[]>;
  let eyes: Float32Array[];
  beforeAll(async () => {
    litert = await loadMediapipeNodeModels();
    reference = await tfjsIris();
    const { data, info } = await sharp(readFileSync(PHOTO)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image: PixelImage = { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
    const [face] = await createMediapipeLandmarker(litert).detect(image);
    if (!face) throw new Error("no face on the test photo");
    eyes = EYES.map((eye) =>
      cropToTensor(image, eyeRoi(face.landmarks, eye.corners, face.roi.rotation), IRIS_INPUT, [0, 1], eye.flip),
    );
  }, 60_000);

  it("gives tfjs's outputs on both eye crops of a real photo, within 0.01 crop pixels", async () => {
    const [a, b] = await litert.iris(eyes);
    const [ra, rb] = await reference(eyes);
    // 228 values: 71 eye-contour points and 5 iris points, x y z in 64 px crop units.
    expect(maxDiff(a as Float32Array, ra as Float32Array)).toBeLessThan(0.01);
    expect(maxDiff(b as Float32Array, rb as Float32Array)).toBeLessThan(0.01);
    // And the iris centre is in the crop, not a degenerate output both happen to share.
    expect(a?.[71 * 3]).toBeGreaterThan(16);
    expect(a?.[71 * 3]).toBeLessThan(48);
  });

  it("gives tfjs's outputs on an arbitrary input, one eye in the batch", async () => {
    const noise = new Float32Array(IRIS_INPUT * IRIS_INPUT * 3).map((_, i) => ((i * 7919) % 251) / 251);
    const [a] = await litert.iris([noise]);
    const [r] = await reference([noise]);
    expect(maxDiff(a as Float32Array, r as Float32Array)).toBeLessThan(0.01);
  });

  it("refuses a graph with an op it does not convert, rather than run it wrong", () => {
    const json: TfjsGraphModelJson = {
      modelTopology: {
        node: [
          { name: "x", op: "Placeholder", attr: {} },
          { name: "Identity", op: "Softmax", input: ["x"] },
        ],
      },
      weightsManifest: [{ weights: [] }],
    };
    expect(() => tfjsGraphToTflite(json, new Uint8Array(0))).toThrow(/Softmax is not handled/);
  });
});
