import type { FrameAttributeNames } from "@varai/commerce";
import type { CollectionDefinition } from "@varai/runtime";
import type { Connection, FrameAttributes, FramePatch, Platform, Product, SyncRun } from "@varai/schema";

/**
 * Stored documents of the catalog service. Connections, runs and deliveries are tenant-scoped;
 * the only global collection is the webhook routing table (ids -> tenant, no secrets).
 */
export interface ConnectionDoc {
  id: string;
  tenantId: string;
  platform: Platform;
  name: string;
  shopDomain?: string;
  storeUrl?: string;
  storeHash?: string;
  /** Magento store view code (`/rest/{storeCode}/V1`); absent means "default". */
  storeCode?: string;
  apiBaseUrl?: string;
  /** SecretBox ciphertext of the credentials JSON; never returned. */
  credentialsCipher: string;
  /** SecretBox ciphertext of the webhook secret (WooCommerce, Magento); never returned. */
  webhookSecretCipher: string | null;
  frameAttributeNames?: FrameAttributeNames;
  /** Learned from the store at each sync (webhook payloads carry prices without a currency). */
  currency: string | null;
  status: "active" | "uninstalled";
  uninstalledAt: string | null;
  health: Connection["health"];
  lastSyncAt: string | null;
  /** Start of the last successful run: the next incremental run reads from here minus the overlap. */
  lastSyncStartedAt: string | null;
  lastSyncRunId: string | null;
  lastDeliveryAt: string | null;
  webhookStats: Connection["webhookStats"];
  webhookCheck: { checkedAt: string; created: number; reactivated: number; error: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

/** Global: `con:<id>`, `shop:<domain>`, `bc:<hash>` -> the owning tenant and connection. */
export interface RouteDoc {
  id: string;
  tenantId: string;
  connectionId: string;
  platform: Platform;
}

export interface SyncRunDoc extends SyncRun {
  /** Which worker holds the run and until when; an expired lease lets another resume it. */
  leaseOwner: string | null;
  leaseUntil: string | null;
  pages: number;
}

export interface DeliveryDoc {
  id: string;
  tenantId: string;
  connectionId: string;
  topic: string;
  outcome: "accepted" | "malformed";
  receivedAt: string;
  expiresAt: Date;
}

/** The product as stored: the public Product plus the engine's bookkeeping. */
export interface ProductDoc extends Product {
  /** Set when the product became a tombstone; a late update older than this cannot revive it. */
  deletedAt: string | null;
  sync: {
    /** Optimistic-concurrency counter: every write checks and bumps it. */
    version: number;
    /** When the delivery (or sync page) that wrote the current state arrived: the tie-break. */
    receivedAt: string;
    contentHash: string;
    /** The frame as the platform describes it; `frame` is this merged with the overrides. */
    sourceFrame: FrameAttributes;
    frameOverrides: FramePatch | null;
  };
}

export const COLLECTION_DEFS = {
  connections: {
    name: "catalog_connections",
    scope: "tenant" as const,
    indexes: [{ fields: { platform: 1 }, name: "by_platform" }],
  },
  routes: { name: "catalog_webhook_routes", scope: "global" as const },
  syncRuns: {
    name: "catalog_sync_runs",
    scope: "tenant" as const,
    indexes: [{ fields: { connectionId: 1, status: 1 }, name: "by_connection_status" }],
  },
  deliveries: {
    name: "catalog_webhook_deliveries",
    scope: "tenant" as const,
    indexes: [{ fields: { connectionId: 1, receivedAt: -1 }, name: "by_connection" }],
    ttlField: "expiresAt",
  },
} satisfies Record<string, CollectionDefinition>;

/** Queues owned by this service. */
export const CATALOG_QUEUES = { events: "catalog-events", sync: "catalog-sync" } as const;
