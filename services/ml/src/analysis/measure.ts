import { checkMeasurements, type FaceAnalysis } from "@varai/schema";
import { classifyFaceShape } from "./face-shape.ts";
import { dist, type Landmarks, LM, point } from "./landmarks.ts";

/** Horizontal visible iris diameter of adults, 11.7 +/- 0.5 mm (TRYON.md). */
export const IRIS_DIAMETER_MM = 11.7;
export const IRIS_DIAMETER_SD_MM = 0.5;
/** Sub-pixel landmark noise we assume per point, in pixels (1 SD). */
const LANDMARK_SD_PX = 0.5;

export const WARNINGS = {
  strongYaw: "strong-yaw",
  strongPitch: "strong-pitch",
  faceCut: "face-cut-by-border",
  smallFace: "small-face",
  severalFaces: "several-faces",
} as const;

export interface MeasureInput {
  landmarks: Landmarks;
  box: { x: number; y: number; width: number; height: number };
  imageSize: { width: number; height: number };
  /** Head angles from the mesh, radians. */
  angle: { yaw: number; pitch: number } | null;
  faceCount: number;
  /** Photo pixels per pixel of the image the models ran on (the photo is shrunk for detection). */
  detectionScale: number;
  /** Child mode: PD down to 40 and up to 85 mm is a human figure. */
  child?: boolean;
}

export type MeasuredFace = Omit<FaceAnalysis, "id" | "expiresAt">;

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

export function measureFace(input: MeasureInput): MeasuredFace {
  const lm = input.landmarks;
  const p = (i: number) => point(lm, i);
  const d = (pair: readonly [number, number]) => dist(p(pair[0]), p(pair[1]));
  const yawRad = input.angle?.yaw ?? 0;
  const pitchRad = input.angle?.pitch ?? 0;
  // Horizontal distances of a face turned by yaw shrink by cos(yaw); undo it (capped at 45 deg).
  const unYaw = 1 / Math.cos(Math.min(Math.abs(yawRad), Math.PI / 4));

  // The horizontal iris diameter (469-471, 474-476) is what the 11.7 mm figure describes.
  const leftIris = dist(p(LM.leftIris.ring[0]), p(LM.leftIris.ring[2]));
  const rightIris = dist(p(LM.rightIris.ring[0]), p(LM.rightIris.ring[2]));
  const irisPx = ((leftIris + rightIris) / 2) * unYaw;
  const mmPerPixel = IRIS_DIAMETER_MM / irisPx;
  // Relative 1-SD error of the scale: population spread of the iris plus landmark noise on it.
  const scaleRel = Math.hypot(IRIS_DIAMETER_SD_MM / IRIS_DIAMETER_MM, (LANDMARK_SD_PX * Math.SQRT1_2) / irisPx);
  const measured = (px: number, modelSdMm = 0) => {
    const valueMm = px * unYaw * mmPerPixel;
    const uncertaintyMm = Math.hypot(valueMm * scaleRel, LANDMARK_SD_PX * Math.SQRT2 * mmPerPixel, modelSdMm);
    return { valueMm: round(valueMm, 1), uncertaintyMm: round(uncertaintyMm, 1) };
  };

  const left = p(LM.leftIris.center);
  const right = p(LM.rightIris.center);
  const iodPx = dist(left, right);
  const faceWidthPx = d(LM.faceWidth);
  const lengthPx = d(LM.faceLength);
  const jawPx = d(LM.jawWidth);
  const foreheadPx = d(LM.foreheadWidth);
  const chinPx = d(LM.chinWidth);

  // Roll from the eye line, image-left eye to image-right eye (y grows downwards, so a
  // positive roll means the line tilts clockwise on screen).
  const [a, b] = left[0] >= right[0] ? [right, left] : [left, right];
  const rollDeg = (Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI;
  const yawDeg = (yawRad * 180) / Math.PI;
  const pitchDeg = (pitchRad * 180) / Math.PI;

  const warnings: string[] = [];
  if (input.faceCount > 1) warnings.push(WARNINGS.severalFaces);
  if (Math.abs(yawDeg) > 20) warnings.push(WARNINGS.strongYaw);
  if (Math.abs(pitchDeg) > 25) warnings.push(WARNINGS.strongPitch);
  const margin = -0.02 * faceWidthPx;
  const cut = LM.faceOval.some((i) => {
    const [x, y] = p(i);
    return x < margin || y < margin || x > input.imageSize.width - margin || y > input.imageSize.height - margin;
  });
  if (cut) warnings.push(WARNINGS.faceCut);
  // Below ~10 px the iris diameter alone carries a >5 % scale error.
  if (irisPx < 10 || faceWidthPx < 100) warnings.push(WARNINGS.smallFace);

  const headPose = { rollDeg: round(rollDeg, 1), yawDeg: round(yawDeg, 1), pitchDeg: round(pitchDeg, 1) };
  const measurements = {
    pupillaryDistance: measured(iodPx),
    faceWidth: measured(faceWidthPx, 3),
    // The mesh top is not the hairline: a larger model term.
    faceLength: measured(lengthPx, 8),
    jawWidth: measured(jawPx, 3),
    foreheadWidth: measured(foreheadPx, 3),
  };
  // Beyond the pose and size where the method holds, or with a figure no human has, nothing is
  // reported: neither the numbers nor the face shape drawn from the same landmarks.
  const verdict = checkMeasurements({
    headPose,
    irisDiameterPx: (leftIris + rightIris) / 2 / input.detectionScale,
    figuresMm: Object.fromEntries(Object.entries(measurements).map(([k, v]) => [k, v.valueMm])),
    child: input.child,
  });
  const withheld = verdict.status === "withheld" ? verdict : null;

  return {
    faceCount: input.faceCount,
    imageSize: input.imageSize,
    box: input.box,
    landmarks: lm.map(([x, y, z]) => [round(x), round(y), round(z)] as [number, number, number]),
    irisCenters: { left: { x: round(left[0]), y: round(left[1]) }, right: { x: round(right[0]), y: round(right[1]) } },
    headPose,
    mmPerPixel: round(mmPerPixel, 5),
    scaleSource: "iris",
    measurements: withheld ?? { status: "measured", ...measurements },
    faceShape: withheld ?? {
      status: "measured",
      ...classifyFaceShape({
        length: lengthPx / faceWidthPx,
        jaw: jawPx / faceWidthPx,
        forehead: foreheadPx / faceWidthPx,
        chin: chinPx / faceWidthPx,
      }),
    },
    warnings,
  };
}
