import { z } from "zod";
import { IsoDateTimeSchema, PlatformSchema } from "./common.ts";
import { IdSchema } from "./ids.ts";
import { FRAME_FIELDS } from "./product.ts";

export const CONNECTION_HEALTH = ["unknown", "healthy", "degraded", "failing"] as const;

/** A store connection as returned by the API; credentials never leave the server. */
export const ConnectionSchema = z.object({
  id: IdSchema,
  tenantId: IdSchema,
  platform: PlatformSchema,
  name: z.string().min(1).max(200),
  shopDomain: z.string().optional(),
  storeUrl: z.string().optional(),
  storeHash: z.string().optional(),
  apiBaseUrl: z.string().url().optional(),
  webhookUrl: z.string(),
  health: z.enum(CONNECTION_HEALTH).default("unknown"),
  lastSyncAt: IsoDateTimeSchema.nullable().default(null),
  lastDeliveryAt: IsoDateTimeSchema.nullable().default(null),
  webhookStats: z
    .object({
      accepted: z.number().int().default(0),
      duplicates: z.number().int().default(0),
      rejectedSignatures: z.number().int().default(0),
      malformed: z.number().int().default(0),
    })
    .default({ accepted: 0, duplicates: 0, rejectedSignatures: 0, malformed: 0 }),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type Connection = z.infer<typeof ConnectionSchema>;

export const SYNC_MODES = ["full", "incremental"] as const;
export const SyncModeSchema = z.enum(SYNC_MODES);
export type SyncMode = z.infer<typeof SyncModeSchema>;

export const SyncRunSchema = z.object({
  id: IdSchema,
  tenantId: IdSchema,
  connectionId: IdSchema,
  mode: SyncModeSchema,
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"]),
  counts: z.object({
    fetched: z.number().int(),
    upserted: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
  }),
  /** Opaque platform cursor persisted after every page, so a crash resumes where it stopped. */
  cursor: z.string().nullable().default(null),
  updatedSince: IsoDateTimeSchema.nullable().default(null),
  error: z.string().nullable().default(null),
  startedAt: IsoDateTimeSchema.nullable().default(null),
  finishedAt: IsoDateTimeSchema.nullable().default(null),
  createdAt: IsoDateTimeSchema,
  updatedAt: IsoDateTimeSchema,
});
export type SyncRun = z.infer<typeof SyncRunSchema>;

const Secret = z.string().min(1).max(512);
const common = {
  name: z.string().trim().min(1).max(200),
  apiBaseUrl: z.string().url().max(500).optional(),
  frameAttributeNames: z.record(z.string().max(100), z.enum(FRAME_FIELDS)).optional(),
};
/** `POST /v1/connections`: each platform's fields (Studio's form validates with the same schema). */
export const CreateConnectionSchema = z.discriminatedUnion("platform", [
  z
    .object({
      platform: z.literal("shopify"),
      shopDomain: z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i, "shopDomain must be <shop>.myshopify.com")
        .transform((s) => s.toLowerCase()),
      credentials: z.object({ accessToken: Secret }).strict(),
      ...common,
    })
    .strict(),
  z
    .object({
      platform: z.literal("woocommerce"),
      storeUrl: z.string().url().max(500),
      credentials: z.object({ consumerKey: Secret, consumerSecret: Secret }).strict(),
      webhookSecret: Secret,
      ...common,
    })
    .strict(),
  z
    .object({
      platform: z.literal("magento"),
      storeUrl: z.string().url().max(500),
      /** Store view code in `/rest/{storeCode}/V1`. */
      storeCode: z
        .string()
        .regex(/^[a-z0-9_]+$/, "storeCode must be a Magento store code (a-z, 0-9, _)")
        .max(64)
        .default("default"),
      credentials: z.union([
        z.object({ accessToken: Secret }).strict(),
        z
          .object({ consumerKey: Secret, consumerSecret: Secret, accessToken: Secret, accessTokenSecret: Secret })
          .strict(),
      ]),
      webhookSecret: Secret,
      ...common,
    })
    .strict(),
  z
    .object({
      platform: z.literal("bigcommerce"),
      storeHash: z.string().regex(/^[a-z0-9]{4,20}$/),
      credentials: z.object({ accessToken: Secret }).strict(),
      ...common,
    })
    .strict(),
]);
export type CreateConnectionInput = z.input<typeof CreateConnectionSchema>;
