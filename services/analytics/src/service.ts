import { randomBytes } from "node:crypto";
import { createShopperIdentity, type RuntimeDeps, type ServiceModule, type ShopperIdentity } from "@varai/runtime";
import { createDeadLetterEvents } from "./dead-letter-events.ts";
import { createEventQueue } from "./event-queue.ts";
import { ingestPurchase, type PurchaseOrder } from "./ingest-purchase.ts";
import { analyticsOpenApi } from "./openapi.ts";
import { createAnalyticsPrivacy } from "./privacy.ts";
import { createBatchProcessor, type ProcessedBatch } from "./processor.ts";
import { type ConsumerOptions, createProcessorConsumer, type ProcessorControl } from "./processor-consumer.ts";
import { createAnalyticsRoutes } from "./routes.ts";
import { createSummaryQueries } from "./summary.ts";
import { createSuppressions } from "./suppression.ts";
import { createTenantRegions } from "./tenant-region.ts";

export type { PurchaseOrder } from "./ingest-purchase.ts";

export interface AnalyticsServiceOptions {
  /**
   * Events older than this are refused (`too_old`). Default 90. How long accepted events are
   * kept is the tenant's `eventDays` (`PUT /v1/privacy/retention`).
   */
  retentionDays?: number;
  /** Batches per request. Default 500; more is 413. */
  maxBatchSize?: number;
  /** Queue depth (batches waiting or in flight) above which ingest answers 503. Default 2000. */
  maxQueueDepth?: number;
  /** How far in the future a client clock may be. Default 5 minutes. */
  skewMs?: number;
  /** JSON size limit of one event's properties. Default 2048. */
  maxPropertiesBytes?: number;
  /** Widest summary/export range. Default 366 days. */
  maxRangeDays?: number;
  /** Raw events in a tenant privacy export. Default 100 000. */
  maxTenantExportEvents?: number;
  /** Normalises the events' shopper ids (the gateway's one instance). Default: a per-process one. */
  shoppers?: ShopperIdentity;
  processor?: ConsumerOptions & {
    /** Run the consumer in this process (start()). Default true. */
    enabled?: boolean;
    onProcessed?: (result: ProcessedBatch) => void;
  };
}

export interface AnalyticsService extends ServiceModule {
  /** Turns a paid order into purchase events (one per line), idempotent by order id + line. */
  ingestPurchase(order: PurchaseOrder): Promise<void>;
  processor: ProcessorControl;
}

export function createAnalyticsService(deps: RuntimeDeps, options: AnalyticsServiceOptions = {}): AnalyticsService {
  const shoppers =
    options.shoppers ?? createShopperIdentity({ hashKey: randomBytes(32), store: deps.store, clock: deps.clock });
  const retentionDays = options.retentionDays ?? 90;
  const { onProcessed, enabled, ...consumerOptions } = options.processor ?? {};
  const logger = deps.logger.child({ service: "analytics" });

  const suppressions = createSuppressions(deps.store, shoppers);
  const processor = createBatchProcessor(deps.store, logger, {
    retentionDays,
    suppressions,
    ...(onProcessed ? { onProcessed } : {}),
  });
  const queries = createSummaryQueries(deps.store, { retentionDays });
  deps.privacy.register(
    createAnalyticsPrivacy(deps.store, {
      maxTenantExportEvents: options.maxTenantExportEvents ?? 100_000,
      suppressions,
      deadLetters: createDeadLetterEvents(deps.queue),
      clock: deps.clock,
    }),
  );

  const queue = createEventQueue(deps.queue, options.maxQueueDepth ?? 2000);
  const tenantRegion = createTenantRegions(deps.store);
  const router = createAnalyticsRoutes({
    ingest: {
      queue,
      shoppers,
      tenantRegion,
      clock: deps.clock,
      limits: {
        maxBatch: options.maxBatchSize ?? 500,
        skewMs: options.skewMs ?? 5 * 60_000,
        retentionDays,
        maxPropertiesBytes: options.maxPropertiesBytes ?? 2048,
      },
    },
    queries,
    clock: deps.clock,
    maxRangeDays: options.maxRangeDays ?? 366,
  });
  const processorControl = createProcessorConsumer(deps, processor, suppressions, consumerOptions);

  return {
    name: "analytics",
    router,
    openapi: analyticsOpenApi(),
    async start() {
      if (enabled !== false) await processorControl.start();
    },
    stop: () => processorControl.stop(),
    async ready() {
      await deps.queue.ping();
    },
    ingestPurchase: (order) => ingestPurchase({ queue, tenantRegion, clock: deps.clock }, order),
    processor: processorControl,
  };
}
