import { randomUUID } from "node:crypto";
import type { Job, RuntimeDeps } from "@varai/runtime";
import { type AppError, newId, type SyncMode } from "@varai/schema";
import { CATALOG_QUEUES, type ConnectionDoc, type SyncRunDoc } from "./collections.ts";
import type { CatalogStore } from "./connections-store.ts";
import type { RateGovernor } from "./governor.ts";
import type { ProductWriter } from "./product-writer.ts";
import type { AdapterRegistry } from "./registry.ts";
import { applyPage, createPageFetcher } from "./sync-pages.ts";

export interface SyncOptions {
  /** Page size asked of the adapter (clamped to its maximum). Default: the adapter's default. */
  pageSize?: number;
  /** Incremental runs re-read this much before the last run's start (clock skew, in-flight saves). Default 10 min. */
  overlapMs?: number;
  /** A run whose holder has not renewed its lease for this long is resumed by another worker. Default 60 s. */
  leaseMs?: number;
  /** Consecutive rate-limit answers a run absorbs (waiting as told) before giving the job back to the queue. */
  maxRateLimitWaits?: number;
}

export interface SyncJob {
  tenantId: string;
  runId: string;
}

const ACTIVE = ["queued", "running"] as const;

/** A run's state after each step (queued, every page written, finished), for live progress. */
export interface SyncProgress {
  tenantId: string;
  connectionId: string;
  runId: string;
  mode: SyncMode;
  status: SyncRunDoc["status"];
  pages: number;
  counts: SyncRunDoc["counts"];
  error: string | null;
}

