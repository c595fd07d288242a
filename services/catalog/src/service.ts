import {
  type Consumer,
  createGuardedFetch,
  type GuardedFetch,
  type Job,
  type RuntimeDeps,
  type SecretBox,
  type ServiceModule,
} from "@varai/runtime";
import type { Platform } from "@varai/schema";
import { Router } from "express";
import { CATALOG_QUEUES } from "./collections.ts";
import { createCatalogStore } from "./connections-store.ts";
import { createDeliveryLog } from "./delivery-log.ts";
import { createRateGovernor } from "./governor.ts";
import { createIntakeActivity, type IntakeActivity } from "./intake-activity.ts";
import { catalogOpenApi } from "./openapi.ts";
import { createCatalogPrivacy } from "./privacy.ts";
import { createProductWriter } from "./product-writer.ts";
import { type AdapterFactory, createAdapterRegistry } from "./registry.ts";
import { createRoutes } from "./routes.ts";
import { createSyncEngine, type SyncJob, type SyncOptions, type SyncProgress } from "./sync.ts";
import { createWebhookIntake, type EventJob, webhookUrlFor } from "./webhook-intake.ts";
import { createStatsBuffer } from "./webhook-stats.ts";
import { createEventHandler, type OrderNotification, type PrivacyRequest } from "./worker.ts";

export type { ConnectionDoc, ProductDoc, SyncRunDoc } from "./collections.ts";
export { CATALOG_QUEUES } from "./collections.ts";
export type { AdapterFactory, ResolvedConnection } from "./registry.ts";
export type { OrderNotification, PrivacyRequest } from "./worker.ts";

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
  /** Runs one reconciliation pass now (the schedule calls the same). */
  reconcile(): Promise<void>;
  /** Re-enqueues sync runs whose worker died; called by start(). */
  resumeStaleRuns(): Promise<number>;
}

/**
 * Starts a job after pending I/O (an in-process consumer would otherwise run in the microtasks of
 * the enqueue, ahead of the next webhook acks), and while deliveries are arriving, once there is a
 * gap between them or the job is a second old (intake-activity.ts). The queue absorbs bursts; acks stay
 * fast; under a sustained load the worker runs at full speed a second behind.
 */
const acksFirst =
  <T>(activity: IntakeActivity, handler: (job: Job<T>) => Promise<void>) =>
  async (job: Job<T>): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const age = Date.now() - Date.parse(job.enqueuedAt);
    await activity.idle(performance.now() - (Number.isFinite(age) ? Math.max(0, age) : 0));
    return handler(job);
  };

export function createCatalogService(deps: RuntimeDeps, options: CatalogServiceOptions): CatalogService {
  const webhookUrlOf = webhookUrlFor(options.publicBaseUrl);
  const store = createCatalogStore(deps);
  deps.privacy.register(createCatalogPrivacy(deps, store));
  const outbound = options.fetch ?? createGuardedFetch();
  const registry = createAdapterRegistry({
    secretBox: options.secretBox,
    ...(options.shopifyApiSecret ? { shopifyApiSecret: options.shopifyApiSecret } : {}),
    ...(options.bigcommerce?.clientSecret ? { bigcommerceClientSecret: options.bigcommerce.clientSecret } : {}),
    ...(options.adapterFactories ? { adapterFactories: options.adapterFactories } : {}),
    deps: {
      fetch: outbound,
      logger: deps.logger.child({ component: "adapter" }),
      clock: deps.clock,
    },
  });
  const writer = createProductWriter(deps);
  const governor = createRateGovernor();
  const stats = createStatsBuffer(store, deps.logger);
  const activity = createIntakeActivity();
  const deliveryLog = createDeliveryLog(store, deps.logger, activity);
  const onActivity = options.onActivity;
  const deliveries: typeof deliveryLog = onActivity
    ? {
        ...deliveryLog,
        record(doc) {
          deliveryLog.record(doc);
          try {
            const { tenantId, connectionId, topic, receivedAt } = doc;
            onActivity({ kind: "webhook", tenantId, connectionId, topic, receivedAt });
          } catch (error) {
            deps.logger.warn({ err: error }, "catalog activity listener failed");
          }
        },
      }
    : deliveryLog;
  const sync = createSyncEngine(
    {
      deps,
      store,
      registry,
      writer,
      governor,
      webhookUrlOf,
      ...(onActivity ? { onProgress: (progress) => onActivity({ kind: "sync", ...progress }) } : {}),
    },
    options.sync,
  );
  const handleEvent = createEventHandler({
    deps,
    store,
    registry,
    writer,
    governor,
    stats,
    ...(options.onOrder ? { onOrder: options.onOrder } : {}),
    ...(options.onPrivacyRequest ? { onPrivacyRequest: options.onPrivacyRequest } : {}),
    ...(options.shopRedactDelayMs !== undefined ? { shopRedactDelayMs: options.shopRedactDelayMs } : {}),
  });

  const webhookIntake = createWebhookIntake({ deps, store, registry, stats, deliveries, activity });
  const router = Router();
  router.use(
    createRoutes({
      store,
      writer,
      registry,
      sync,
      stats,
      secretBox: options.secretBox,
      checkUpstream: outbound.check,
      clock: deps.clock,
      webhookUrlOf,
      autoSync: options.autoSync ?? true,
    }),
  );

  const SYNC_ATTEMPTS = 5;
  let consumers: Consumer[] = [];
  let timers: NodeJS.Timeout[] = [];

  return {
    name: "catalog",
    router,
    rawRoutes: [webhookIntake],
    openapi: catalogOpenApi,
    reconcile: () => sync.reconcile(),
    resumeStaleRuns: () => sync.resumeStale(),
    async start() {
      sync.resume();
      consumers = [
        deps.queue.consume<EventJob>(CATALOG_QUEUES.events, acksFirst(activity, handleEvent), {
          concurrency: options.eventConcurrency ?? 4,
          maxAttempts: options.eventRetry?.maxAttempts ?? 8,
          backoffMs: options.eventRetry?.backoffMs ?? 1000,
        }),
        deps.queue.consume<SyncJob>(CATALOG_QUEUES.sync, (job: Job<SyncJob>) => sync.runJob(job, SYNC_ATTEMPTS), {
          concurrency: 2,
          maxAttempts: SYNC_ATTEMPTS,
          backoffMs: 2000,
          visibilityTimeoutMs: 10 * 60_000,
        }),
      ];
      // Delivery records schedule their own writes (in the gaps between deliveries).
      const flush = setInterval(() => void stats.flush(), 1000);
      flush.unref();
      timers = [flush];
      const every = options.reconcileIntervalMs ?? 15 * 60_000;
      if (every > 0) {
        const t = setInterval(() => {
          sync.reconcile().catch((error) => deps.logger.error({ err: error }, "reconciliation failed"));
        }, every);
        t.unref();
        timers.push(t);
      }
      await sync.resumeStale();
    },
    async stop() {
      sync.stop();
      for (const t of timers) clearInterval(t);
      await Promise.all(consumers.map((c) => c.stop()));
      consumers = [];
      await stats.flush();
      await deliveries.flush();
      if (!options.fetch) await outbound.close();
    },
    async ready() {
      await deps.store.ping();
    },
  };
}
