import {
  checkMeasurements,
  type FaceAnalysis,
  type IrisScale,
  irisScale,
  pupillaryDistanceMm,
  spanMm,
} from "@varai/schema";
import { classifyFaceShape } from "./face-shape.ts";
import { dist, type Landmarks, LM, point } from "./landmarks.ts";

// The iris scale and PD are @varai/schema's (iris-scale.ts), shared with the live try-on.
export { IRIS_DIAMETER_MM, IRIS_DIAMETER_SD_MM } from "@varai/schema";

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

/** Figures rounded to 0.1 mm, as the API reports them. */
function rounded(figure: { valueMm: number; uncertaintyMm: number }) {
  return { valueMm: round(figure.valueMm, 1), uncertaintyMm: round(figure.uncertaintyMm, 1) };
}

function warningsOf(
  input: MeasureInput,
  irisPx: number,
  faceWidthPx: number,
  pose: { yawDeg: number; pitchDeg: number },
) {
  const p = (i: number) => point(input.landmarks, i);
  const warnings: string[] = [];
  if (input.faceCount > 1) warnings.push(WARNINGS.severalFaces);
  if (Math.abs(pose.yawDeg) > 20) warnings.push(WARNINGS.strongYaw);
  if (Math.abs(pose.pitchDeg) > 25) warnings.push(WARNINGS.strongPitch);
  const margin = -0.02 * faceWidthPx;
  const cut = LM.faceOval.some((i) => {
    const [x, y] = p(i);
    return x < margin || y < margin || x > input.imageSize.width - margin || y > input.imageSize.height - margin;
  });
  if (cut) warnings.push(WARNINGS.faceCut);
  // Below ~10 px the iris diameter alone carries a >5 % scale error.
  if (irisPx < 10 || faceWidthPx < 100) warnings.push(WARNINGS.smallFace);
  return warnings;
}

/** The face's spans in pixels and in millimetres on the iris scale. */
function spansOf(lm: Landmarks, scale: IrisScale) {
  const p = (i: number) => point(lm, i);
  const d = (pair: readonly [number, number]) => dist(p(pair[0]), p(pair[1]));
  const px = {
    faceWidth: d(LM.faceWidth),
    length: d(LM.faceLength),
    jaw: d(LM.jawWidth),
    forehead: d(LM.foreheadWidth),
    chin: d(LM.chinWidth),
  };
  const measurements = {
    pupillaryDistance: rounded(pupillaryDistanceMm(lm, scale)),
    faceWidth: rounded(spanMm(scale, px.faceWidth, 3)),
    // The mesh top is not the hairline: a larger model term.
    faceLength: rounded(spanMm(scale, px.length, 8)),
    jawWidth: rounded(spanMm(scale, px.jaw, 3)),
    foreheadWidth: rounded(spanMm(scale, px.forehead, 3)),
  };
  return { px, measurements };
}

export function measureFace(input: MeasureInput): MeasuredFace {
  const lm = input.landmarks;
  const yawRad = input.angle?.yaw ?? 0;
  const pitchRad = input.angle?.pitch ?? 0;
  const scale = irisScale(lm, yawRad);
  const left = point(lm, LM.leftIris.center);
  const right = point(lm, LM.rightIris.center);
  const { px, measurements } = spansOf(lm, scale);

  // Roll from the eye line, image-left eye to image-right eye (y grows downwards, so a
  // positive roll means the line tilts clockwise on screen).
  const [a, b] = left[0] >= right[0] ? [right, left] : [left, right];
  const rollDeg = (Math.atan2(b[1] - a[1], b[0] - a[0]) * 180) / Math.PI;
  const yawDeg = (yawRad * 180) / Math.PI;
  const pitchDeg = (pitchRad * 180) / Math.PI;
  const warnings = warningsOf(input, scale.irisDiameterPx * scale.unYaw, px.faceWidth, { yawDeg, pitchDeg });

  const headPose = { rollDeg: round(rollDeg, 1), yawDeg: round(yawDeg, 1), pitchDeg: round(pitchDeg, 1) };
  // Beyond the pose and size where the method holds, or with a figure no human has, nothing is
  // reported: neither the numbers nor the face shape drawn from the same landmarks.
  const verdict = checkMeasurements({
    headPose,
    irisDiameterPx: scale.irisDiameterPx / input.detectionScale,
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
    mmPerPixel: round(scale.mmPerPixel, 5),
    scaleSource: "iris",
    measurements: withheld ?? { status: "measured", ...measurements },
    faceShape: withheld ?? {
      status: "measured",
      ...classifyFaceShape({
        length: px.length / px.faceWidth,
        jaw: px.jaw / px.faceWidth,
        forehead: px.forehead / px.faceWidth,
        chin: px.chin / px.faceWidth,
      }),
    },
    warnings,
  };
}
