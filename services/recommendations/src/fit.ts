import { estimateFrameWidthMm, type FrameDimensions } from "@varai/schema";

/**
 * Fit in millimetres (TRYON.md, "Frame sizing"):
 * - total frame width should be close to face width;
 * - frame PD = lens width + bridge; decentration per eye = (frame PD - PD) / 2, 1-3 mm is comfortable;
 * - lens height in proportion to face length.
 * Each part scores 1 inside its comfortable band and falls off as a Gaussian outside it.
 * The scalar functions are shared by the typed-array ranker and the explanations, so the
 * numbers in a reason are the numbers that were scored.
 */
export const FIT = {
  /** |frame width - face width| up to this scores 1. */
  widthToleranceMm: 4,
  widthFalloffMm: 5,
  /** |decentration per eye| up to this scores 1 (TRYON.md: 1-3 mm per eye is comfortable). */
  decentrationComfortMm: 3,
  decentrationFalloffMm: 2,
  /** Ideal lens height as a share of face length (about 34 mm for a 190 mm face). */
  lensHeightShareOfFaceLength: 0.18,
  lensHeightToleranceMm: 3,
  lensHeightFalloffMm: 3,
  /** Weights of the parts; renormalised over the parts that can be computed. */
  weights: { width: 0.5, pd: 0.35, height: 0.15 },
} as const;

export interface FaceSize {
  pupillaryDistanceMm: number;
  faceWidthMm: number;
  faceLengthMm?: number | undefined;
}

function band(deviation: number, tolerance: number, falloff: number): number {
  const outside = Math.abs(deviation) - tolerance;
  if (outside <= 0) return 1;
  const z = outside / falloff;
  return Math.exp(-0.5 * z * z);
}

export const widthScore = (frameWidthMm: number, faceWidthMm: number) =>
  band(frameWidthMm - faceWidthMm, FIT.widthToleranceMm, FIT.widthFalloffMm);

export const decentrationPerEye = (lensWidthMm: number, bridgeWidthMm: number, pdMm: number) =>
  (lensWidthMm + bridgeWidthMm - pdMm) / 2;

export const decentrationScore = (decentrationMm: number) =>
  band(decentrationMm, FIT.decentrationComfortMm, FIT.decentrationFalloffMm);

export const idealLensHeight = (faceLengthMm: number) => faceLengthMm * FIT.lensHeightShareOfFaceLength;

export const lensHeightScore = (lensHeightMm: number, faceLengthMm: number) =>
  band(lensHeightMm - idealLensHeight(faceLengthMm), FIT.lensHeightToleranceMm, FIT.lensHeightFalloffMm);

/**
 * Total frame width, measured or estimated from the size label (`estimateFrameWidthMm`, the
 * estimate the try-on uses too); null when neither is known. An estimate makes the reason say "about".
 */
export function frameWidthOf(dims: FrameDimensions): { valueMm: number; estimated: boolean } | null {
  if (dims.frameWidthMm !== undefined) return { valueMm: dims.frameWidthMm, estimated: false };
  if (dims.lensWidthMm !== undefined && dims.bridgeWidthMm !== undefined) {
    return { valueMm: estimateFrameWidthMm(dims.lensWidthMm, dims.bridgeWidthMm), estimated: true };
  }
  return null;
}

/**
 * The combined fit from the parts that can be computed (NaN marks an unknown value).
 * Returns NaN when neither width nor PD can be judged: the product's size is unknown.
 */
