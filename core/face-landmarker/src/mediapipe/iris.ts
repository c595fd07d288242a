import type { FaceRoi } from "../port.ts";

/** Eye crops for the iris model: 64 x 64, 2.3 x the eye's corner span (MediaPipe, and human). */
export const IRIS_INPUT = 64;
const EYE_SCALE = 2.3;
/** The model returns 71 eye-contour points, then the iris: centre and a ring of four. */
const IRIS_OFFSET = 71;

/**
 * The eyes in the port's order: `left` (the subject's left, corners 263/362: landmarks 468-472)
 * goes in flipped, as MediaPipe feeds its "right" eye, so that both look like the eye the model
 * was trained on; `right` (33/133: 473-477) unflipped.
 */
export const EYES = [
  { block: 468, corners: [263, 362], flip: true },
  { block: 473, corners: [33, 133], flip: false },
] as const;

/** The eye's crop: centred between its corners, square, aligned with the face's ROI. */
export function eyeRoi(landmarks: Float32Array, corners: readonly [number, number], faceRotation: number): FaceRoi {
  const [a, b] = corners;
  const ax = landmarks[a * 3] ?? 0;
  const ay = landmarks[a * 3 + 1] ?? 0;
  const bx = landmarks[b * 3] ?? 0;
  const by = landmarks[b * 3 + 1] ?? 0;
  const cos = Math.cos(faceRotation);
  const sin = Math.sin(faceRotation);
  // Corner span in the face crop's frame, squared on its long side (human's getEyeBox).
  const du = Math.abs((bx - ax) * cos + (by - ay) * sin);
  const dv = Math.abs(-(bx - ax) * sin + (by - ay) * cos);
  const side = Math.max(du, dv) * EYE_SCALE;
  return { cx: (ax + bx) / 2, cy: (ay + by) / 2, width: side, height: side, rotation: faceRotation };
}

/** The iris model's output (76 x 3, crop pixels) -> the iris's five points in crop pixels, unflipped. */
export function irisPoints(output: Float32Array, flip: boolean): Array<[number, number, number]> {
  const points: Array<[number, number, number]> = [];
  for (let i = IRIS_OFFSET; i < IRIS_OFFSET + 5; i++) {
    const u = output[i * 3] ?? 0;
    points.push([flip ? IRIS_INPUT - u : u, output[i * 3 + 1] ?? 0, output[i * 3 + 2] ?? 0]);
  }
  return points;
}
