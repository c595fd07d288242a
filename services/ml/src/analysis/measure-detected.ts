import { irisesOf } from "@varai/face-landmarker";
import { AppError } from "@varai/schema";
import type { RawFace } from "../engine/face-pool.ts";
import { LM } from "./landmarks.ts";
import { type MeasuredFace, measureFace } from "./measure.ts";

// What the models found -> the measured face. Pure (no metrics, no pool), so that a face worker
// runs it too when it renders a try-on itself (engine/try-on-job.ts).

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

/**
 * The largest face of the direct view (merged with the mirrored view's when there is one), in
 * the photo's pixels, measured. NO_FACE when there is none, or when an eye is outside the photo.
 */
export function measureDetected(
  faces: RawFace[],
  mirroredFaces: RawFace[] | null,
  detectWidth: number,
  imageSize: { width: number; height: number },
  child: boolean,
): MeasuredFace {
  if (faces.length === 0) {
    throw new AppError("NO_FACE", "No face was found in the photo", { details: { reason: "NO_FACE" } });
  }
  const face = mirroredFaces ? mergeViews(largest(faces), mirroredFaces) : largest(faces);
  const s = imageSize.width / detectWidth;
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
  return measureFace({
    landmarks,
    box: { x: face.box[0] * s, y: face.box[1] * s, width: face.box[2] * s, height: face.box[3] * s },
    imageSize,
    angle: face.angle,
    faceCount: faces.length,
    detectionScale: s,
    child,
  });
}
