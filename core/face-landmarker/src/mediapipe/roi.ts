import type { FaceRoi, HeadAngles } from "../port.ts";

/** MediaPipe's face ROI: 1.5 x the face, square on the long side (face_detection_front_detection_to_roi.pbtxt). */
const ROI_SCALE = 1.5;

/** A detection (image pixels: box, the two eye keypoints) -> the rotated crop the mesh model reads. */
export function roiFromDetection(
  box: readonly [number, number, number, number],
  eyeA: readonly [number, number],
  eyeB: readonly [number, number],
): FaceRoi {
  // Rotation that makes the eye line horizontal (target angle 0).
  const rotation = Math.atan2(eyeB[1] - eyeA[1], eyeB[0] - eyeA[0]);
  const side = Math.max(box[2], box[3]) * ROI_SCALE;
  return { cx: box[0] + box[2] / 2, cy: box[1] + box[3] / 2, width: side, height: side, rotation };
}

/**
 * The next frame's crop from this frame's landmarks (MediaPipe's face_landmarks_to_roi: eye line
 * 33 -> 263 for the rotation, 1.5 x the landmarks' extent). The extent is taken in the rotated
 * frame, so a tilted face does not grow its box.
 */
export function roiFromLandmarks(landmarks: Float32Array, count = 468): FaceRoi {
  const x = (i: number) => landmarks[i * 3] ?? 0;
  const y = (i: number) => landmarks[i * 3 + 1] ?? 0;
  const rotation = Math.atan2(y(263) - y(33), x(263) - x(33));
  const cos = Math.cos(rotation);
  const sin = Math.sin(rotation);
  let minU = Number.POSITIVE_INFINITY;
  let maxU = Number.NEGATIVE_INFINITY;
  let minV = Number.POSITIVE_INFINITY;
  let maxV = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const u = x(i) * cos + y(i) * sin;
    const v = -x(i) * sin + y(i) * cos;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  const cu = (minU + maxU) / 2;
  const cv = (minV + maxV) / 2;
  const side = Math.max(maxU - minU, maxV - minV) * ROI_SCALE;
  return { cx: cu * cos - cv * sin, cy: cu * sin + cv * cos, width: side, height: side, rotation };
}

/** The landmarks' axis-aligned extent [x, y, width, height]. */
export function landmarkBox(landmarks: Float32Array, count = 468): [number, number, number, number] {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const px = landmarks[i * 3] ?? 0;
    const py = landmarks[i * 3 + 1] ?? 0;
    minX = Math.min(minX, px);
    maxX = Math.max(maxX, px);
    minY = Math.min(minY, py);
    maxY = Math.max(maxY, py);
  }
  return [minX, minY, maxX - minX, maxY - minY];
}

type Vec = [number, number, number];
const sub = (a: Vec, b: Vec): Vec => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const cross = (a: Vec, b: Vec): Vec => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const unit = (a: Vec): Vec => {
  const n = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / n, a[1] / n, a[2] / n];
};

/**
 * Head angles from the mesh, as human 3.3.6 computes them (`calculateFaceAngle`: axes from
 * forehead-chin 10 -> 152 and cheek-cheek 234 -> 454), so the pose limits of @varai/schema,
 * measured on human's readings, hold for both implementations. `zScale` puts the mesh's depth
 * in human's units (its z is relative to the crop, its x and y to the face).
 */
export function headAngles(landmarks: Float32Array, zScale: number): HeadAngles {
  const p = (i: number): Vec => [
    landmarks[i * 3] ?? 0,
    landmarks[i * 3 + 1] ?? 0,
    (landmarks[i * 3 + 2] ?? 0) * zScale,
  ];
  const yAxis = unit(sub(p(152), p(10)));
  let xAxis = unit(sub(p(454), p(234)));
  const zAxis = unit(cross(xAxis, yAxis));
  xAxis = cross(yAxis, zAxis);
  const [r00, , , r10, r11, r12, r20, r21, r22] = [...xAxis, ...yAxis, ...zAxis];
  let pitch: number;
  let yaw: number;
  let roll: number;
  if (r10 < 1 && r10 > -1) {
    roll = Math.atan2(r10, Math.hypot(r00, r20));
    yaw = Math.atan2(-r20, r00);
    pitch = Math.atan2(-r12, r11);
  } else {
    roll = r10 >= 1 ? Math.PI / 2 : -Math.PI / 2;
    yaw = (r10 >= 1 ? 1 : -1) * Math.atan2(r21, r22);
    pitch = 0;
  }
  return { pitch: -pitch || 0, yaw: -yaw || 0, roll: -roll || 0 };
}
