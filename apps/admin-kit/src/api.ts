import type { VaraiClient } from "@varai/clients";
import {
  ApiKeySchema,
  AuditEntrySchema,
  ConnectionSchema,
  type FramePatch,
  ProductSchema,
  RETENTION_BOUNDS,
  RecommendationItemSchema,
  RetentionSettingsSchema,
  type Role,
  SyncRunSchema,
  TenantSchema,
  UserSchema,
} from "@varai/schema";
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
/** `GET /v1/demo/capabilities`: the platforms a simulated store can be connected for (none outside the default install). */
export const DemoCapabilitiesSchema = z.object({
  simulatedStores: z.object({ platforms: z.array(z.enum(["shopify", "woocommerce", "magento", "bigcommerce"])) }),
});
export type DemoCapabilities = z.infer<typeof DemoCapabilitiesSchema>;
export type SimulatedPlatform = DemoCapabilities["simulatedStores"]["platforms"][number];
export const LinkCodeSchema = z.object({ code: z.string(), expiresAt: z.string() });
export type LinkCodeView = z.infer<typeof LinkCodeSchema>;
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

export type ApiKeyView = z.infer<typeof ApiKeySchema>;
export const ApiKeyListSchema = z.object({ items: z.array(ApiKeySchema) });
/** `POST /v1/api-keys`: the key itself is in this answer only. */
export const CreatedApiKeySchema = z.object({ apiKey: ApiKeySchema, key: z.string() });
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

export type UserView = z.infer<typeof UserSchema>;
export const UserListSchema = z.object({ items: z.array(UserSchema) });
/** `POST /v1/tenants/:id/users`: a generated password is in this answer only. */
export const CreatedUserSchema = z.object({ user: UserSchema, generatedPassword: z.string().optional() });
export type CreatedUser = z.infer<typeof CreatedUserSchema>;

export type AuditEntryView = z.infer<typeof AuditEntrySchema>;
export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextBefore: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPageSchema>;

const SubjectSchema = z.looseObject({ kind: z.string() });
export const PrivacyExportResultSchema = z.object({
  subject: SubjectSchema,
  data: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
});
export type PrivacyExportResult = z.infer<typeof PrivacyExportResultSchema>;
export const PrivacyRedactionResultSchema = z.object({
  subject: SubjectSchema,
  erased: z.record(z.string(), z.number()),
});
export type PrivacyRedactionResult = z.infer<typeof PrivacyRedactionResultSchema>;
export const StoredExportSchema = z.object({
  id: z.string(),
  status: z.enum(["ready", "expired"]),
  source: z.record(z.string(), z.string()),
  sizeBytes: z.number(),
  createdAt: z.string(),
  expiresAt: z.string(),
  downloads: z.number(),
  lastDownloadedAt: z.string().nullable(),
  downloadPath: z.string(),
});
export type StoredExport = z.infer<typeof StoredExportSchema>;
export const StoredExportListSchema = z.object({ items: z.array(StoredExportSchema) });
const Bound = z.object({ min: z.number(), max: z.number(), default: z.number() });
export const RetentionViewSchema = RetentionSettingsSchema.extend({
  bounds: z.object({ faceDataDays: Bound, eventDays: Bound, historyDays: Bound }).default(RETENTION_BOUNDS),
});
export type RetentionView = z.infer<typeof RetentionViewSchema>;

