import { irisesOf } from "@varai/face-landmarker";
import { metrics } from "@varai/runtime";
import { AppError } from "@varai/schema";
import type { FacePool, RawFace } from "../engine/face-pool.ts";
import {
  decodeForDetection,
  decodeFull,
  downscaleForDetection,
  inspectPhoto,
  type PhotoHeader,
  type RawImage,
} from "../image/decode.ts";
import { LM } from "./landmarks.ts";
import { type MeasuredFace, measureFace } from "./measure.ts";

/** Milliseconds per stage, for the benchmark and Server-Timing. */
export interface StageTimings {
  decode: number;
  detect: number;
  queue: number;
  measure: number;
}

export interface AnalyzedPhoto {
  face: MeasuredFace;
  header: PhotoHeader;
  timings: StageTimings;
}

function largest(faces: RawFace[]): RawFace {
  return faces.reduce((a, b) => (b.box[2] * b.box[3] > a.box[2] * a.box[3] ? b : a));
}

function overlap(a: RawFace["box"], b: RawFace["box"]): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a[2] * a[3] + b[2] * b[3] - w * h);
}

/**
 * The face as both views saw it: every landmark, the box and the head angles averaged between
 * the photo and its mirror image (already flipped back by the pool). The models are not
 * mirror-symmetric, so the two views disagree by about as much as two different photos of the
 * same face; their mean moves half as much between photos, and a mirrored photo measures exactly
 * like the original. Falls back to the direct view when the mirrored one lost the face.
 */
function mergeViews(direct: RawFace, mirroredFaces: RawFace[]): RawFace {
  const match = mirroredFaces
    .map((face) => ({ face, iou: overlap(direct.box, face.box) }))
    .sort((a, b) => b.iou - a.iou)[0];
  if (!match || match.iou < 0.5) return direct;
  const other = match.face;
  const mesh = new Float32Array(direct.mesh.length);
  for (let i = 0; i < mesh.length; i++) mesh[i] = ((direct.mesh[i] ?? 0) + (other.mesh[i] ?? 0)) / 2;
  const box = direct.box.map((v, i) => (v + (other.box[i] ?? v)) / 2) as RawFace["box"];
  const angle =
    direct.angle && other.angle
      ? {
          roll: (direct.angle.roll + other.angle.roll) / 2,
          yaw: (direct.angle.yaw + other.angle.yaw) / 2,
          pitch: (direct.angle.pitch + other.angle.pitch) / 2,
        }
      : direct.angle;
  return {
    box,
    score: Math.min(direct.score, other.score),
    mesh,
    irises: irisesOf(mesh),
    roi: direct.roi,
    angle,
  };
}

async function detectAndMeasure(
  pool: FacePool,
  detectInput: RawImage,
  imageSize: { width: number; height: number },
  timings: StageTimings,
  { mirroredView, child }: AnalysisOptions,
): Promise<MeasuredFace> {
  const started0 = performance.now();
  const { pixels, width, height } = detectInput;
  // Both views at once: with a free worker each, the second costs CPU, not waiting time.
  const [result, mirrored] = await Promise.all([
    pool.detect(pixels, width, height),
    mirroredView ? pool.detect(pixels, width, height, { mirrored: true }) : null,
  ]);
  timings.detect = mirrored
    ? performance.now() - started0 - Math.min(result.queuedMs, mirrored.queuedMs)
    : result.detectMs;
  timings.queue = Math.min(result.queuedMs, mirrored?.queuedMs ?? result.queuedMs);
  metrics.modelLatency.observe({ model: "face-landmarks" }, timings.detect / 1000);
  if (result.faces.length === 0) {
    throw new AppError("NO_FACE", "No face was found in the photo", { details: { reason: "NO_FACE" } });
  }
  const started = performance.now();
  const face = mirrored ? mergeViews(largest(result.faces), mirrored.faces) : largest(result.faces);
  const s = imageSize.width / detectInput.width;
  const landmarks: Array<[number, number, number]> = [];
  for (let i = 0; i < 478; i++) {
    landmarks.push([(face.mesh[i * 3] ?? 0) * s, (face.mesh[i * 3 + 1] ?? 0) * s, (face.mesh[i * 3 + 2] ?? 0) * s]);
  }
  // A face whose eyes are outside the photo cannot be measured at all.
  const eyesInside = [LM.leftIris.center, LM.rightIris.center].every((i) => {
    const [x, y] = landmarks[i] ?? [Number.NaN, Number.NaN];
    return x >= 0 && y >= 0 && x < imageSize.width && y < imageSize.height;
  });
  if (!eyesInside) {
    throw new AppError("NO_FACE", "The face is cut by the photo's border: both eyes must be visible", {
      details: { reason: "FACE_CUT_BY_BORDER" },
    });
  }
  const measured = measureFace({
    landmarks,
    box: { x: face.box[0] * s, y: face.box[1] * s, width: face.box[2] * s, height: face.box[3] * s },
    imageSize,
    angle: face.angle,
    faceCount: result.faces.length,
    detectionScale: s,
    child,
  });
  timings.measure = performance.now() - started;
  return measured;
}

export interface AnalysisOptions {
  /** Measure from the photo and its mirror image together (see mergeViews). */
  mirroredView?: boolean;
  /** Child mode: the wider human PD range (measurement-limits.ts in @varai/schema). */
  child?: boolean;
}

/** Photo bytes -> measured face. Decodes once, straight at the detection size. Two views by default. */
export async function analyzePhoto(
  pool: FacePool,
  photo: Uint8Array,
  { mirroredView = true, child = false }: AnalysisOptions = {},
): Promise<AnalyzedPhoto> {
  const timings: StageTimings = { decode: 0, detect: 0, queue: 0, measure: 0 };
  const started = performance.now();
  const header = await inspectPhoto(photo);
  const detectInput = await decodeForDetection(photo, header);
  timings.decode = performance.now() - started;
  const face = await detectAndMeasure(pool, detectInput, { width: header.width, height: header.height }, timings, {
    mirroredView,
    child,
  });
  return { face, header, timings };
}

/**
 * Photo bytes -> full-size pixels (for rendering) and the measured face, from one decode. One
 * view only: placing a frame needs the pupils and the scale to a few percent, not the
 * measurement's precision, and a try-on should cost one model pass.
 */
export async function analyzePhotoForRender(
  pool: FacePool,
  photo: Uint8Array,
  { child = false }: Pick<AnalysisOptions, "child"> = {},
): Promise<AnalyzedPhoto & { image: RawImage }> {
  const timings: StageTimings = { decode: 0, detect: 0, queue: 0, measure: 0 };
  const started = performance.now();
  const header = await inspectPhoto(photo);
  const image = await decodeFull(photo);
  const detectInput = await downscaleForDetection(image);
  timings.decode = performance.now() - started;
  const face = await detectAndMeasure(pool, detectInput, { width: image.width, height: image.height }, timings, {
    mirroredView: false,
    child,
  });
  return { face, header, image, timings };
}