export function createSyncEngine(
  x: {
    deps: RuntimeDeps;
    store: CatalogStore;
    registry: AdapterRegistry;
    writer: ProductWriter;
    governor: RateGovernor;
    webhookUrlOf: (c: ConnectionDoc) => string;
    /** Told after every step of a run; it must not throw (a listener's failure is not the sync's). */
    onProgress?: (progress: SyncProgress) => void;
  },
  options: SyncOptions = {},
) {
  const { deps, store, registry, writer, governor } = x;
  const report = (run: SyncRunDoc, status: SyncRunDoc["status"], error: string | null = run.error) => {
    try {
      x.onProgress?.({
        tenantId: run.tenantId,
        connectionId: run.connectionId,
        runId: run.id,
        mode: run.mode,
        status,
        pages: run.pages,
        counts: { ...run.counts },
        error,
      });
    } catch (listenerError) {
      deps.logger.warn({ err: listenerError }, "sync progress listener failed");
    }
  };
  const overlapMs = options.overlapMs ?? 10 * 60_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxWaits = options.maxRateLimitWaits ?? 50;
  const me = randomUUID();
  let stopping = false;
  const now = () => deps.clock().toISOString();
  const later = (ms: number) => new Date(deps.clock().getTime() + ms).toISOString();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function startRun(connection: ConnectionDoc, mode: SyncMode): Promise<SyncRunDoc> {
    const active = await store.runs.findOne(connection.tenantId, {
      connectionId: connection.id,
      status: { $in: [...ACTIVE] },
    });
    if (active) return active; // one run per connection at a time
    const since =
      mode === "incremental" && connection.lastSyncStartedAt
        ? new Date(Date.parse(connection.lastSyncStartedAt) - overlapMs).toISOString()
        : null;
    const t = now();
    const run = await store.runs.insertOne(connection.tenantId, {
      id: newId("syncRun"),
      connectionId: connection.id,
      mode,
      status: "queued",
      counts: { fetched: 0, upserted: 0, failed: 0, skipped: 0 },
      cursor: null,
      updatedSince: since,
      error: null,
      startedAt: null,
      finishedAt: null,
      createdAt: t,
      updatedAt: t,
      leaseOwner: null,
      leaseUntil: null,
      pages: 0,
    });
    await store.connections.updateOne(connection.tenantId, { id: connection.id }, { $set: { lastSyncRunId: run.id } });
    await deps.queue.enqueue<SyncJob>(CATALOG_QUEUES.sync, { tenantId: connection.tenantId, runId: run.id });
    report(run, "queued");
    return run;
  }

  /** Creates missing webhook subscriptions and re-enables disabled ones; never fails the caller. */
  async function ensureWebhooks(connection: ConnectionDoc): Promise<void> {
    const adapter = registry.adapterFor(connection);
    if (!adapter.capabilities.webhookRegistration || connection.status !== "active") return;
    await governor.acquire(connection.id, 1);
    const result = await adapter.registerWebhooks(x.webhookUrlOf(connection));
    // Its calls reported no signal here; the next response's report includes them.
    governor.observe(connection.id, null);
    const check = result.ok
      ? {
          checkedAt: now(),
          created: result.value.created.length,
          reactivated: result.value.reactivated.length,
          error: null,
        }
      : { checkedAt: now(), created: 0, reactivated: 0, error: result.error.message };
    if (!result.ok)
      deps.logger.warn({ connectionId: connection.id, code: result.error.code }, "webhook registration failed");
    await store.connections.updateOne(connection.tenantId, { id: connection.id }, { $set: { webhookCheck: check } });
  }

  const finish = async (run: SyncRunDoc, status: "succeeded" | "failed", error: string | null) => {
    const t = now();
    await store.runs.updateOne(
      run.tenantId,
      { id: run.id, leaseOwner: me },
      { $set: { status, error, finishedAt: t, updatedAt: t, leaseOwner: null, leaseUntil: null } },
    );
    const set: Record<string, unknown> = {
      lastSyncAt: t,
      updatedAt: t,
      health: status === "succeeded" ? "healthy" : "failing",
    };
    if (status === "succeeded") set.lastSyncStartedAt = run.startedAt;
    await store.connections.updateOne(run.tenantId, { id: run.connectionId }, { $set: set });
    const doc = await store.connections.findById(run.tenantId, run.connectionId);
    if (doc) store.invalidate(doc);
    report(run, status, error);
  };

  /** Runs (or resumes) a sync from its persisted cursor. The queue retries it if it throws. */
  const pageWriter = { store, writer, logger: deps.logger };

  /** A run's first step: the store's currency, and on a full run its webhooks (re-)registered. */
  async function prepareRun(connection: ConnectionDoc, run: SyncRunDoc): Promise<ConnectionDoc> {
    await governor.acquire(connection.id, 1); // setup calls spend the same budget as pages
    const info = await registry.adapterFor(connection).getStoreInfo();
    governor.observe(connection.id, null);
    let prepared = connection;
    if (info.ok && info.value.currency !== connection.currency) {
      await store.connections.updateOne(
        connection.tenantId,
        { id: connection.id },
        { $set: { currency: info.value.currency } },
      );
      prepared = { ...connection, currency: info.value.currency };
    }
    if (run.mode === "full") await ensureWebhooks(prepared);
    return prepared;
  }

  async function runJob(job: Job<SyncJob>, maxAttempts: number): Promise<void> {
    const { tenantId, runId } = job.payload;
    const t = now();
    const run = await store.runs.findOneAndUpdate(
      tenantId,
      {
        id: runId,
        status: { $in: [...ACTIVE] },
        $or: [{ leaseOwner: null }, { leaseOwner: me }, { leaseUntil: { $lt: t } }],
      },
      { $set: { leaseOwner: me, leaseUntil: later(leaseMs), status: "running", updatedAt: t } },
    );
    if (!run) return; // finished, or held by a live worker
    if (!run.startedAt) await store.runs.updateOne(tenantId, { id: run.id }, { $set: { startedAt: t } });
    run.startedAt ??= t;
    let connection = await store.connections.findById(tenantId, run.connectionId);
    if (connection?.status !== "active") return finish(run, "failed", "connection is not active");

    try {
      if (run.pages === 0) connection = await prepareRun(connection, run);
      const fetchPage = createPageFetcher({
        adapter: registry.adapterFor(connection),
        governor,
        storeKey: connection.id,
        updatedSince: run.updatedSince,
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      });
      let cursor = run.cursor;
      let waits = 0;
      let outages = 0;
      // The next page is requested while this one is written (the platform's budget, not our
      // writes, should set the pace); it is only ever applied after this page's cursor is saved.
      let prefetched: ReturnType<typeof fetchPage> | null = null;
      const totals = { pages: run.pages, counts: { ...run.counts } };
      while (!stopping) {
        const page = await (prefetched ?? fetchPage(cursor));
        prefetched = null;
        if (!page.ok) {
          const e: AppError = page.error;
          if (e.code === "RATE_LIMITED" && waits++ < maxWaits) continue; // fetchPage set the wait
          if (e.code === "UPSTREAM_UNAVAILABLE" && outages++ < 3) {
            await sleep(200 * 2 ** outages);
            continue;
          }
          throw e;
        }
        waits = 0;
        outages = 0;
        const next = page.value.nextCursor;
        if (next !== null && !stopping) prefetched = fetchPage(next);
        const { counts, persisted } = await applyPage(pageWriter, run, connection.id, page.value, {
          owner: me,
          leaseUntil: later(leaseMs),
          now: now(),
        });
        if (!persisted) {
          await prefetched; // lease lost to another worker: it continues
          return;
        }
        // The same increments the store applied, so listeners see the persisted totals.
        totals.pages += 1;
        for (const key of ["fetched", "upserted", "failed", "skipped"] as const) totals.counts[key] += counts[key];
        report({ ...run, ...totals }, "running");
        cursor = page.value.nextCursor;
        if (cursor === null) return finish({ ...run, ...totals, startedAt: run.startedAt }, "succeeded", null);
      }
      await prefetched; // stopping: its page is re-read by whoever resumes
      // Stopping: hand the lease back so the next process resumes from the persisted cursor.
      await store.runs.updateOne(
        tenantId,
        { id: run.id, leaseOwner: me },
        { $set: { leaseOwner: null, leaseUntil: null } },
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (job.attempt >= maxAttempts) return finish(run, "failed", message.slice(0, 500));
      await store.runs.updateOne(
        tenantId,
        { id: run.id, leaseOwner: me },
        { $set: { leaseOwner: null, leaseUntil: null, error: message.slice(0, 500) } },
      );
      throw error;
    }
  }

  /** Every known connection (the routing table is the one global index of them). */
  async function* allConnections(): AsyncGenerator<ConnectionDoc> {
    const routes = await store.routes.find({ id: { $regex: "^con:" } });
    for (const route of routes) {
      const doc = await store.connections.findById(route.tenantId, route.connectionId);
      if (doc) yield doc;
    }
  }

  /** Re-enqueues runs whose worker died (lease expired or released) so they continue from their cursor. */
  async function resumeStale(): Promise<number> {
    let resumed = 0;
    const t = now();
    for await (const c of allConnections()) {
      const stale = await store.runs.find(c.tenantId, {
        connectionId: c.id,
        status: { $in: [...ACTIVE] },
        $or: [{ leaseOwner: null }, { leaseUntil: { $lt: t } }],
      });
      for (const run of stale) {
        await deps.queue.enqueue<SyncJob>(CATALOG_QUEUES.sync, { tenantId: c.tenantId, runId: run.id });
        resumed++;
      }
    }
    return resumed;
  }

  /** The schedule's work: re-register missing webhooks and run an incremental sync per active connection. */
  async function reconcile(): Promise<void> {
    for await (const c of allConnections()) {
      if (c.status !== "active" || !registry.supports(c.platform)) continue;
      try {
        await ensureWebhooks(c);
        await startRun(c, c.lastSyncStartedAt ? "incremental" : "full");
      } catch (error) {
        deps.logger.warn({ connectionId: c.id, err: error }, "reconciliation failed for a connection");
      }
    }
  }

  return {
    startRun,
    runJob,
    resumeStale,
    reconcile,
    ensureWebhooks,
    stop() {
      stopping = true;
    },
    resume() {
      stopping = false;
    },
  };
}
export type SyncEngine = ReturnType<typeof createSyncEngine>;
