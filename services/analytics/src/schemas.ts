import { type AnalyticsEvent, type AnalyticsEventInput, IdSchema, PlatformSchema } from "@varai/schema";
import { z } from "zod";

/** Body of `POST /v1/events`. Items are validated one by one (see ingest-events.ts), so a bad one rejects only itself. */
export const EventBatchBodySchema = z
  .object({
    events: z.array(z.unknown()).min(1),
    /** The widget's consent state: events carrying a shopperId are taken only with `true` (README, "Privacy"). */
    consent: z.boolean().optional(),
  })
  .strict();

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
/** A UTC calendar day, `YYYY-MM-DD`, that exists (no 2025-02-30). */
export const DaySchema = z
  .string()
  .regex(DAY_RE, "expected YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "not a calendar day");

export const SummaryQuerySchema = z
  .object({
    from: DaySchema.optional(),
    to: DaySchema.optional(),
    granularity: z.enum(["day"]).default("day"),
  })
  .strict();
export type SummaryQuery = z.infer<typeof SummaryQuerySchema>;

export const ExportQuerySchema = z.object({ from: DaySchema.optional(), to: DaySchema.optional() }).strict();

/**
 * A paid order as the catalog's verified webhook intake hands it over (Shopify `orders/paid`,
 * WooCommerce `order.created`). Parsed again here: the numbers come from a platform payload.
 */
export const PurchaseInputSchema = z.object({
  tenantId: IdSchema,
  platform: PlatformSchema,
  connectionId: IdSchema,
  orderId: z.string().min(1).max(128),
  occurredAt: z.iso.datetime({ offset: true }),
  currency: z.string().regex(/^[A-Z]{3}$/, "currency must be an ISO-4217 code"),
  total: z.number().nonnegative().finite(),
  lineItems: z
    .array(
      z.object({
        productExternalId: z.string().min(1).max(128),
        productId: IdSchema.optional(),
        quantity: z.number().int().positive().max(1_000_000),
        price: z.number().nonnegative().finite(),
      }),
    )
    .max(500),
  varaiSessionId: z.string().min(1).max(128).nullable(),
});
export type PurchaseInput = z.infer<typeof PurchaseInputSchema>;

/** What travels on QUEUES.analyticsEvents: one job per accepted request (not per event). */
export interface QueuedBatch {
  batchId: string;
  tenantId: string;
  receivedAt: string;
  deviceClass: AnalyticsEvent["deviceClass"];
  region: string | null;
  events: AnalyticsEventInput[];
}
