import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  actingTenant,
  COLLECTIONS,
  type Consumer,
  createShopperIdentity,
  parseInput,
  QUEUES,
  type RuntimeDeps,
  requireStorefront,
  type ServiceModule,
  type ShopperIdentity,
} from "@varai/runtime";
import {
  type AnalyticsEventInput,
  AppError,
  CONSENT_REQUIRED_MESSAGE,
  shopperIdAllowed,
  type Tenant,
} from "@varai/schema";
import { Router } from "express";
import { createDeadLetterEvents } from "./dead-letter-events.ts";
import { countryFromHeader, deviceClassOf, REGION_HEADERS } from "./enrich.ts";
import { scrubLateDeadLetter } from "./late-dead-letter.ts";
import { analyticsOpenApi } from "./openapi.ts";
import { createAnalyticsPrivacy } from "./privacy.ts";
import { createBatchProcessor, type ProcessedBatch } from "./processor.ts";
import {
  EventBatchBodySchema,
  ExportQuerySchema,
  type PurchaseInput,
  PurchaseInputSchema,
  type QueuedBatch,
  SummaryQuerySchema,
} from "./schemas.ts";
import { createSummaryQueries, resolveRange } from "./summary.ts";
import { createSuppressions } from "./suppression.ts";
import { type Rejection, validateEvent } from "./validate.ts";

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
  processor?: {
    /** Run the consumer in this process (start()). Default true. */
    enabled?: boolean;
    /** Batches handled at once. Default 4. */
    concurrency?: number;
    maxAttempts?: number;
    /** Retry backoff base (the queue's default 500 ms). */
    backoffMs?: number;
    /** Tests only: runs before each attempt at a batch; a throw fails the attempt. */
    fault?: (batch: QueuedBatch) => Promise<void>;
    visibilityTimeoutMs?: number;
    consumerName?: string;
    onProcessed?: (result: ProcessedBatch) => void;
  };
}

/** A paid order from a platform webhook, already verified by the catalog's intake. */
export type PurchaseOrder = PurchaseInput;

export interface AnalyticsService extends ServiceModule {
  /** Turns a paid order into purchase events (one per line), idempotent by order id + line. */
  ingestPurchase(order: PurchaseOrder): Promise<void>;
  processor: {
    start(): Promise<void>;
    stop(): Promise<void>;
    readonly running: boolean;
  };
}

const TENANT_CACHE_MS = 5 * 60_000;
const TENANT_CACHE_MAX = 10_000;
const DEPTH_CACHE_MS = 100;

