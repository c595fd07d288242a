import { z } from "zod";
import { IsoDateTimeSchema, PlatformSchema } from "./common.ts";
import { IdSchema } from "./ids.ts";

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
