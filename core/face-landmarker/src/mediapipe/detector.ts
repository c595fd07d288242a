import type { FaceRoi } from "../port.ts";

/**
 * MediaPipe's BlazeFace detectors (`@mediapipe/face_detection`): SSD anchors, box and keypoint
 * decoding and weighted non-maximum suppression, as its graph configs set them
 * (face_detection_short_range.pbtxt, face_detection_full_range.pbtxt).
 */
export interface DetectorSpec {
  name: "short" | "full";
  inputSize: number;
  /** Feature-map strides, one per SSD layer. */
  strides: readonly number[];
  /** Anchors per cell of each layer (1 aspect ratio, plus the interpolated scale when 2). */
  anchorsPerLayer: number;
  minScore: number;
}

/** 128 px, for faces filling much of the frame (selfies, the camera). Misses faces ~10 % of the width. */
export const SHORT_RANGE: DetectorSpec = {
  name: "short",
  inputSize: 128,
  strides: [8, 16, 16, 16],
  anchorsPerLayer: 2,
  minScore: 0.5,
};
/** 192 px, faces down to a few percent of the frame. */
export const FULL_RANGE: DetectorSpec = {
  name: "full",
  inputSize: 192,
  strides: [4],
  anchorsPerLayer: 1,
  minScore: 0.5,
};

export interface Detection {
  /** Normalised to the detector's input square: x, y, width, height. */
  box: [number, number, number, number];
  /** Six keypoints, normalised: the eye on the image's left, the other eye, nose tip, mouth, two ear tragions. */
  keypoints: Array<[number, number]>;
  score: number;
}

const anchorCache = new Map<string, Float32Array>();

/** Anchor centres (x, y) in input-normalised units; with fixed anchor size the width and height are 1. */
export function anchors(spec: DetectorSpec): Float32Array {
  const cached = anchorCache.get(spec.name);
  if (cached) return cached;
  const centres: number[] = [];
  let layer = 0;
  while (layer < spec.strides.length) {
    const stride = spec.strides[layer] ?? 1;
    // Consecutive layers with the same stride share one feature map (SsdAnchorsCalculator).
    let repeats = 0;
    while (layer < spec.strides.length && spec.strides[layer] === stride) {
      repeats++;
      layer++;
    }
    const cells = Math.ceil(spec.inputSize / stride);
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let a = 0; a < repeats * spec.anchorsPerLayer; a++) centres.push((x + 0.5) / cells, (y + 0.5) / cells);
      }
    }
  }
  const result = Float32Array.from(centres);
  anchorCache.set(spec.name, result);
  return result;
}

function iou(a: Detection["box"], b: Detection["box"]): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a[2] * a[3] + b[2] * b[3] - w * h);
}

/** MediaPipe's WEIGHTED suppression: overlapping boxes (IoU > 0.3) are averaged by score. */
function weightedNms(candidates: Detection[]): Detection[] {
  const remaining = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  while (remaining.length) {
    const top = remaining[0] as Detection;
    const group = remaining.filter((d) => iou(top.box, d.box) > 0.3);
    for (const d of group) remaining.splice(remaining.indexOf(d), 1);
    const total = group.reduce((s, d) => s + d.score, 0);
    const avg = (pick: (d: Detection) => number) => group.reduce((s, d) => s + pick(d) * d.score, 0) / total;
    kept.push({
      box: [avg((d) => d.box[0]), avg((d) => d.box[1]), avg((d) => d.box[2]), avg((d) => d.box[3])],
      keypoints: top.keypoints.map((_, k) => [
        avg((d) => d.keypoints[k]?.[0] ?? 0),
        avg((d) => d.keypoints[k]?.[1] ?? 0),
      ]),
      score: top.score,
    });
  }
  return kept;
}

/** Raw outputs (regressors N x 16, classificators N x 1) -> detections in input-normalised units. */
export function decodeDetections(spec: DetectorSpec, regressors: Float32Array, scores: Float32Array): Detection[] {
  const centres = anchors(spec);
  const n = centres.length / 2;
  const s = spec.inputSize;
  const found: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const logit = Math.max(-100, Math.min(100, scores[i] ?? -100));
    const score = 1 / (1 + Math.exp(-logit));
    if (score < spec.minScore) continue;
    const ax = centres[i * 2] ?? 0;
    const ay = centres[i * 2 + 1] ?? 0;
    const r = (j: number) => regressors[i * 16 + j] ?? 0;
    const cx = r(0) / s + ax;
    const cy = r(1) / s + ay;
    const w = r(2) / s;
    const h = r(3) / s;
    const keypoints: Array<[number, number]> = [];
    for (let k = 0; k < 6; k++) keypoints.push([r(4 + k * 2) / s + ax, r(5 + k * 2) / s + ay]);
    found.push({ box: [cx - w / 2, cy - h / 2, w, h], keypoints, score });
  }
  return weightedNms(found);
}

/**
 * The square region the detector saw: the whole image, letterboxed (centred, long side), as
 * MediaPipe's ImageToTensor with keep_aspect_ratio does.
 */
export function letterbox(width: number, height: number): FaceRoi {
  const side = Math.max(width, height);
  return { cx: width / 2, cy: height / 2, width: side, height: side, rotation: 0 };
}
