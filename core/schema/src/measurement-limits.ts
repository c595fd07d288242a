/**
 * Where a face measured from one photo can be believed, and the human ranges a figure must fall
 * in. The server's analysis and the widget's live mode apply the same rule: outside these
 * limits the figures are withheld with a reason, never shown. The limits come from measuring
 * how the figures drift on tilted, turned and shrunk copies of a frontal photo: the numbers and
 * the test that produces them are in services/ml/README.md ("Measurement limits").
 */

/** Why the measurements of a photo were withheld. A closed set: clients map each to retake advice. */
export const MEASUREMENT_WITHHELD_REASONS = [
  /** The head is turned, tilted or nodding beyond POSE_LIMITS_DEG. */
  "POSE_TOO_STRONG",
  /** The iris is too few pixels wide for the iris model to give a scale. */
  "FACE_TOO_SMALL",
  /** A figure no human has: the landmarks or the scale are wrong (blur, glare, poor light, glasses). */
  "OUT_OF_HUMAN_RANGE",
] as const;
export type MeasurementWithheldReason = (typeof MEASUREMENT_WITHHELD_REASONS)[number];

/**
 * Head pose limits in degrees, as the analysis reports the pose (roll from the eye line, yaw and
 * pitch from the face mesh). The mesh reads a level, frontal face at a pitch of about +7, hence
 * the asymmetric pitch window.
 */
export const POSE_LIMITS_DEG = {
  roll: 20,
  yaw: 10,
  pitch: { min: -5, max: 25 },
} as const;

/** Below this horizontal iris diameter, in the pixels the models saw, the scale drifts beyond its uncertainty. */
export const MIN_IRIS_DIAMETER_PX = 3.5;

/**
 * Human ranges of the measured figures, in mm, adults and children alike except PD:
 * - PD: adults 50-80 (TRYON.md: 50-75 covers almost everyone), children down to 40 and, with
 *   child mode, the wider 40-85.
 * - Face width (bizygomatic): 100-190.
 * - Face length: 100-220. The analysis measures from the top of the face mesh (on the forehead,
 *   above the nasion and below the hairline) to the chin, so the figure lies between the
 *   morphological face height and the total (hairline to chin) face height, which the
 *   recommendations take it for. The NIOSH bivariate respirator fit-test panel (Zhuang et al.
 *   2007, drawn from 3,997 US adults) spans menton-sellion lengths of 98.5-138.5 mm: hence 100 at
 *   the bottom. The top adds a high forehead (trichion-nasion averages about 67-72 mm, SD about
 *   3) to the panel's longest face: 138.5 + 80, about 220.
 * - Jaw and forehead widths: 70-180 and 80-180, the bounds the recommendations API has always
 *   accepted.
 */
export const HUMAN_RANGES_MM = {
  pupillaryDistance: { min: 50, max: 80 },
  faceWidth: { min: 100, max: 190 },
  faceLength: { min: 100, max: 220 },
  jawWidth: { min: 70, max: 180 },
  foreheadWidth: { min: 80, max: 180 },
} as const;
export const CHILD_PD_RANGE_MM = { min: 40, max: 85 } as const;

export type MeasuredFigure = keyof typeof HUMAN_RANGES_MM;
export const MEASURED_FIGURES = Object.keys(HUMAN_RANGES_MM) as MeasuredFigure[];

/** What a withholding names as exceeded: pose angles, the iris size, or figures. */
export const WITHHELD_ITEMS = ["roll", "yaw", "pitch", "irisDiameter", ...MEASURED_FIGURES] as const;
export type WithheldItem = (typeof WITHHELD_ITEMS)[number];

export function humanRangeMm(figure: MeasuredFigure, { child = false }: { child?: boolean } = {}) {
  return figure === "pupillaryDistance" && child ? CHILD_PD_RANGE_MM : HUMAN_RANGES_MM[figure];
}

export interface MeasurementCheck {
  headPose: { rollDeg: number; yawDeg: number; pitchDeg: number };
  /** Mean horizontal iris diameter, in the pixels of the image the models ran on. */
  irisDiameterPx: number;
  figuresMm: Partial<Record<MeasuredFigure, number>>;
  child?: boolean;
}

export type MeasurementVerdict =
  | { status: "measured" }
  | { status: "withheld"; reason: MeasurementWithheldReason; exceeded: WithheldItem[] };

/**
 * Measured, or withheld with the first reason that applies: pose before size before range,
 * because a turned or tiny face is what makes the figures wrong, and the shopper can fix it.
 */
export function checkMeasurements(check: MeasurementCheck): MeasurementVerdict {
  const { rollDeg, yawDeg, pitchDeg } = check.headPose;
  const pose: WithheldItem[] = [];
  if (!(Math.abs(rollDeg) <= POSE_LIMITS_DEG.roll)) pose.push("roll");
  if (!(Math.abs(yawDeg) <= POSE_LIMITS_DEG.yaw)) pose.push("yaw");
  if (!(pitchDeg >= POSE_LIMITS_DEG.pitch.min && pitchDeg <= POSE_LIMITS_DEG.pitch.max)) pose.push("pitch");
  if (pose.length) return { status: "withheld", reason: "POSE_TOO_STRONG", exceeded: pose };
  if (!(check.irisDiameterPx >= MIN_IRIS_DIAMETER_PX)) {
    return { status: "withheld", reason: "FACE_TOO_SMALL", exceeded: ["irisDiameter"] };
  }
  const outside = MEASURED_FIGURES.filter((figure) => {
    const value = check.figuresMm[figure];
    if (value === undefined) return false;
    const range = humanRangeMm(figure, { child: check.child });
    return !(value >= range.min && value <= range.max);
  });
  if (outside.length) return { status: "withheld", reason: "OUT_OF_HUMAN_RANGE", exceeded: outside };
  return { status: "measured" };
}
