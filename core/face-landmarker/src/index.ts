export type { Detection, DetectorSpec } from "./mediapipe/detector.ts";
export { FULL_RANGE, SHORT_RANGE } from "./mediapipe/detector.ts";
export { IRIS_INPUT } from "./mediapipe/iris.ts";
export {
  createMediapipeLandmarker,
  MESH_INPUT,
  type MediapipeLandmarkerOptions,
  type MediapipeModels,
} from "./mediapipe/pipeline.ts";
export {
  type CompiledModelLike,
  type GraphModelLike,
  type LiteRtLike,
  liteRtModels,
  packedFiles,
  type TfLike,
} from "./mediapipe/runtime.ts";
export { MIRROR_INDEX } from "./mirror-index.ts";
export * from "./port.ts";
