import { type OpenApiFragment, problemResponse } from "@varai/runtime";
import {
  PreviewRequestSchema,
  RecommendationRequestSchema,
  RecommendationResponseSchema,
  StyleRulesSchema,
} from "@varai/schema";
import { z } from "zod";
import { PutRulesBodySchema } from "./schemas.ts";

const problem = problemResponse();
const json = (schema: z.ZodType, io: "input" | "output" = "output") => ({
  content: { "application/json": { schema: z.toJSONSchema(schema, { io, unrepresentable: "any" }) } },
});
const RulesViewSchema = z.object({
  version: z.number().int(),
  rules: StyleRulesSchema,
  isDefault: z.boolean(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

export function recommendationsOpenApi(): OpenApiFragment {
  return {
    paths: {
      "/v1/recommendations": {
        post: {
          summary: "Ranked frames for a face (analysis id, measurements or face shape) with scores, parts and reasons",
          security: [{ storefrontKey: [] }],
          requestBody: { required: true, ...json(RecommendationRequestSchema, "input") },
          responses: {
            "200": {
              description: "Ranked items (empty with a reason when nothing qualifies)",
              ...json(RecommendationResponseSchema),
            },
            "400": problem,
            "404": problem,
          },
        },
      },
      "/v1/recommendations/rules": {
        get: {
          summary: "The tenant's face-shape x frame-shape style rules in force (defaults until edited)",
          security: [{ bearerAuth: [] }],
          responses: { "200": { description: "Rules", ...json(RulesViewSchema) }, "403": problem },
        },
        put: {
          summary: "Replaces the style rules (new version; invalidates cached recommendations)",
          security: [{ bearerAuth: [] }],
          requestBody: { required: true, ...json(PutRulesBodySchema, "input") },
          responses: {
            "200": { description: "The new version", ...json(RulesViewSchema) },
            "400": problem,
            "409": problem,
          },
        },
      },
      "/v1/recommendations/preview": {
        post: {
          summary:
            "The ranking a sample face (faceShape and/or measurements) gets with the rules in force or a draft " +
            "(`rules`): fit, style and merchant boost, no preference model; nothing is stored (the rules editor)",
          security: [{ bearerAuth: [] }],
          requestBody: { required: true, ...json(PreviewRequestSchema, "input") },
          responses: {
            "200": {
              description: "Ranked items",
              ...json(RecommendationResponseSchema.pick({ items: true, reason: true })),
            },
            "400": problem,
            "403": problem,
          },
        },
      },
      "/v1/recommendations/model/train": {
        post: {
          summary: "Trains the preference model from analytics events now",
          security: [{ bearerAuth: [] }],
          responses: {
            "200": { description: "Training result: active, rejected (did not beat fit + style) or skipped" },
            "409": problem,
          },
        },
      },
      "/v1/recommendations/model": {
        get: {
          summary: "Model versions with training metrics and dates",
          security: [{ bearerAuth: [] }],
          responses: { "200": { description: "Active model and the last 20 versions" } },
        },
      },
      "/v1/recommendations/model/{version}/activate": {
        post: {
          summary:
            "Puts a trained version in force (a rollback, or a rejected model chosen anyway); the active one " +
            "becomes superseded. Idempotent. 404 unknown version, 409 a skipped run (no model)",
          security: [{ bearerAuth: [] }],
          parameters: [{ name: "version", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
          responses: {
            "200": { description: "The version, now active (without its weights)" },
            "400": problem,
            "403": problem,
            "404": problem,
            "409": problem,
          },
        },
      },
    },
  };
}
