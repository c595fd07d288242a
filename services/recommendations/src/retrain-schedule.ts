import { COLLECTIONS, type DocumentStore } from "@varai/runtime";
import type { RecsContext } from "./context.ts";
import { POSITIVE_TYPES } from "./event-weights.ts";
import { activeModelDoc } from "./tenant-state.ts";
import { trainPreferenceModel } from "./train-model.ts";

/** Retrains, every `intervalMs`, each active tenant with events newer than its model (one pass at a time). */
export function createRetrainSchedule(ctx: RecsContext, store: DocumentStore, intervalMs: number | null) {
  let timer: NodeJS.Timeout | null = null;
  let scheduledRun: Promise<void> | null = null;

  async function retrainAll(): Promise<void> {
    const tenantDocs = await store
      .globalCollection<{ id: string; status?: string }>(COLLECTIONS.tenants)
      .find({ status: "active" }, { projection: { id: 1 } });
    for (const { id } of tenantDocs) {
      try {
        const last = await activeModelDoc(ctx.collections, id, false);
        const fresh = await ctx.collections.events.count(id, {
          type: { $in: POSITIVE_TYPES },
          ...(last?.dataTo ? { occurredAt: { $gt: last.dataTo } } : {}),
        });
        if (fresh === 0) continue;
        await trainPreferenceModel(ctx, id);
      } catch (error) {
        ctx.logger.warn({ tenantId: id, err: error }, "scheduled training failed");
      }
    }
  }

  return {
    start() {
      if (intervalMs === null || timer) return;
      timer = setInterval(() => {
        if (scheduledRun) return;
        scheduledRun = retrainAll().finally(() => {
          scheduledRun = null;
        });
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await scheduledRun;
    },
  };
}
