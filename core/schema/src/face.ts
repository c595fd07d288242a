import { z } from "zod";
import { IsoDateTimeSchema } from "./common.ts";
import { IdSchema } from "./ids.ts";
import {
  CHILD_PD_RANGE_MM,
  HUMAN_RANGES_MM,
  MEASUREMENT_WITHHELD_REASONS,
  WITHHELD_ITEMS,
} from "./measurement-limits.ts";
import { PointSchema } from "./product.ts";

export const FACE_SHAPES = ["oval", "round", "square", "heart", "oblong", "diamond"] as const;
export const FaceShapeSchema = z.enum(FACE_SHAPES);
export type FaceShape = z.infer<typeof FaceShapeSchema>;

/** A measurement always travels with its 1-SD uncertainty (TRYON.md: iris scale gives ~±2.7 mm on PD). */
export const MeasuredMmSchema = z.object({
  valueMm: z.number(),
  uncertaintyMm: z.number().nonnegative(),
});
export type MeasuredMm = z.infer<typeof MeasuredMmSchema>;

const mm = (range: { min: number; max: number }) => z.number().min(range.min).max(range.max);

/**
 * Face measurements in millimetres, within the human ranges of measurement-limits.ts (PD in the
 * child-mode range, so children's figures are accepted): input outside them is refused, not
 * clamped.
 */
export const FaceMeasurementsSchema = z.object({
  pupillaryDistanceMm: mm(CHILD_PD_RANGE_MM),
  faceWidthMm: mm(HUMAN_RANGES_MM.faceWidth),
  faceLengthMm: mm(HUMAN_RANGES_MM.faceLength).optional(),
  jawWidthMm: mm(HUMAN_RANGES_MM.jawWidth).optional(),
  foreheadWidthMm: mm(HUMAN_RANGES_MM.foreheadWidth).optional(),
});
export type FaceMeasurements = z.infer<typeof FaceMeasurementsSchema>;

export const FaceShapeScoresSchema = z.record(FaceShapeSchema, z.number().min(0).max(1));

export const HeadPoseSchema = z.object({
  rollDeg: z.number(),
  yawDeg: z.number(),
  pitchDeg: z.number(),
});
export type HeadPose = z.infer<typeof HeadPoseSchema>;

export const MeasurementWithheldReasonSchema = z.enum(MEASUREMENT_WITHHELD_REASONS);

/**
 * Figures the method cannot support for this photo: no numbers, a reason the client turns into
 * retake advice, and what exceeded its limit (pose angles, the iris size, or figures).
 */
export const WithheldSchema = z
  .object({
    status: z.literal("withheld"),
    reason: MeasurementWithheldReasonSchema,
    exceeded: z.array(z.enum(WITHHELD_ITEMS)).min(1),
  })
  .describe("No figures: the photo is beyond the pose, size or human ranges where the method holds");
export type Withheld = z.infer<typeof WithheldSchema>;

export const FaceMeasurementResultSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("measured"),
    pupillaryDistance: MeasuredMmSchema,
    faceWidth: MeasuredMmSchema,
    faceLength: MeasuredMmSchema,
    jawWidth: MeasuredMmSchema,
    foreheadWidth: MeasuredMmSchema,
  }),
  WithheldSchema,
]);
export type FaceMeasurementResult = z.infer<typeof FaceMeasurementResultSchema>;

/** Face shape follows the measurements: withheld whenever they are. */
export const FaceShapeResultSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("measured"), label: FaceShapeSchema, scores: FaceShapeScoresSchema }),
  WithheldSchema,
]);
export type FaceShapeResult = z.infer<typeof FaceShapeResultSchema>;

export const ScaleSourceSchema = z.enum(["iris", "card"]);

/**
 * What `POST /v1/face-analysis` returns. Landmarks are in the (EXIF-oriented) photo's pixels.
 * `measurements` and `faceShape` are either measured or withheld (with the same reason): a
 * photo beyond the method's limits gets no numbers at all.
 */
export const FaceAnalysisSchema = z.object({
  id: IdSchema.nullable(),
  faceCount: z.number().int().min(1),
  imageSize: z.object({ width: z.number().int(), height: z.number().int() }),
  box: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }),
  landmarks: z.array(z.tuple([z.number(), z.number(), z.number()])),
  irisCenters: z.object({ left: PointSchema, right: PointSchema }),
  headPose: HeadPoseSchema,
  mmPerPixel: z.number().positive(),
  scaleSource: ScaleSourceSchema,
  measurements: FaceMeasurementResultSchema,
  faceShape: FaceShapeResultSchema,
  warnings: z.array(z.string()).default([]),
  expiresAt: IsoDateTimeSchema.nullable(),
});
export type FaceAnalysis = z.infer<typeof FaceAnalysisSchema>;