export function combinedFit(
  frameWidthMm: number,
  lensWidthMm: number,
  bridgeWidthMm: number,
  lensHeightMm: number,
  face: FaceSize,
): number {
  let sum = 0;
  let weight = 0;
  let sized = false;
  if (!Number.isNaN(frameWidthMm)) {
    sum += FIT.weights.width * widthScore(frameWidthMm, face.faceWidthMm);
    weight += FIT.weights.width;
    sized = true;
  }
  if (!Number.isNaN(lensWidthMm) && !Number.isNaN(bridgeWidthMm)) {
    sum += FIT.weights.pd * decentrationScore(decentrationPerEye(lensWidthMm, bridgeWidthMm, face.pupillaryDistanceMm));
    weight += FIT.weights.pd;
    sized = true;
  }
  if (!sized) return Number.NaN;
  if (!Number.isNaN(lensHeightMm) && face.faceLengthMm !== undefined) {
    sum += FIT.weights.height * lensHeightScore(lensHeightMm, face.faceLengthMm);
    weight += FIT.weights.height;
  }
  return sum / weight;
}

export interface FitExplanation {
  /** 0..1, or null when the frame's size is unknown. */
  score: number | null;
  badges: string[];
  reasons: string[];
}

const mm = (value: number) => `${Math.round(value)} mm`;
const mm1 = (value: number) => `${Math.round(value * 10) / 10} mm`;

/** The fit of one frame with badges and sentences carrying the real numbers. */
export function explainFit(dims: FrameDimensions, face: FaceSize): FitExplanation {
  const badges: string[] = [];
  const reasons: string[] = [];
  const width = frameWidthOf(dims);
  const lens = dims.lensWidthMm ?? Number.NaN;
  const bridge = dims.bridgeWidthMm ?? Number.NaN;
  const score = combinedFit(width?.valueMm ?? Number.NaN, lens, bridge, dims.lensHeightMm ?? Number.NaN, face);
  if (Number.isNaN(score)) {
    return { score: null, badges: ["size-unknown"], reasons: ["size unknown: scored on style only"] };
  }

  if (width) {
    const diff = width.valueMm - face.faceWidthMm;
    const what = width.estimated ? `frame width about ${mm(width.valueMm)}` : `frame width ${mm(width.valueMm)}`;
    if (Math.abs(diff) <= FIT.widthToleranceMm) {
      badges.push("width-match");
      reasons.push(`${what} matches your face width ${mm(face.faceWidthMm)}`);
    } else if (diff < 0) {
      badges.push("narrow");
      reasons.push(`${what} is ${mm(-diff)} narrower than your face width ${mm(face.faceWidthMm)}`);
    } else {
      badges.push("wide");
      reasons.push(`${what} is ${mm(diff)} wider than your face width ${mm(face.faceWidthMm)}`);
    }
  }

  if (dims.lensWidthMm !== undefined && dims.bridgeWidthMm !== undefined) {
    const framePd = dims.lensWidthMm + dims.bridgeWidthMm;
    const dec = decentrationPerEye(dims.lensWidthMm, dims.bridgeWidthMm, face.pupillaryDistanceMm);
    const head = `frame PD ${mm(framePd)} (lens ${mm(dims.lensWidthMm)} + bridge ${mm(dims.bridgeWidthMm)}) for your PD ${mm1(face.pupillaryDistanceMm)}: ${mm1(Math.abs(dec))} decentration per eye`;
    if (Math.abs(dec) <= FIT.decentrationComfortMm) {
      badges.push("pd-comfortable");
      reasons.push(`${head}, within the comfortable 1-3 mm`);
    } else {
      badges.push("pd-decentration");
      reasons.push(`${head}, more than the comfortable 1-3 mm`);
    }
  }

  if (dims.lensHeightMm !== undefined && face.faceLengthMm !== undefined) {
    const diff = dims.lensHeightMm - idealLensHeight(face.faceLengthMm);
    const what = `lens height ${mm(dims.lensHeightMm)}`;
    if (Math.abs(diff) <= FIT.lensHeightToleranceMm) {
      badges.push("lens-height-match");
      reasons.push(`${what} suits your face length ${mm(face.faceLengthMm)}`);
    } else {
      badges.push(diff < 0 ? "lens-shallow" : "lens-deep");
      reasons.push(`${what} is ${diff < 0 ? "shallow" : "deep"} for your face length ${mm(face.faceLengthMm)}`);
    }
  }
  return { score, badges, reasons };
}
