import { metrics } from "@varai/runtime";
import type { FacePool } from "../engine/face-pool.ts";
import { decodeForDetection, inspectPhoto, type PhotoHeader, type RawImage } from "../image/decode.ts";
import type { MeasuredFace } from "./measure.ts";
import { measureDetected } from "./measure-detected.ts";

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
  const started = performance.now();
  const measured = measureDetected(result.faces, mirrored?.faces ?? null, detectInput.width, imageSize, child ?? false);
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
