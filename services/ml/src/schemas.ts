import { IdSchema } from "@varai/schema";
import { z } from "zod";

/** Form fields arrive as text: the usual spellings of a yes/no. */
const TruthySchema = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((v) => v === "true" || v === "1" || v === "yes" || v === "on");

/** Fields of `POST /v1/face-analysis` besides the photo. */
export const AnalysisFieldsSchema = z.object({
  consent: TruthySchema.optional(),
  shopperId: z.string().min(1).max(128).optional(),
  /** The logged-in shopper's email when the storefront gives it: only its keyed hash is kept, as a link to shopperId. */
  shopperEmail: z.string().trim().toLowerCase().email().max(320).optional(),
  child: TruthySchema.optional(),
});

/** Fields of `POST /v1/try-on` besides the photo. */
export const TryOnFieldsSchema = z
  .object({
    productId: IdSchema,
    faceAnalysisId: IdSchema.optional(),
    child: TruthySchema.optional(),
  })
  .passthrough();

export const AssetParamsSchema = z.object({ assetId: IdSchema });
