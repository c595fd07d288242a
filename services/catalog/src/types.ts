import type { GuardedFetch, SecretBox, ServiceModule, ShopperIdentity } from "@varai/runtime";
import type { Platform } from "@varai/schema";
import type { CreateConnection } from "./create-connection.ts";
import type { ConnectionInstalls } from "./install-connection.ts";
import type { AdapterFactory } from "./registry.ts";
import type { SyncOptions, SyncProgress } from "./sync.ts";
import type { OrderNotification, PrivacyRequest } from "./worker.ts";

export interface CatalogServiceOptions {
  /** Public origin of this deployment; webhook URLs are built from it. */
  publicBaseUrl: string;
  /** Encrypts credentials and webhook secrets at rest. */
  secretBox: SecretBox;
  /** SHOPIFY_API_SECRET: verifies every Shopify webhook. */
  shopifyApiSecret?: string;
  /** BIGCOMMERCE_CLIENT_ID / _SECRET: the client secret verifies Standard Webhooks signatures. */
  bigcommerce?: { clientId: string; clientSecret: string };
  onOrder?(event: OrderNotification): Promise<void>;
  /**
   * Told about sync progress and accepted webhook deliveries as they happen (the gateway's live
   * updates). Called synchronously on the hot path: it must be cheap and must not throw.
   */
  onActivity?(event: CatalogActivity): void;
  onPrivacyRequest?(request: PrivacyRequest): Promise<void>;
  /**
   * Outbound fetch for adapters: a connection's URLs are the tenant's, so runtime's guarded fetch,
   * whose `check` also validates a connection's API base at creation. The gateway builds it from
   * its configuration; tests against the simulator on 127.0.0.1 opt in to private addresses.
   * Default: `createGuardedFetch()` (https, public addresses only).
   */
  fetch?: GuardedFetch;
  /**
   * Resolves a privacy subject to every id the shopper is stored under, so that dead-lettered
   * webhook events about them (orders, privacy requests) are found by id or email alone.
   */
  shoppers?: Pick<ShopperIdentity, "resolve">;
  /** Adapters for more platforms, or replacements. */
  adapterFactories?: Partial<Record<Platform, AdapterFactory>>;
  sync?: SyncOptions;
  /** Reconciliation period (incremental sync + webhook re-registration). Default 15 min; 0 disables. */
  reconcileIntervalMs?: number;
  /** Start a full sync when a connection is created. Default true. */
  autoSync?: boolean;
  /** After a BigCommerce uninstall, when the shop's data is erased. Default 48 h. */
  shopRedactDelayMs?: number;
  /** Worker concurrency for webhook events. Default 4. */
  eventConcurrency?: number;
  /** Retries of a failing webhook event before it is dead-lettered. Default 8 attempts, backoff from 1 s. */
  eventRetry?: { maxAttempts?: number; backoffMs?: number };
}

export type CatalogActivity =
  | ({ kind: "sync" } & SyncProgress)
  | { kind: "webhook"; tenantId: string; connectionId: string; topic: string; receivedAt: string };

export interface CatalogService extends ServiceModule {
  /** `POST /v1/connections` as a call: validates `body`, creates the connection, starts its full sync. */
  createConnection: CreateConnection;
  /** A platform app's connection: new credentials on reinstall, erased on uninstall (services/installs). */
  installs: ConnectionInstalls;
  /** Runs one reconciliation pass now (the schedule calls the same). */
  reconcile(): Promise<void>;
  /** Re-enqueues sync runs whose worker died; called by start(). */
  resumeStaleRuns(): Promise<number>;
}