/** The tenant's style rules; their shape is checked by the editor with `StyleRulesSchema` from @varai/schema. */
export const RulesViewSchema = z.object({
  version: z.number().int(),
  rules: z.record(z.string(), z.unknown()),
  isDefault: z.boolean(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type RulesView = z.infer<typeof RulesViewSchema>;
// The preview ranks as POST /v1/recommendations does: the same item shape.
export const RankingPreviewSchema = z.object({
  items: z.array(RecommendationItemSchema),
  reason: z.string().optional(),
});
export type RankingPreview = z.infer<typeof RankingPreviewSchema>;

/** A preference model version as `GET /v1/recommendations/model` lists it (never its weights). */
export const ModelVersionSchema = z.object({
  version: z.number().int(),
  status: z.enum(["active", "superseded", "rejected", "skipped"]),
  trainedAt: z.string(),
  dataFrom: z.string().nullable(),
  dataTo: z.string().nullable(),
  metrics: z.looseObject({
    usableEvents: z.number(),
    reason: z.string().optional(),
    holdoutAuc: z.number().optional(),
    rulesHoldoutAuc: z.number().optional(),
    examples: z.number().optional(),
    shoppers: z.number().optional(),
    durationMs: z.number().optional(),
  }),
});
export type ModelVersion = z.infer<typeof ModelVersionSchema>;
export const ModelListSchema = z.object({
  active: ModelVersionSchema.nullable(),
  versions: z.array(ModelVersionSchema),
});
export type ModelList = z.infer<typeof ModelListSchema>;
export const TrainResultSchema = z.looseObject({
  status: z.enum(["active", "rejected", "skipped"]),
  version: z.number().int(),
  reason: z.string().optional(),
  trainedAt: z.string(),
  metrics: z.looseObject({ holdoutAuc: z.number().optional() }).optional(),
});
export type TrainResult = z.infer<typeof TrainResultSchema>;

export type TenantView = z.infer<typeof TenantSchema>;
export const TenantListSchema = z.object({ items: z.array(TenantSchema) });

export interface AdminApiOptions {
  /**
   * The same client acting on another tenant (a platform admin's `X-VARAi-Tenant`), for screens
   * that read every tenant at once (all tenants' health). Without it those calls throw.
   */
  clientForTenant?: (tenantId: string) => VaraiClient;
}

/** Who a privacy request is about: one shopper (id and/or email) or the whole shop. */
export type PrivacyRequestInput = { shopperId?: string; email?: string } | { scope: "tenant" };

/** The admin API calls the hooks use, one function per operation. */
export function createAdminApi(client: VaraiClient, options: AdminApiOptions = {}) {
  const forTenant = (tenantId: string) => {
    if (!options.clientForTenant) throw new Error("createAdminApi needs clientForTenant for cross-tenant reads");
    return options.clientForTenant(tenantId);
  };
  return {
    tenants: () => client.get(TenantListSchema, "/v1/tenants"),
    createTenant: (input: Record<string, unknown>) => client.post(TenantSchema, "/v1/tenants", input),
    /** A tenant's connections, as a platform admin sees them (for all tenants' health). */
    tenantConnections: (tenantId: string) => forTenant(tenantId).get(ConnectionListSchema, "/v1/connections"),
    connections: () => client.get(ConnectionListSchema, "/v1/connections"),
    connection: (id: string) => client.get(ConnectionViewSchema, `/v1/connections/${encodeURIComponent(id)}`),
    createConnection: (input: Record<string, unknown>) => client.post(ConnectionViewSchema, "/v1/connections", input),
    demoCapabilities: () => client.get(DemoCapabilitiesSchema, "/v1/demo/capabilities"),
    /** A one-time code that joins a store to this tenant from a platform plugin's connect flow (30 minutes). */
    createLinkCode: () => client.post(LinkCodeSchema, "/v1/installs/link-codes", {}),
    connectSimulatedStore: (platform: SimulatedPlatform) =>
      client.post(ConnectionViewSchema, "/v1/demo/simulated-stores", { platform }),
    syncRun: (connectionId: string, runId: string) =>
      client.get(
        SyncRunSchema,
        `/v1/connections/${encodeURIComponent(connectionId)}/sync-runs/${encodeURIComponent(runId)}`,
      ),
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
    /** Queues the product's try-on asset to be prepared again (202: the product, its asset `pending`). */
    prepareTryOnAsset: (id: string) =>
      client.post(ProductSchema, `/v1/products/${encodeURIComponent(id)}/try-on-asset`, {}),
    /** The cut-out frame PNG, fetched with the session's token (an <img src> could not send it). */
    frameAsset: (assetId: string) => client.getBlob(`/v1/frame-assets/${encodeURIComponent(assetId)}`),
    analyticsSummary: (range: { from?: string; to?: string } = {}) => {
      const params = new URLSearchParams(Object.entries(range).filter((e): e is [string, string] => Boolean(e[1])));
      return client.get(AnalyticsSummarySchema, `/v1/analytics/summary${params.size ? `?${params}` : ""}`);
    },
    widgetSettings: () => client.get(WidgetSettingsSchema, "/v1/widget-settings"),
    saveWidgetSettings: (version: number, config: unknown) =>
      client.put(WidgetSettingsSchema, "/v1/widget-settings", { version, config }),
    apiKeys: () => client.get(ApiKeyListSchema, "/v1/api-keys"),
    createApiKey: (input: Record<string, unknown>) => client.post(CreatedApiKeySchema, "/v1/api-keys", input),
    revokeApiKey: (id: string) => client.delete(ApiKeySchema, `/v1/api-keys/${encodeURIComponent(id)}`),
    users: (tenantId: string) => client.get(UserListSchema, `/v1/tenants/${encodeURIComponent(tenantId)}/users`),
    createUser: (tenantId: string, input: Record<string, unknown>) =>
      client.post(CreatedUserSchema, `/v1/tenants/${encodeURIComponent(tenantId)}/users`, input),
    changeUserRole: (tenantId: string, userId: string, role: Exclude<Role, "platform_admin">) =>
      client.patch(UserSchema, `/v1/tenants/${encodeURIComponent(tenantId)}/users/${encodeURIComponent(userId)}`, {
        role,
      }),
    audit: (query: { limit?: number; before?: string } = {}) => {
      const params = new URLSearchParams();
      if (query.limit) params.set("limit", String(query.limit));
      if (query.before) params.set("before", query.before);
      return client.get(AuditPageSchema, `/v1/audit${params.size ? `?${params}` : ""}`);
    },
    exportShopper: (input: PrivacyRequestInput) => client.post(PrivacyExportResultSchema, "/v1/privacy/export", input),
    redactShopper: (input: PrivacyRequestInput) =>
      client.post(PrivacyRedactionResultSchema, "/v1/privacy/redact", input),
    storedExports: () => client.get(StoredExportListSchema, "/v1/privacy/exports"),
    downloadStoredExport: (id: string) =>
      client.get(PrivacyExportResultSchema, `/v1/privacy/exports/${encodeURIComponent(id)}/download`),
    retention: () => client.get(RetentionViewSchema, "/v1/privacy/retention"),
    saveRetention: (change: Record<string, number>) => client.put(RetentionViewSchema, "/v1/privacy/retention", change),
    rules: () => client.get(RulesViewSchema, "/v1/recommendations/rules"),
    saveRules: (rules: unknown, expectedVersion: number) =>
      client.put(RulesViewSchema, "/v1/recommendations/rules", { rules, expectedVersion }),
    previewRanking: (input: Record<string, unknown>) =>
      client.post(RankingPreviewSchema, "/v1/recommendations/preview", input),
    models: () => client.get(ModelListSchema, "/v1/recommendations/model"),
    trainModel: () => client.post(TrainResultSchema, "/v1/recommendations/model/train", {}),
    activateModel: (version: number) =>
      client.post(ModelVersionSchema, `/v1/recommendations/model/${encodeURIComponent(String(version))}/activate`, {}),
    liveTicket: async () => (await client.post(TicketSchema, "/v1/live/tickets", {})).ticket,
  };
}
export type AdminApi = ReturnType<typeof createAdminApi>;
