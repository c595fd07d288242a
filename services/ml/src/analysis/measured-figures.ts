// Test-only: narrows an analysis to its figures, failing with the reason when they were withheld.
import type { MeasuredFace } from "./measure.ts";

type Measured<T> = Extract<T, { status: "measured" }>;

export function measuredFigures(face: MeasuredFace): {
  measurements: Measured<MeasuredFace["measurements"]>;
  faceShape: Measured<MeasuredFace["faceShape"]>;
} {
  const { measurements, faceShape } = face;
  if (measurements.status !== "measured" || faceShape.status !== "measured") {
    const withheld = measurements.status === "withheld" ? measurements : faceShape;
    throw new Error(`figures withheld: ${JSON.stringify(withheld)} (head pose ${JSON.stringify(face.headPose)})`);
  }
  return { measurements, faceShape };
}
