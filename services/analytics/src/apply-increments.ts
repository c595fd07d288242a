import type { Logger, TenantCollection, Update } from "@varai/runtime";
import type { DailyDoc } from "./collections.ts";
import type { DailyIncrement, Increments } from "./count-events.ts";
import { createGroupCommit, type Pending } from "./group-commit.ts";
import { isConflict } from "./insert-raw-events.ts";
import { createSettledLedger, type SettledLedger } from "./settled-ledger.ts";

interface Submission {
  tenantId: string;
  batchId: string;
  increments: Increments;
}

/**
 * Step 4: the daily increments, each aggregate's as one `$inc` guarded by the batch's ledger
 * key, and the lazy removal of ledger keys once their batch's applied marker is written.
 *
 * Group commit (group-commit.ts): batches handled concurrently hand their increments over, and
 * while one flush runs the next ones gather, so a busy aggregate (a popular frame today) takes one write per
 * flush instead of one per batch. Exactly-once still holds per batch (see applyGuarded).
 */
export function createIncrementWriter(daily: TenantCollection<DailyDoc>, logger: Logger) {
  const ledger = createSettledLedger(daily, logger);

  async function flushGroup(group: Pending<Submission>[]): Promise<void> {
    const merged = new Map<string, { tenantId: string; increment: DailyIncrement; parts: Submission[] }>();
    for (const { value: submission } of group) {
      for (const [aggregateId, inc] of submission.increments) {
        let entry = merged.get(aggregateId);
        if (!entry) {
          const increment = { day: inc.day, productId: inc.productId, counts: {} };
          entry = { tenantId: submission.tenantId, increment, parts: [] };
          merged.set(aggregateId, entry);
        }
        const counts = entry.increment.counts;
        for (const [metric, by] of Object.entries(inc.counts)) counts[metric] = (counts[metric] ?? 0) + by;
        entry.parts.push(submission);
      }
    }
    const failed = new Map<Submission, unknown>();
    await Promise.all(
      [...merged].map(async ([aggregateId, entry]) => {
        try {
          const batchIds = entry.parts.map((p) => p.batchId);
          if (await applyGuarded(daily, ledger, entry.tenantId, aggregateId, entry.increment, batchIds)) return;
          if (entry.parts.length === 1) return; // that single batch was already applied
          for (const part of entry.parts) {
            const inc = part.increments.get(aggregateId) as DailyIncrement;
            await applyGuarded(daily, ledger, part.tenantId, aggregateId, inc, [part.batchId]);
          }
        } catch (error) {
          // Unknown outcome: the batches retry through the queue; their guards make that safe.
          for (const part of entry.parts) failed.set(part, error);
        }
      }),
    );
    for (const { value, settle } of group) settle(failed.get(value));
  }

  const commit = createGroupCommit(flushGroup);
  return {
    submit: (tenantId: string, batchId: string, increments: Increments) => commit({ tenantId, batchId, increments }),
    settle: ledger.settle,
    flushLedger: ledger.flush,
  };
}

/**
 * One guarded `$inc` for an aggregate, carrying the increments of one or more batches. The
 * filter requires every one of their ledger keys to be absent and the update adds them all,
 * so it applies all of the batches or none. Returns false when a key was present (a batch
 * is a re-run): the caller then applies the batches one by one, each under its own guard.
 */
async function applyGuarded(
  daily: TenantCollection<DailyDoc>,
  ledger: SettledLedger,
  tenantId: string,
  aggregateId: string,
  { day, productId, counts }: DailyIncrement,
  batchIds: string[],
): Promise<boolean> {
  const filter: Record<string, unknown> = { id: aggregateId };
  const set: Record<string, unknown> = { day, productId, updatedAt: new Date() };
  for (const batchId of batchIds) {
    filter[`ledger.${batchId}`] = { $exists: false };
    set[`ledger.${batchId}`] = 1;
  }
  const settled = ledger.take(aggregateId);
  const update: Update = { $inc: counts, $set: set };
  if (settled) update.$unset = Object.fromEntries(settled.batches.map((b) => [`ledger.${b}`, ""] as const));
  try {
    await daily.updateOne(tenantId, filter, update, { upsert: true });
    return true;
  } catch (error) {
    if (settled) ledger.remember(aggregateId, settled.tenantId, settled.batches);
    // The guard missed and the upsert hit the existing id: one of the batches is already in.
    if (isConflict(error)) return false;
    throw error;
  }
}
