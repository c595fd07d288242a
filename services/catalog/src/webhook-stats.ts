import { type Logger, metrics } from "@varai/runtime";
import type { ConnectionDoc } from "./collections.ts";
import type { CatalogStore } from "./connections-store.ts";

type StatName = "accepted" | "duplicates" | "rejectedSignatures" | "malformed";

/** The Prometheus outcome of each counter (varai_webhook_deliveries_total). */
const OUTCOME: Record<StatName, string> = {
  accepted: "accepted",
  duplicates: "duplicate",
  rejectedSignatures: "rejected_signature",
  malformed: "malformed",
};

/**
 * Webhook counters are buffered in memory and flushed about once a second: one document write
 * per delivery would dominate intake latency. A crash loses at most a second of counts. The
 * buffer schedules its own flush (a second after the first count since the last one), so the
 * intake counts wherever it runs, with or without the catalog's consumers (catalog-intake).
 */
export function createStatsBuffer(store: CatalogStore, logger: Logger) {
  const pending = new Map<
    string,
    { tenantId: string; id: string; inc: Record<StatName, number>; lastDeliveryAt: string | null }
  >();
  let timer: NodeJS.Timeout | null = null;
  const flush = async () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = [...pending.values()];
    pending.clear();
    for (const p of batch) {
      const $inc: Record<string, number> = {};
      for (const [k, v] of Object.entries(p.inc)) if (v) $inc[`webhookStats.${k}`] = v;
      try {
        await store.connections.updateOne(
          p.tenantId,
          { id: p.id },
          {
            ...(Object.keys($inc).length ? { $inc } : {}),
            ...(p.lastDeliveryAt ? { $max: { lastDeliveryAt: p.lastDeliveryAt } } : {}),
          },
        );
      } catch (error) {
        logger.warn({ connectionId: p.id, err: error }, "webhook stats flush failed");
      }
    }
  };
  return {
    count(conn: Pick<ConnectionDoc, "tenantId" | "id">, stat: StatName, at: string | null) {
      metrics.webhookDeliveries.inc({ outcome: OUTCOME[stat] });
      const key = `${conn.tenantId}/${conn.id}`;
      let p = pending.get(key);
      if (!p) {
        p = {
          tenantId: conn.tenantId,
          id: conn.id,
          inc: { accepted: 0, duplicates: 0, rejectedSignatures: 0, malformed: 0 },
          lastDeliveryAt: null,
        };
        pending.set(key, p);
      }
      p.inc[stat]++;
      if (!timer) {
        timer = setTimeout(() => void flush(), 1000);
        timer.unref();
      }
      if (at && (!p.lastDeliveryAt || at > p.lastDeliveryAt)) p.lastDeliveryAt = at;
    },
    flush,
  };
}
export type StatsBuffer = ReturnType<typeof createStatsBuffer>;
