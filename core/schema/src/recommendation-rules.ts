import { z } from "zod";
import { FaceMeasurementsSchema, FaceShapeSchema } from "./face.ts";
import { FrameShapeSchema, RimTypeSchema } from "./product.ts";

/**
 * The recommendation style rules and the preview request, shared by the recommendations service
 * (which validates and applies them) and the rules editor in Commerce Studio (which checks a
 * draft before it sends it), so a browser app never imports a service.
 *
 * Face shape -> frame shape affinities are data, not code: sources disagree (TRYON.md:
 * heart + cat-eye is both recommended and discouraged), so a merchant edits them per tenant.
 * 1 = usually recommended, 0 = usually avoided, 0.5 (or missing) = neutral.
 */
const Affinity = z.number().min(0).max(1);
const Note = z.string().trim().min(1).max(200);

export const StyleRulesSchema = z
  .object({
    shapes: z.record(FaceShapeSchema, z.partialRecord(FrameShapeSchema, Affinity)),
    rims: z.partialRecord(FaceShapeSchema, z.partialRecord(RimTypeSchema, Affinity)).default({}),
    /** The sentence shown as the reason for a (face, frame) pair, e.g. "angular frames balance a round face". */
    notes: z.partialRecord(FaceShapeSchema, z.partialRecord(FrameShapeSchema, Note)).default({}),
    /** How the parts mix into the score; renormalised over the parts a request has. */
    weights: z
      .object({
        fit: z.number().min(0).max(1),
        style: z.number().min(0).max(1),
        preference: z.number().min(0).max(1),
      })
      .strict()
      .refine((w) => w.fit + w.style > 0, "fit and style weights cannot both be 0")
      .default({ fit: 0.15, style: 0.1, preference: 0.75 }),
    /** Weight of the rim part inside style (the rest is the frame shape). */
    rimShare: z.number().min(0).max(1).default(0.2),
  })
  .strict();
export type StyleRules = z.infer<typeof StyleRulesSchema>;

/**
 * `POST /v1/recommendations/preview`: the ranking a sample face would get, with the rules in
 * force or a draft (`rules`), for the rules editor. Nothing is stored.
 */
export const PreviewRequestSchema = z
  .object({
    rules: StyleRulesSchema.optional(),
    faceShape: FaceShapeSchema.optional(),
    measurements: FaceMeasurementsSchema.optional(),
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict()
  .refine((v) => v.faceShape !== undefined || v.measurements !== undefined, {
    message: "give a faceShape or measurements",
    path: ["faceShape"],
  });
export type PreviewRequest = z.infer<typeof PreviewRequestSchema>;
