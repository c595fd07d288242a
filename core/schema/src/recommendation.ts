import { z } from "zod";
import { FaceMeasurementsSchema, FaceShapeSchema } from "./face.ts";
import { FrameShapeSchema, RimTypeSchema } from "./product.ts";

export const RecommendationFiltersSchema = z
  .object({
    shapes: z.array(FrameShapeSchema).max(20).optional(),
    rims: z.array(RimTypeSchema).max(5).optional(),
    maxPrice: z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .optional(),
    brands: z.array(z.string().max(256)).max(50).optional(),
  })
  .strict();

export const RecommendationRequestSchema = z
  .object({
    faceAnalysisId: z.string().min(1).max(128).optional(),
    measurements: FaceMeasurementsSchema.optional(),
    faceShape: FaceShapeSchema.optional(),
    limit: z.number().int().min(1).max(50).default(10),
    filters: RecommendationFiltersSchema.default({}),
    shopperId: z.string().min(1).max(128).optional(),
    /** The widget's consent state: a shopperId is accepted (and kept) only with `true`. */
    consent: z.boolean().optional(),
  })
  .strict();
export type RecommendationRequest = z.infer<typeof RecommendationRequestSchema>;

export const RecommendationItemSchema = z.object({
  productId: z.string(),
  title: z.string(),
  score: z.number(),
  parts: z.object({
    fit: z.number().nullable(),
    style: z.number(),
    preference: z.number().nullable(),
    merchantBoost: z.number(),
  }),
  fitBadges: z.array(z.string()),
  reasons: z.array(z.string()),
  sizeUnknown: z.boolean(),
});
export type RecommendationItem = z.infer<typeof RecommendationItemSchema>;

export const RecommendationResponseSchema = z.object({
  id: z.string(),
  items: z.array(RecommendationItemSchema),
  reason: z.string().optional(),
  modelVersion: z.string().nullable(),
});
export type RecommendationResponse = z.infer<typeof RecommendationResponseSchema>;
