import type { Job } from "@varai/runtime";
import { type AppError, newId, type SyncMode } from "@varai/schema";
import { CATALOG_QUEUES, type ConnectionDoc, type SyncRunDoc } from "./collections.ts";
import { ensureWebhooks } from "./ensure-webhooks.ts";
import { applyPage, createPageFetcher } from "./sync-pages.ts";
import { ACTIVE, type SyncContext, type SyncJob } from "./sync-types.ts";

// A sync run's life: queued, claimed under a lease, page by page to its end (or a retry).

/** Queues a run of `mode` for `connection`, or returns the one already queued or running. */
export async function startRun(c: SyncContext, connection: ConnectionDoc, mode: SyncMode): Promise<SyncRunDoc> {
  const { store, deps } = c;
  const active = await store.runs.findOne(connection.tenantId, {
    connectionId: connection.id,
    status: { $in: [...ACTIVE] },
  });
  if (active) return active; // one run per connection at a time
  const since =
    mode === "incremental" && connection.lastSyncStartedAt
      ? new Date(Date.parse(connection.lastSyncStartedAt) - c.overlapMs).toISOString()
      : null;
  const t = c.now();
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
  c.report(run, "queued");
  return run;
}

/** Ends a run: its status, the connection's health and last sync, and the final progress report. */
async function finishRun(c: SyncContext, run: SyncRunDoc, status: "succeeded" | "failed", error: string | null) {
  const { store } = c;
  const t = c.now();
  await store.runs.updateOne(
    run.tenantId,
    { id: run.id, leaseOwner: c.me },
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
  c.report(run, status, error);
}

/** A run's first step: the store's currency, and on a full run its webhooks (re-)registered. */
async function prepareRun(c: SyncContext, connection: ConnectionDoc, run: SyncRunDoc): Promise<ConnectionDoc> {
  const { store, registry, governor } = c;
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
  if (run.mode === "full") await ensureWebhooks(c, prepared);
  return prepared;
}

/** Runs (or resumes) a sync from its persisted cursor. The queue retries it if it throws. */
export async function runJob(c: SyncContext, job: Job<SyncJob>, maxAttempts: number): Promise<void> {
  const { store, registry, governor } = c;
  const { tenantId, runId } = job.payload;
  const t = c.now();
  const run = await store.runs.findOneAndUpdate(
    tenantId,
    {
      id: runId,
      status: { $in: [...ACTIVE] },
      $or: [{ leaseOwner: null }, { leaseOwner: c.me }, { leaseUntil: { $lt: t } }],
    },
    { $set: { leaseOwner: c.me, leaseUntil: c.later(c.leaseMs), status: "running", updatedAt: t } },
  );
  if (!run) return; // finished, or held by a live worker
  if (!run.startedAt) await store.runs.updateOne(tenantId, { id: run.id }, { $set: { startedAt: t } });
  run.startedAt ??= t;
  let connection = await store.connections.findById(tenantId, run.connectionId);
  if (connection?.status !== "active") return finishRun(c, run, "failed", "connection is not active");

  try {
    if (run.pages === 0) connection = await prepareRun(c, connection, run);
    const fetchPage = createPageFetcher({
      adapter: registry.adapterFor(connection),
      governor,
      storeKey: connection.id,
      updatedSince: run.updatedSince,
      ...(c.pageSize ? { pageSize: c.pageSize } : {}),
    });
    let cursor = run.cursor;
    let waits = 0;
    let outages = 0;
    // The next page is requested while this one is written (the platform's budget, not our
    // writes, should set the pace); it is only ever applied after this page's cursor is saved.
    let prefetched: ReturnType<typeof fetchPage> | null = null;
    const totals = { pages: run.pages, counts: { ...run.counts } };
    while (!c.stopping()) {
      const page = await (prefetched ?? fetchPage(cursor));
      prefetched = null;
      if (!page.ok) {
        const e: AppError = page.error;
        if (e.code === "RATE_LIMITED" && waits++ < c.maxWaits) continue; // fetchPage set the wait
        if (e.code === "UPSTREAM_UNAVAILABLE" && outages++ < 3) {
          await c.sleep(200 * 2 ** outages);
          continue;
        }
        throw e;
      }
      waits = 0;
      outages = 0;
      const next = page.value.nextCursor;
      if (next !== null && !c.stopping()) prefetched = fetchPage(next);
      const { counts, persisted } = await applyPage(c, run, connection.id, page.value, {
        owner: c.me,
        leaseUntil: c.later(c.leaseMs),
        now: c.now(),
      });
      if (!persisted) {
        await prefetched; // lease lost to another worker: it continues
        return;
      }
      // The same increments the store applied, so listeners see the persisted totals.
      totals.pages += 1;
      for (const key of ["fetched", "upserted", "failed", "skipped"] as const) totals.counts[key] += counts[key];
      c.report({ ...run, ...totals }, "running");
      cursor = page.value.nextCursor;
      if (cursor === null) return finishRun(c, { ...run, ...totals, startedAt: run.startedAt }, "succeeded", null);
    }
    await prefetched; // stopping: its page is re-read by whoever resumes
    // Stopping: hand the lease back so the next process resumes from the persisted cursor.
    await store.runs.updateOne(
      tenantId,
      { id: run.id, leaseOwner: c.me },
      { $set: { leaseOwner: null, leaseUntil: null } },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (job.attempt >= maxAttempts) return finishRun(c, run, "failed", message.slice(0, 500));
    await store.runs.updateOne(
      tenantId,
      { id: run.id, leaseOwner: c.me },
      { $set: { leaseOwner: null, leaseUntil: null, error: message.slice(0, 500) } },
    );
    throw error;
  }
}
