import { type DetectorSpec, FULL_RANGE, SHORT_RANGE } from "./detector.ts";
import { IRIS_INPUT } from "./iris.ts";
import type { MediapipeModels } from "./pipeline.ts";

/** The part of `@litertjs/core` the pipeline uses (structural, so this package needs no dependency on it). */
export interface LiteRtLike {
  Tensor: new (data: Float32Array, shape: number[]) => { delete(): void };
}
export interface CompiledModelLike {
  run(inputs: unknown[]): Promise<Array<{ toTypedArray(): ArrayLike<number>; delete(): void }>>;
}
/** Runs a compiled LiteRT model on one float tensor; every output as a Float32Array. */
async function run(litert: LiteRtLike, model: CompiledModelLike, shape: number[], data: Float32Array) {
  const input = new litert.Tensor(data, shape);
  try {
    const outputs = await model.run([input]);
    return outputs.map((t) => {
      const array = new Float32Array(t.toTypedArray());
      t.delete();
      return array;
    });
  } finally {
    input.delete();
  }
}

/** The iris model is converted with a batch of two eyes (`tfjsGraphToTflite(..., { batch: IRIS_BATCH })`). */
export const IRIS_BATCH = 2;

/**
 * The pipeline's models on LiteRT.js, the same in Node and in a browser: the detectors, the mesh
 * and the iris model (human's, converted to TFLite by `tfjsGraphToTflite` with a batch of
 * `IRIS_BATCH`). `full` may be absent (the live widget tracks camera faces with the short-range
 * detector only).
 */
export function liteRtModels(parts: {
  litert: LiteRtLike;
  short: CompiledModelLike;
  full?: CompiledModelLike;
  mesh: CompiledModelLike;
  iris: CompiledModelLike;
}): MediapipeModels {
  const { litert } = parts;
  const detectorOf = (spec: DetectorSpec) =>
    spec === FULL_RANGE ? parts.full : spec === SHORT_RANGE ? parts.short : undefined;
  return {
    async detect(spec, input) {
      const model = detectorOf(spec);
      if (!model) throw new Error(`the ${spec.name}-range detector is not loaded`);
      const [regressors, scores] = await run(litert, model, [1, spec.inputSize, spec.inputSize, 3], input);
      if (!regressors || !scores) throw new Error(`${spec.name}-range detector: unexpected outputs`);
      return { regressors, scores };
    },
    async mesh(input) {
      const outputs = await run(litert, parts.mesh, [1, 192, 192, 3], input);
      const landmarks = outputs.find((o) => o.length === 1404);
      const presence = outputs.find((o) => o.length === 1);
      if (!landmarks || !presence) throw new Error("face_landmark.tflite: unexpected outputs");
      return { landmarks, presence: presence[0] ?? -100 };
    },
    async iris(crops) {
      if (crops.length > IRIS_BATCH) throw new Error(`iris: at most ${IRIS_BATCH} crops a run`);
      const size = IRIS_INPUT * IRIS_INPUT * 3;
      // A missing eye runs as zeros: the model's batch is fixed.
      const batch = new Float32Array(IRIS_BATCH * size);
      crops.forEach((crop, i) => {
        batch.set(crop, i * size);
      });
      const [data] = await run(litert, parts.iris, [IRIS_BATCH, IRIS_INPUT, IRIS_INPUT, 3], batch);
      if (!data) throw new Error("iris model: no output");
      const per = data.length / IRIS_BATCH;
      return crops.map((_, i) => data.slice(i * per, (i + 1) * per));
    },
  };
}

/**
 * The files of an Emscripten file package (`@mediapipe/face_mesh`'s packed assets), from its
 * loader script's `loadPackage({"files": [...]})`: name and byte range of each.
 */
export function packedFiles(loaderSource: string): Array<{ filename: string; start: number; end: number }> {
  const match = /loadPackage\((\{"files":.*?\})\)/s.exec(loaderSource);
  if (!match?.[1]) throw new Error("packed-assets loader: no loadPackage({files}) found");
  return (JSON.parse(match[1]) as { files: Array<{ filename: string; start: number; end: number }> }).files;
}
