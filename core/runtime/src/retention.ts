import { RETENTION_DEFAULTS, type RetentionSettings, RetentionSettingsSchema } from "@varai/schema";
import type { DocumentStore } from "./ports/document-store.ts";

/**
 * A tenant's retention periods (`PUT /v1/privacy/retention`), read by every service that
 * writes data with an expiry: ml (face analyses, photos), recommendations (history),
 * analytics (events, session records). One document per tenant, id `retention`; absent means
 * RETENTION_DEFAULTS. A period applies to what is written from then on: each record carries
 * its own expiry (a MongoDB TTL index, the embedded store's sweep), computed when written.
 */
export const RETENTION_SETTINGS = { name: "privacy_settings", scope: "tenant" } as const;

interface RetentionDoc {
  id: string;
  tenantId: string;
  settings: RetentionSettings;
  updatedAt: string;
}

const DOC_ID = "retention";
const DAY_MS = 86_400_000;
/** Another process's change is seen within this long; this process's own at once. */
const CACHE_MS = 30_000;

export interface RetentionPolicy {
  get(tenantId: string): Promise<RetentionSettings>;
  set(tenantId: string, change: Partial<RetentionSettings>, now: Date): Promise<RetentionSettings>;
}

// One cache per store, shared by every service of the process, so a change made through the
// API is what the next write of any service uses.
const caches = new WeakMap<DocumentStore, Map<string, { at: number; settings: RetentionSettings }>>();

export function createRetentionPolicy(store: DocumentStore): RetentionPolicy {
  const docs = store.tenantCollection<RetentionDoc>(RETENTION_SETTINGS);
  let cache = caches.get(store);
  if (!cache) {
    cache = new Map();
    caches.set(store, cache);
  }
  const shared = cache;
  return {
    async get(tenantId) {
      const hit = shared.get(tenantId);
      if (hit && Date.now() - hit.at < CACHE_MS) return hit.settings;
      const doc = await docs.findById(tenantId, DOC_ID);
      // Stored values are re-checked: a value outside today's bounds falls back to the default.
      const parsed = RetentionSettingsSchema.partial().safeParse(doc?.settings ?? {});
      const settings = { ...RETENTION_DEFAULTS, ...(parsed.success ? parsed.data : {}) };
      if (shared.size > 10_000) shared.clear();
      shared.set(tenantId, { at: Date.now(), settings });
      return settings;
    },
    async set(tenantId, change, now) {
      const current = await this.get(tenantId);
      const settings = RetentionSettingsSchema.parse({ ...current, ...change });
      await docs.updateOne(
        tenantId,
        { id: DOC_ID },
        { $set: { settings, updatedAt: now.toISOString() } },
        { upsert: true },
      );
      shared.set(tenantId, { at: Date.now(), settings });
      return settings;
    },
  };
}

export const daysToMs = (days: number) => days * DAY_MS;
