export { cropToTensor } from "./mediapipe/crop.ts";
export type { Detection, DetectorSpec } from "./mediapipe/detector.ts";
export { FULL_RANGE, SHORT_RANGE } from "./mediapipe/detector.ts";
export { EYES, eyeRoi, IRIS_INPUT } from "./mediapipe/iris.ts";
export {
  createMediapipeLandmarker,
  MESH_INPUT,
  type MediapipeLandmarkerOptions,
  type MediapipeModels,
} from "./mediapipe/pipeline.ts";
export { type CompiledModelLike, IRIS_BATCH, type LiteRtLike, liteRtModels, packedFiles } from "./mediapipe/runtime.ts";
export { MIRROR_INDEX } from "./mirror-index.ts";
export * from "./port.ts";
