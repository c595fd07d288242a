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

async function detectAndMeasure(
  pool: FacePool,
  detectInput: RawImage,
  imageSize: { width: number; height: number },
  timings: StageTimings,
): Promise<MeasuredFace> {
  const result = await pool.detect(detectInput.pixels, detectInput.width, detectInput.height);
  timings.detect = result.detectMs;
  timings.queue = result.queuedMs;
  if (result.faces.length === 0) {
    throw new AppError("NO_FACE", "No face was found in the photo", { details: { reason: "NO_FACE" } });
  }
  const started = performance.now();
  const face = largest(result.faces);
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
  });
  timings.measure = performance.now() - started;
  return measured;
}

/** Photo bytes -> measured face. Decodes once, straight at the detection size. */
export async function analyzePhoto(pool: FacePool, photo: Uint8Array): Promise<AnalyzedPhoto> {
  const timings: StageTimings = { decode: 0, detect: 0, queue: 0, measure: 0 };
  const started = performance.now();
  const header = await inspectPhoto(photo);
  const detectInput = await decodeForDetection(photo, header);
  timings.decode = performance.now() - started;
  const face = await detectAndMeasure(pool, detectInput, { width: header.width, height: header.height }, timings);
  return { face, header, timings };
}

/** Photo bytes -> full-size pixels (for rendering) and the measured face, from one decode. */
export async function analyzePhotoForRender(
  pool: FacePool,
  photo: Uint8Array,
): Promise<AnalyzedPhoto & { image: RawImage }> {
  const timings: StageTimings = { decode: 0, detect: 0, queue: 0, measure: 0 };
  const started = performance.now();
  const header = await inspectPhoto(photo);
  const image = await decodeFull(photo);
  const detectInput = await downscaleForDetection(image);
  timings.decode = performance.now() - started;
  const face = await detectAndMeasure(pool, detectInput, { width: image.width, height: image.height }, timings);
  return { face, header, image, timings };
}
