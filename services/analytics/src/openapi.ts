import { type OpenApiFragment, problemResponse } from "@varai/runtime";
import { AnalyticsEventInputSchema } from "@varai/schema";
import { z } from "zod";
import { REJECT_REASONS } from "./validate.ts";

const dayParam = (name: string, description: string) => ({
  name,
  in: "query",
  required: false,
  description,
  schema: { type: "string", format: "date" },
});

/** OpenAPI 3.1 paths of the analytics service. */
export function analyticsOpenApi(): OpenApiFragment {
  const ingestResult = z.object({
    accepted: z.number().int(),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        id: z.string().nullable(),
        reason: z.enum(REJECT_REASONS),
        message: z.string(),
      }),
    ),
  });
  return {
    schemas: {
      AnalyticsEventInput: z.toJSONSchema(AnalyticsEventInputSchema, { io: "input" }),
      EventIngestResult: z.toJSONSchema(ingestResult),
    },
    paths: {
      "/v1/events": {
        post: {
          summary: "Send a batch of shopper events",
          description:
            "Up to 500 events. Each is validated on its own; rejects are listed with a reason and the rest are accepted (202). Idempotent by event id. An event with a shopperId is accepted only when the batch says the shopper consented (`consent: true`); otherwise it is rejected with `consent_required` (send it without the shopperId: anonymous events need no consent).",
          security: [{ storefrontKey: [] }],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["events"],
                  properties: {
                    consent: {
                      type: "boolean",
                      description:
                        "The widget's consent state for the shopper: needed for events that carry a shopperId",
                    },
                    events: {
                      type: "array",
                      maxItems: 500,
                      items: { $ref: "#/components/schemas/AnalyticsEventInput" },
                    },
                  },
                },
              },
            },
          },
          responses: {
            "202": {
              description: "Accepted for processing",
              content: { "application/json": { schema: { $ref: "#/components/schemas/EventIngestResult" } } },
            },
            "400": problemResponse("Body is not `{ events: [...] }`"),
            "401": problemResponse("No storefront key"),
            "413": problemResponse("More than 500 events, or body over 1 MB"),
            "503": problemResponse("Ingestion is behind (OVERLOADED); honour Retry-After"),
          },
        },
      },
      "/v1/analytics/summary": {
        get: {
          summary: "Try-on impact: totals, daily series, funnel, top frames, conversion",
          security: [{ bearer: [] }],
          parameters: [
            dayParam("from", "First UTC day (YYYY-MM-DD); default 29 days before `to`"),
            dayParam("to", "Last UTC day (YYYY-MM-DD); default today"),
            { name: "granularity", in: "query", required: false, schema: { type: "string", enum: ["day"] } },
          ],
          responses: {
            "200": { description: "Summary", content: { "application/json": { schema: { type: "object" } } } },
            "400": problemResponse("Bad dates, from after to, or a range over 366 days"),
            "401": problemResponse("Not signed in"),
            "403": problemResponse("Missing analytics:read"),
          },
        },
      },
      "/v1/analytics/export": {
        get: {
          summary: "Daily aggregates as NDJSON (one line per product and day) for a data warehouse",
          security: [{ bearer: [] }],
          parameters: [dayParam("from", "First UTC day"), dayParam("to", "Last UTC day")],
          responses: {
            "200": {
              description: "NDJSON stream",
              content: { "application/x-ndjson": { schema: { type: "string" } } },
            },
            "400": problemResponse("Bad dates or range"),
            "401": problemResponse("Not signed in"),
            "403": problemResponse("Missing analytics:read"),
          },
        },
      },
    },
  };
}
