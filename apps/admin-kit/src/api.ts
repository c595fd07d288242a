import type { VaraiClient } from "@varai/clients";
import { ConnectionSchema, type FramePatch, ProductSchema, SyncRunSchema } from "@varai/schema";
import { WidgetConfigSchema } from "@varai/widget-kit/config";
import { z } from "zod";

/** Response shapes of the admin API, parsed so a contract drift fails here, not in a screen. */
export const ConnectionViewSchema = ConnectionSchema.extend({
  status: z.enum(["active", "uninstalled"]).default("active"),
  currency: z.string().nullable().default(null),
  lastSync: SyncRunSchema.nullable().default(null),
});
export type ConnectionView = z.infer<typeof ConnectionViewSchema>;
export const ConnectionListSchema = z.object({ items: z.array(ConnectionViewSchema) });
export const ProductPageSchema = z.object({ items: z.array(ProductSchema), nextCursor: z.string().nullable() });
export type ProductView = z.infer<typeof ProductSchema>;

const Counts = z.looseObject({
  widgetShown: z.number().default(0),
  tryOnStarted: z.number().default(0),
  tryOnRendered: z.number().default(0),
  addToCart: z.number().default(0),
  purchases: z.number().default(0),
  sessions: z.number().default(0),
  revenue: z.record(z.string(), z.number()).default({}),
});
const Rate = z.object({ sessions: z.number(), purchased: z.number(), rate: z.number().nullable() });
export const AnalyticsSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  totals: Counts,
  series: z.array(Counts.extend({ date: z.string() })),
  funnel: z.array(z.object({ step: z.string(), sessions: z.number(), rateFromPrevious: z.number().nullable() })),
  topFrames: z.array(
    z.object({
      productId: z.string(),
      title: z.string().nullable(),
      tryOns: z.number(),
      purchases: z.number(),
      views: z.number(),
    }),
  ),
  conversion: z.object({
    triedOn: Rate,
    notTriedOn: Rate,
    unattributedPurchaseSessions: z.number(),
    lift: z.number().nullable(),
  }),
});
export type AnalyticsSummary = z.infer<typeof AnalyticsSummarySchema>;

export const WidgetSettingsSchema = z.object({
  version: z.number().int(),
  config: WidgetConfigSchema,
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type WidgetSettings = z.infer<typeof WidgetSettingsSchema>;

const TicketSchema = z.object({ ticket: z.string() });

/** The admin API calls the hooks use, one function per operation. */
export function createAdminApi(client: VaraiClient) {
  return {
    connections: () => client.get(ConnectionListSchema, "/v1/connections"),
    connection: (id: string) => client.get(ConnectionViewSchema, `/v1/connections/${encodeURIComponent(id)}`),
    createConnection: (input: Record<string, unknown>) => client.post(ConnectionViewSchema, "/v1/connections", input),
    startSync: (id: string, mode: "full" | "incremental") =>
      client.post(SyncRunSchema, `/v1/connections/${encodeURIComponent(id)}/sync`, { mode }),
    products: (query: { limit?: number; after?: string } = {}) => {
      const params = new URLSearchParams();
      if (query.limit) params.set("limit", String(query.limit));
      if (query.after) params.set("after", query.after);
      return client.get(ProductPageSchema, `/v1/products${params.size ? `?${params}` : ""}`);
    },
    updateFrame: (id: string, patch: FramePatch) =>
      client.patch(ProductSchema, `/v1/products/${encodeURIComponent(id)}/frame`, patch),
    analyticsSummary: (range: { from?: string; to?: string } = {}) => {
      const params = new URLSearchParams(Object.entries(range).filter((e): e is [string, string] => Boolean(e[1])));
      return client.get(AnalyticsSummarySchema, `/v1/analytics/summary${params.size ? `?${params}` : ""}`);
    },
    widgetSettings: () => client.get(WidgetSettingsSchema, "/v1/widget-settings"),
    saveWidgetSettings: (version: number, config: unknown) =>
      client.put(WidgetSettingsSchema, "/v1/widget-settings", { version, config }),
    liveTicket: async () => (await client.post(TicketSchema, "/v1/live/tickets", {})).ticket,
  };
}
export type AdminApi = ReturnType<typeof createAdminApi>;
