import { createLogger } from "@varai/runtime";
import { createTestRuntime } from "@varai/testkit";
import { afterEach, describe, expect, it } from "vitest";
import type { ConnectionDoc } from "./collections.ts";
import { createCatalogStore } from "./connections-store.ts";
import { createStatsBuffer } from "./webhook-stats.ts";

/**
 * The webhook counters reach the connection without the catalog's consumers: an intake-only
 * process (catalog-intake, services/gateway/src/service-env.ts) never starts them.
 */

const deps = createTestRuntime();
afterEach(async () => {
  await deps.close();
});

describe("webhook stats buffer", () => {
  it("flushes itself about a second after a count, with nothing started", async () => {
    const store = createCatalogStore(deps);
    const conn = { tenantId: "ten_stats", id: "con_stats" };
    await store.connections.insertOne(conn.tenantId, {
      id: conn.id,
      webhookStats: { accepted: 0, duplicates: 0, rejectedSignatures: 0, malformed: 0 },
    } as unknown as ConnectionDoc);
    const stats = createStatsBuffer(store, createLogger({ level: "silent" }));
    stats.count(conn, "rejectedSignatures", null);
    stats.count(conn, "accepted", "2026-12-04T10:00:00.000Z");
    const read = async () => (await store.connections.findById(conn.tenantId, conn.id))!;
    expect((await read()).webhookStats.rejectedSignatures).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const after = await read();
    expect(after.webhookStats).toMatchObject({ rejectedSignatures: 1, accepted: 1 });
    expect(after.lastDeliveryAt).toBe("2026-12-04T10:00:00.000Z");
    // Nothing pending: no further write is scheduled, and the next count schedules one again.
    stats.count(conn, "duplicates", null);
    await stats.flush();
    expect((await read()).webhookStats.duplicates).toBe(1);
  });
});
