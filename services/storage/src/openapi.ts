import { type OpenApiFragment, problemResponse } from "@varai/runtime";
import { RetentionSettingsSchema } from "@varai/schema";
import { z } from "zod";

const problem = problemResponse();
const retentionResponse = {
  description: "Retention periods in days, with their bounds",
  content: { "application/json": { schema: z.toJSONSchema(RetentionSettingsSchema) } },
};

/** OpenAPI paths of the storage service. */
export const storageOpenApi: OpenApiFragment = {
  paths: {
    "/v1/privacy/retention": {
      get: {
        summary: "The tenant's retention periods in days (face data, events, recommendation history) and their bounds",
        security: [{ bearerAuth: [] }],
        responses: { "200": retentionResponse, "403": problem },
      },
      put: {
        summary:
          "Changes retention periods (face data 1-30 days, events and history 1-400). Applies to data stored from then on; a shorter face data period also caps the expiry of analyses and photos already kept",
        security: [{ bearerAuth: [] }],
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: z.toJSONSchema(RetentionSettingsSchema.partial(), { io: "input" }) },
          },
        },
        responses: { "200": retentionResponse, "400": problem, "403": problem },
      },
    },
    "/v1/renders/{renderId}": {
      get: {
        summary: "A stored try-on render (kept only until its expiry)",
        parameters: [{ name: "renderId", in: "path", required: true, schema: { type: "string" } }],
        responses: {
          "200": { description: "The image", content: { "image/jpeg": {}, "image/webp": {}, "image/png": {} } },
          "404": problemResponse("Unknown or expired"),
        },
      },
    },
  },
};
