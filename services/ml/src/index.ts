export { type AnalyzedPhoto, analyzePhoto, type StageTimings } from "./analysis/analyze.ts";
export { classifyFaceShape, SHAPE_PROTOTYPES } from "./analysis/face-shape.ts";
export { IRIS_DIAMETER_MM, measureFace, WARNINGS } from "./analysis/measure.ts";
export {
  createFacePool,
  DEFAULT_FACE_LANDMARKER,
  FACE_LANDMARKERS,
  type FaceLandmarkerName,
  type FacePool,
  type FacePoolOptions,
} from "./engine/face-pool.ts";
export { ASSET_PX_PER_MM, cutOutFrame, DEFAULT_FRAME_WIDTH_MM } from "./frame-assets/cutout.ts";
export { createFrameAssetPreparer, frameWidthOf, frontImage } from "./frame-assets/prepare.ts";
export { computePlacement, type FrameAssetInfo, type Placement } from "./render/placement.ts";
export { renderTryOn as composeTryOn } from "./render/render.ts";
export {
  createMlService,
  type MlService,
  type MlServiceOptions,
  type TryOnResult,
} from "./service.ts";
