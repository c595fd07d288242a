import type { CommerceAdapter } from "@varai/commerce";
import type { Logger } from "@varai/runtime";
import type { SyncRunDoc } from "./collections.ts";
import type { CatalogStore } from "./connections-store.ts";
import type { RateGovernor } from "./governor.ts";
import type { ProductWriter } from "./product-writer.ts";

/** One page request of a run, paced by the store's rate governor, its rate-limit report fed back. */
export function createPageFetcher(x: {
  adapter: CommerceAdapter;
  governor: RateGovernor;
  storeKey: string;
  updatedSince: string | null;
  pageSize?: number;
}) {
  const { adapter, governor, storeKey } = x;
  return async (cursor: string | null) => {
    await governor.acquire(storeKey);
    const result = await adapter.listProducts({
      cursor,
      updatedSince: x.updatedSince,
      ...(x.pageSize ? { pageSize: x.pageSize } : {}),
    });
    // Reported as soon as it arrives (a prefetched page's report is the freshest one).
    if (result.ok) governor.observe(storeKey, result.value.rateLimit);
    else if (result.error.code === "RATE_LIMITED")
      governor.penalize(storeKey, Number(result.error.details?.retryAfterMs ?? 1000));
    else governor.observe(storeKey, null);
    return result;
  };
}

type Page = Extract<Awaited<ReturnType<ReturnType<typeof createPageFetcher>>>, { ok: true }>["value"];

/**
 * Writes one page's products, then moves the run's cursor and counts together: a crash before
 * the cursor moves replays the page, and last-writer-wins makes the replay a no-op. `persisted`
 * is false when this worker lost the run's lease (another worker continues it).
 */
export async function applyPage(
  x: { store: CatalogStore; writer: ProductWriter; logger: Logger },
  run: SyncRunDoc,
  connectionId: string,
  page: Page,
  lease: { owner: string; leaseUntil: string; now: string },
): Promise<{ counts: SyncRunDoc["counts"]; persisted: boolean }> {
  const counts = { fetched: page.items.length, upserted: 0, failed: 0, skipped: 0 };
  const drafts = [];
  for (const item of page.items) {
    if (item.ok) drafts.push(item.value);
    else {
      counts.failed++;
      x.logger.warn(
        { connectionId, externalId: item.error.externalId, reason: item.error.message },
        "product skipped: transform failed",
      );
    }
  }
  for (const outcome of await x.writer.upsertPage(run.tenantId, drafts, lease.now)) {
    if (outcome === "skipped") counts.skipped++;
    else counts.upserted++;
  }
  const persisted = await x.store.runs.updateOne(
    run.tenantId,
    { id: run.id, leaseOwner: lease.owner },
    {
      $set: { cursor: page.nextCursor, leaseUntil: lease.leaseUntil, updatedAt: lease.now },
      $inc: {
        "counts.fetched": counts.fetched,
        "counts.upserted": counts.upserted,
        "counts.failed": counts.failed,
        "counts.skipped": counts.skipped,
        pages: 1,
      },
    },
  );
  return { counts, persisted: persisted.matched > 0 };
}