export function createAnalyticsService(deps: RuntimeDeps, options: AnalyticsServiceOptions = {}): AnalyticsService {
  const shoppers =
    options.shoppers ?? createShopperIdentity({ hashKey: randomBytes(32), store: deps.store, clock: deps.clock });
  const retentionDays = options.retentionDays ?? 90;
  const maxBatch = options.maxBatchSize ?? 500;
  const maxDepth = options.maxQueueDepth ?? 2000;
  const skewMs = options.skewMs ?? 5 * 60_000;
  const maxPropertiesBytes = options.maxPropertiesBytes ?? 2048;
  const maxRangeDays = options.maxRangeDays ?? 366;
  const processorOptions = options.processor ?? {};
  const logger = deps.logger.child({ service: "analytics" });

  const tenants = deps.store.globalCollection<Tenant>(COLLECTIONS.tenants);
  const suppressions = createSuppressions(deps.store, shoppers);
  const processor = createBatchProcessor(deps.store, logger, {
    retentionDays,
    suppressions,
    ...(processorOptions.onProcessed ? { onProcessed: processorOptions.onProcessed } : {}),
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

  // The tenant's region is the fallback when no CDN country header came with the request.
  const regionCache = new Map<string, { region: string | null; at: number }>();
  async function tenantRegion(tenantId: string): Promise<string | null> {
    const hit = regionCache.get(tenantId);
    if (hit && Date.now() - hit.at < TENANT_CACHE_MS) return hit.region;
    const tenant = await tenants.findById(tenantId);
    if (regionCache.size >= TENANT_CACHE_MAX) regionCache.clear();
    const region = tenant?.region ?? null;
    regionCache.set(tenantId, { region, at: Date.now() });
    return region;
  }

  // Backpressure reads the depth at most every 100 ms, so a burst costs one Redis round trip.
  let depthCache: { value: number; at: number } | null = null;
  let depthPending: Promise<number> | null = null;
  async function queueDepth(): Promise<number> {
    if (depthCache && Date.now() - depthCache.at < DEPTH_CACHE_MS) return depthCache.value;
    depthPending ??= deps.queue
      .depth(QUEUES.analyticsEvents)
      .then((value) => {
        depthCache = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        depthPending = null;
      });
    return depthPending;
  }
  async function assertCapacity(): Promise<void> {
    const depth = await queueDepth();
    if (depth >= maxDepth) {
      throw new AppError("OVERLOADED", "Event ingestion is behind; retry later", { details: { retryAfterMs: 2000 } });
    }
  }

  async function enqueue(batch: QueuedBatch): Promise<void> {
    // The job id is the batch id: the processor's idempotency keys hang off it.
    await deps.queue.enqueue(QUEUES.analyticsEvents, batch, { id: batch.batchId });
    if (depthCache) depthCache.value += 1;
  }

  const router = Router();

  router.post("/v1/events", async (req, res) => {
    const { tenantId } = requireStorefront(res);
    // Counted before item validation: the limit protects the work, not only the response.
    const items = (req.body as { events?: unknown } | undefined)?.events;
    if (Array.isArray(items) && items.length > maxBatch) {
      throw new AppError("PAYLOAD_TOO_LARGE", `At most ${maxBatch} events per request`, {
        details: { maxBatchSize: maxBatch },
      });
    }
    const body = parseInput(EventBatchBodySchema, req.body);
    await assertCapacity();

    const now = deps.clock();
    const limits = { nowMs: now.getTime(), skewMs, maxAgeMs: retentionDays * 86_400_000, maxPropertiesBytes };
    const events: AnalyticsEventInput[] = [];
    const rejected: Rejection[] = [];
    const seen = new Set<string>();
    for (const [index, item] of body.events.entries()) {
      const outcome = validateEvent(item, index, limits);
      if ("rejection" in outcome) {
        rejected.push(outcome.rejection);
      } else if (!shopperIdAllowed({ shopperId: outcome.event.shopperId, consent: body.consent })) {
        rejected.push({ index, id: outcome.event.id, reason: "consent_required", message: CONSENT_REQUIRED_MESSAGE });
      } else if (seen.has(outcome.event.id)) {
        rejected.push({
          index,
          id: outcome.event.id,
          reason: "duplicate_in_batch",
          message: "the same id appears earlier in this batch",
        });
      } else {
        seen.add(outcome.event.id);
        const { shopperId } = outcome.event;
        // One stored form per shopper (a gid and the plain id agree; an email is never kept in clear).
        events.push(shopperId ? { ...outcome.event, shopperId: shoppers.normalise(shopperId) } : outcome.event);
      }
    }

    if (events.length > 0) {
      let region: string | null = null;
      for (const header of REGION_HEADERS) {
        region = countryFromHeader(req.header(header));
        if (region) break;
      }
      await enqueue({
        batchId: `evb_${randomUUID().replaceAll("-", "")}`,
        tenantId,
        receivedAt: now.toISOString(),
        deviceClass: deviceClassOf(req.header("user-agent")),
        region: region ?? (await tenantRegion(tenantId)),
        events,
      });
    }
    res.status(202).json({ accepted: events.length, rejected });
  });

  router.get("/v1/analytics/summary", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "analytics:read");
    const query = parseInput(SummaryQuerySchema, req.query, "query");
    const range = resolveRange(query, deps.clock(), maxRangeDays);
    res.json(await queries.summary(tenantId, range));
  });

  router.get("/v1/analytics/export", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "analytics:read");
    const query = parseInput(ExportQuerySchema, req.query, "query");
    const range = resolveRange(query, deps.clock(), maxRangeDays);
    res.status(200);
    res.type("application/x-ndjson");
    res.setHeader("Content-Disposition", `attachment; filename="varai-analytics-${range.from}-${range.to}.ndjson"`);
    for await (const line of queries.exportLines(tenantId, range)) {
      if (res.destroyed) return;
      // Respect the socket's backpressure: a slow client must not make us buffer the export.
      if (!res.write(`${JSON.stringify(line)}\n`)) {
        await new Promise<void>((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
      }
    }
    res.end();
  });

  async function ingestPurchase(order: PurchaseOrder): Promise<void> {
    const input = parseInput(PurchaseInputSchema, order, "purchase");
    if (input.lineItems.length === 0) return;
    const attributed = input.varaiSessionId !== null;
    // Deterministic event ids: a webhook delivered twice (platforms retry) yields the same
    // events, and the processor stores and counts each id once. The batch id stays random: a
    // second delivery is a different batch whose events all turn out to be duplicates.
    const orderKey = `${input.tenantId}|${input.platform}|${input.connectionId}|${input.orderId}`;
    const hash = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 40);
    const events: AnalyticsEventInput[] = input.lineItems.map((line, index) => ({
      id: `pur_${hash(`${orderKey}|${index}|${line.productExternalId}`)}`,
      type: "purchase",
      sessionId: input.varaiSessionId ?? `order:${hash(orderKey).slice(0, 24)}`,
      ...(line.productId ? { productId: line.productId } : {}),
      occurredAt: input.occurredAt,
      properties: {
        platform: input.platform,
        orderId: input.orderId.slice(0, 512),
        productExternalId: line.productExternalId,
        quantity: line.quantity,
        price: line.price,
        value: Math.round(line.price * line.quantity * 100) / 100,
        currency: input.currency,
        attributed,
      },
    }));
    // No backpressure check: orders are few and precious, and a 503 would only make the
    // platform retry later.
    await enqueue({
      batchId: `pob_${randomUUID().replaceAll("-", "")}`,
      tenantId: input.tenantId,
      receivedAt: deps.clock().toISOString(),
      deviceClass: "unknown",
      region: await tenantRegion(input.tenantId),
      events,
    });
  }

  /**
   * A batch that carried a redacted shopper's events holds them in its queue job until the job
   * is acknowledged, just after this handler (group commit). On the embedded store the job's
   * deleted row stays in old page images until a checkpoint; one shortly after the ack makes
   * that deletion physical, as the redaction did for everything it reached.
   */
  let checkpointTimer: NodeJS.Timeout | null = null;
  function checkpointSoon(retries = 3): void {
    if (checkpointTimer) return;
    checkpointTimer = setTimeout(() => {
      checkpointTimer = null;
      deps.store.checkpoint().catch((error: unknown) => {
        logger.warn({ err: error }, "checkpoint after a redacted batch failed");
        if (retries > 0) checkpointSoon(retries - 1);
      });
    }, 250);
    checkpointTimer.unref();
  }

  const maxAttempts = processorOptions.maxAttempts ?? 8;
  let consumer: Consumer | null = null;
  const processorControl = {
    async start() {
      if (consumer) return;
      consumer = deps.queue.consume<QueuedBatch>(
        QUEUES.analyticsEvents,
        async (job) => {
          try {
            await processorOptions.fault?.(job.payload);
            const result = await processor.process(job.payload, job.attempt);
            if (result.redacted) checkpointSoon();
          } catch (error) {
            // The last attempt: the batch goes to the dead letters, maybe after a redaction scrubbed them.
            if (job.attempt >= maxAttempts) {
              void scrubLateDeadLetter(deps.queue, suppressions, logger, job.payload)
                .then((changed) => changed && checkpointSoon())
                .catch((scrubError: unknown) => logger.warn({ err: scrubError }, "late dead letter not screened"));
            }
            throw error;
          }
        },
        {
          concurrency: processorOptions.concurrency ?? 4,
          maxAttempts,
          ...(processorOptions.backoffMs !== undefined ? { backoffMs: processorOptions.backoffMs } : {}),
          ...(processorOptions.visibilityTimeoutMs
            ? { visibilityTimeoutMs: processorOptions.visibilityTimeoutMs }
            : {}),
          ...(processorOptions.consumerName ? { consumerName: processorOptions.consumerName } : {}),
        },
      );
    },
    async stop() {
      const current = consumer;
      consumer = null;
      await current?.stop();
      await processor.flushLedger();
    },
    get running() {
      return consumer !== null;
    },
  };

  return {
    name: "analytics",
    router,
    openapi: analyticsOpenApi(),
    async start() {
      if (processorOptions.enabled !== false) await processorControl.start();
    },
    stop: () => processorControl.stop(),
    async ready() {
      await deps.queue.ping();
    },
    ingestPurchase,
    processor: processorControl,
  };
}
