import { z } from "zod";
import { IdSchema } from "./ids.ts";

export const EVENT_TYPES = [
  "widget_shown",
  "try_on_started",
  "try_on_rendered",
  "face_analyzed",
  "recommendation_shown",
  "recommendation_clicked",
  "product_viewed",
  "add_to_cart",
  "purchase",
] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

/** One shopper event as a widget sends it. Properties are bounded (checked on their JSON size too). */
export const AnalyticsEventInputSchema = z
  .object({
    id: z.string().min(8).max(64),
    type: EventTypeSchema,
    sessionId: z.string().min(1).max(128),
    shopperId: z.string().min(1).max(128).optional(),
    productId: z.string().min(1).max(128).optional(),
    occurredAt: z.iso.datetime({ offset: true }),
    properties: z
      .record(z.string().max(64), z.union([z.string().max(512), z.number(), z.boolean(), z.null()]))
      .default({}),
  })
  .strict();
export type AnalyticsEventInput = z.infer<typeof AnalyticsEventInputSchema>;

/** As stored, after enrichment by the server. */
export const AnalyticsEventSchema = AnalyticsEventInputSchema.extend({
  tenantId: IdSchema,
  receivedAt: z.iso.datetime(),
  deviceClass: z.enum(["mobile", "tablet", "desktop", "bot", "unknown"]),
  region: z.string().max(8).nullable(),
});
export type AnalyticsEvent = z.infer<typeof AnalyticsEventSchema>;
