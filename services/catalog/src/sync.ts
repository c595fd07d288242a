import { randomUUID } from "node:crypto";
import type { Job } from "@varai/runtime";
import type { SyncMode } from "@varai/schema";
import type { ConnectionDoc } from "./collections.ts";
import { ensureWebhooks } from "./ensure-webhooks.ts";
import { runJob, startRun } from "./sync-run.ts";
import { reconcile, resumeStale } from "./sync-schedule.ts";
import type { SyncContext, SyncEngineDeps, SyncJob, SyncOptions } from "./sync-types.ts";

export type { SyncEngineDeps, SyncJob, SyncOptions, SyncProgress } from "./sync-types.ts";

export function createSyncEngine(x: SyncEngineDeps, options: SyncOptions = {}) {
  const { deps } = x;
  let stopping = false;
  const c: SyncContext = {
    deps,
    store: x.store,
    registry: x.registry,
    writer: x.writer,
    governor: x.governor,
    webhookUrlOf: x.webhookUrlOf,
    logger: deps.logger,
    overlapMs: options.overlapMs ?? 10 * 60_000,
    leaseMs: options.leaseMs ?? 60_000,
    maxWaits: options.maxRateLimitWaits ?? 50,
    pageSize: options.pageSize,
    me: randomUUID(),
    stopping: () => stopping,
    report(run, status, error = run.error) {
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
    },
    now: () => deps.clock().toISOString(),
    later: (ms) => new Date(deps.clock().getTime() + ms).toISOString(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
  return {
    startRun: (connection: ConnectionDoc, mode: SyncMode) => startRun(c, connection, mode),
    runJob: (job: Job<SyncJob>, maxAttempts: number) => runJob(c, job, maxAttempts),
    resumeStale: () => resumeStale(c),
    reconcile: () => reconcile(c),
    ensureWebhooks: (connection: ConnectionDoc) => ensureWebhooks(c, connection),
    stop() {
      stopping = true;
    },
    resume() {
      stopping = false;
    },
  };
}
export type SyncEngine = ReturnType<typeof createSyncEngine>;
