import { AppError, type FaceMeasurements, type FaceShape, type RecommendationRequest } from "@varai/schema";
import type { RecsContext } from "./context.ts";
import type { FaceSize } from "./fit.ts";
import { type FaceShapeProbabilities, toProbabilities } from "./style-rules.ts";

export interface ResolvedProfile {
  /** Measurements rounded to what changes a fit; null without PD and face width. */
  face: FaceSize | null;
  probabilities: FaceShapeProbabilities | null;
  label: FaceShape | null;
  /** The stored face analysis the request named, if any. */
  analysis: { shopperId: string | null; expiresAt: Date } | null;
}

const round = (value: number, step: number) => Math.round(value / step) * step;

/**
 * The face a request describes: a stored face analysis (with the request's measurements on top),
 * measurements, a face shape, or a mix; rounded into the profile bucket that results are cached by.
 */
export async function resolveProfile(
  ctx: Pick<RecsContext, "collections" | "clock">,
  tenantId: string,
  request: RecommendationRequest,
): Promise<ResolvedProfile> {
  let measurements: Partial<FaceMeasurements> | undefined = request.measurements;
  let probabilities: FaceShapeProbabilities | null = null;
  let label: FaceShape | null = null;
  let analysis: { shopperId: string | null; expiresAt: Date } | null = null;
  if (request.faceAnalysisId) {
    const doc = await ctx.collections.faces.findById(tenantId, request.faceAnalysisId);
    // Expiry is not instantaneous in MongoDB's TTL monitor: check it here too. An analysis
    // kept for one shopper is not another's to use (it answers as unknown).
    if (
      !doc ||
      new Date(doc.expiresAt).getTime() <= ctx.clock().getTime() ||
      (doc.shopperId && request.shopperId && doc.shopperId !== request.shopperId)
    ) {
      throw new AppError("NOT_FOUND", "Face analysis not found or expired", {
        details: { field: "faceAnalysisId" },
      });
    }
    analysis = { shopperId: doc.shopperId, expiresAt: new Date(doc.expiresAt) };
    measurements = { ...doc.measurements, ...request.measurements };
    label = doc.faceShape.label;
    probabilities = toProbabilities(doc.faceShape.scores) ?? { [label]: 1 };
  }
  if (request.faceShape) {
    label = request.faceShape;
    probabilities = { [label]: 1 };
  }
  if (!measurements && !label) {
    throw new AppError("INVALID_INPUT", "Give faceAnalysisId, measurements or faceShape", {
      details: { issues: [{ path: "faceAnalysisId", message: "one of faceAnalysisId, measurements, faceShape" }] },
    });
  }
  return { face: roundedFace(measurements), probabilities: roundedShape(probabilities), label, analysis };
}

/** The profile bucket: measurements rounded to what changes a fit (and what is stored). */
function roundedFace(measurements: Partial<FaceMeasurements> | undefined): FaceSize | null {
  if (measurements?.pupillaryDistanceMm === undefined || measurements.faceWidthMm === undefined) return null;
  return {
    pupillaryDistanceMm: round(measurements.pupillaryDistanceMm, 0.5),
    faceWidthMm: round(measurements.faceWidthMm, 1),
    faceLengthMm: measurements.faceLengthMm === undefined ? undefined : round(measurements.faceLengthMm, 2),
  };
}

function roundedShape(probabilities: FaceShapeProbabilities | null): FaceShapeProbabilities | null {
  if (!probabilities) return null;
  const rounded: FaceShapeProbabilities = {};
  for (const [shape, p] of Object.entries(probabilities)) {
    if (p >= 0.05) rounded[shape as FaceShape] = round(p, 0.05);
  }
  return toProbabilities(rounded) ?? probabilities;
}
