import { CATALOG_QUEUES, type ConnectionDoc } from "./collections.ts";
import { ensureWebhooks } from "./ensure-webhooks.ts";
import { startRun } from "./sync-run.ts";
import { ACTIVE, type SyncContext, type SyncJob } from "./sync-types.ts";

// What runs on the schedule and at start: webhooks kept registered, incremental syncs, and runs
// whose worker died resumed.

/** Every known connection (the routing table is the one global index of them). */
async function* allConnections(c: SyncContext): AsyncGenerator<ConnectionDoc> {
  const { store } = c;
  const routes = await store.routes.find({ id: { $regex: "^con:" } });
  for (const route of routes) {
    const doc = await store.connections.findById(route.tenantId, route.connectionId);
    if (doc) yield doc;
  }
}

/** Re-enqueues runs whose worker died (lease expired or released) so they continue from their cursor. */
export async function resumeStale(c: SyncContext): Promise<number> {
  const { store, deps } = c;
  let resumed = 0;
  const t = c.now();
  for await (const connection of allConnections(c)) {
    const stale = await store.runs.find(connection.tenantId, {
      connectionId: connection.id,
      status: { $in: [...ACTIVE] },
      $or: [{ leaseOwner: null }, { leaseUntil: { $lt: t } }],
    });
    for (const run of stale) {
      await deps.queue.enqueue<SyncJob>(CATALOG_QUEUES.sync, { tenantId: connection.tenantId, runId: run.id });
      resumed++;
    }
  }
  return resumed;
}

/** The schedule's work: re-register missing webhooks and run an incremental sync per active connection. */
export async function reconcile(c: SyncContext): Promise<void> {
  const { deps, registry } = c;
  for await (const connection of allConnections(c)) {
    if (connection.status !== "active" || !registry.supports(connection.platform)) continue;
    try {
      await ensureWebhooks(c, connection);
      await startRun(c, connection, connection.lastSyncStartedAt ? "incremental" : "full");
    } catch (error) {
      deps.logger.warn({ connectionId: connection.id, err: error }, "reconciliation failed for a connection");
    }
  }
}
