import { StyleRulesSchema } from "@varai/schema";
import { z } from "zod";

// Inputs of this service's routes. The style rules and the preview request are in
// @varai/schema (StyleRulesSchema, PreviewRequestSchema): the Studio rules editor checks them too.

export const ModelVersionParamsSchema = z.object({ version: z.coerce.number().int().min(1).max(1_000_000) });

export const PutRulesBodySchema = z
  .object({
    rules: StyleRulesSchema,
    /** Optimistic concurrency: the version the editor started from. A mismatch is 409. */
    expectedVersion: z.number().int().min(0).optional(),
  })
  .strict();
