import { z } from "zod";
import { IsoDateTimeSchema } from "./common.ts";
import { IdSchema } from "./ids.ts";
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

/**
 * Face measurements in millimetres. Ranges are human ranges with margin (adult PD 50-75 mm
 * covers almost everyone; children go lower): input outside them is refused, not clamped.
 */
export const FaceMeasurementsSchema = z.object({
  pupillaryDistanceMm: z.number().min(40).max(85),
  faceWidthMm: z.number().min(100).max(190),
  faceLengthMm: z.number().min(140).max(260).optional(),
  jawWidthMm: z.number().min(70).max(180).optional(),
  foreheadWidthMm: z.number().min(80).max(180).optional(),
});
export type FaceMeasurements = z.infer<typeof FaceMeasurementsSchema>;

export const FaceShapeScoresSchema = z.record(FaceShapeSchema, z.number().min(0).max(1));

export const HeadPoseSchema = z.object({
  rollDeg: z.number(),
  yawDeg: z.number(),
  pitchDeg: z.number(),
});
export type HeadPose = z.infer<typeof HeadPoseSchema>;

export const ScaleSourceSchema = z.enum(["iris", "card"]);

/** What `POST /v1/face-analysis` returns. Landmarks are in the (EXIF-oriented) photo's pixels. */
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
  measurements: z.object({
    pupillaryDistance: MeasuredMmSchema,
    faceWidth: MeasuredMmSchema,
    faceLength: MeasuredMmSchema,
    jawWidth: MeasuredMmSchema,
    foreheadWidth: MeasuredMmSchema,
  }),
  faceShape: z.object({ label: FaceShapeSchema, scores: FaceShapeScoresSchema }),
  warnings: z.array(z.string()).default([]),
  expiresAt: IsoDateTimeSchema.nullable(),
});
export type FaceAnalysis = z.infer<typeof FaceAnalysisSchema>;
