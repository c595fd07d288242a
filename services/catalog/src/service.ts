import { createGuardedFetch, metrics, type RuntimeDeps } from "@varai/runtime";
import { Router } from "express";
import { createCatalogStore } from "./connections-store.ts";
import { createCatalogConsumers } from "./consumers.ts";
import { createConnectionUseCase } from "./create-connection.ts";
import { createDeadLetterPrivacy } from "./dead-letter-privacy.ts";
import { createDeliveryLog, withDeliveryListener } from "./delivery-log.ts";
import { createRateGovernor } from "./governor.ts";
import { createConnectionInstalls } from "./install-connection.ts";
import { createIntakeActivity } from "./intake-activity.ts";
import { catalogOpenApi } from "./openapi.ts";
import { createCatalogPrivacy } from "./privacy.ts";
import { createProductWriter } from "./product-writer.ts";
import { createAdapterRegistry } from "./registry.ts";
import { createRoutes } from "./routes.ts";
import { createSyncEngine, type SyncProgress } from "./sync.ts";
import type { CatalogService, CatalogServiceOptions } from "./types.ts";
import { createWebhookIntake, webhookUrlFor } from "./webhook-intake.ts";
import { createStatsBuffer } from "./webhook-stats.ts";
import { createEventHandler } from "./worker.ts";

export type { ConnectionDoc, ProductDoc, SyncRunDoc } from "./collections.ts";
export { CATALOG_QUEUES } from "./collections.ts";
export type { CreateConnection } from "./create-connection.ts";
export type { AdapterFactory, ResolvedConnection } from "./registry.ts";
export type { CatalogActivity, CatalogService, CatalogServiceOptions } from "./types.ts";
export type { OrderNotification, PrivacyRequest } from "./worker.ts";

export function createCatalogService(deps: RuntimeDeps, options: CatalogServiceOptions): CatalogService {
  const webhookUrlOf = webhookUrlFor(options.publicBaseUrl);
  const store = createCatalogStore(deps);
  deps.privacy.register(createCatalogPrivacy(deps, store));
  deps.privacy.register(createDeadLetterPrivacy(deps.queue, options.shoppers));
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
  const deliveries = onActivity
    ? withDeliveryListener(deliveryLog, (delivery) => onActivity({ kind: "webhook", ...delivery }), deps.logger)
    : deliveryLog;
  const sync = createSyncEngine(
    {
      deps,
      store,
      registry,
      writer,
      governor,
      webhookUrlOf,
      onProgress: (progress) => {
        recordSyncMetrics(progress);
        onActivity?.({ kind: "sync", ...progress });
      },
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
  const createConnection = createConnectionUseCase({
    store,
    registry,
    sync,
    secretBox: options.secretBox,
    checkUpstream: outbound.check,
    clock: deps.clock,
    webhookUrlOf,
    autoSync: options.autoSync ?? true,
  });
  const installs = createConnectionInstalls({ store, sync, secretBox: options.secretBox, clock: deps.clock });
  const router = Router().use(
    createRoutes({ store, writer, sync, stats, createConnection, clock: deps.clock, webhookUrlOf }),
  );

  const consumers = createCatalogConsumers({ deps, activity, handleEvent, sync, options });

  return {
    name: "catalog",
    router,
    rawRoutes: [webhookIntake],
    openapi: catalogOpenApi,
    createConnection,
    installs,
    reconcile: () => sync.reconcile(),
    resumeStaleRuns: () => sync.resumeStale(),
    start: () => consumers.start(),
    async stop() {
      await consumers.stop();
      await stats.flush();
      await deliveries.flush();
      if (!options.fetch) await outbound.close();
    },
    async ready() {
      await deps.store.ping();
    },
  };
}

/** Finished runs are counted; a success sets the connection's last-success time (sync lag = now - it). */
function recordSyncMetrics(progress: SyncProgress): void {
  if (progress.status === "queued" || progress.status === "running") return;
  metrics.syncRuns.inc({ mode: progress.mode, status: progress.status });
  if (progress.status === "succeeded")
    metrics.syncLastSuccess.set({ connection: progress.connectionId }, Date.now() / 1000);
}
