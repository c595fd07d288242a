import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { openSqlite } from "../sqlite/database.ts";
import { describeQueueContract } from "./contracts.ts";
import { createSqliteQueue } from "./sqlite-queue.ts";

const dir = mkdtempSync(join(tmpdir(), "varai-sqlite-queue-"));
const file = join(dir, "varai.sqlite");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeQueueContract("sqlite", {
  create: () => createSqliteQueue({ file, pollMs: 50 }),
  // What a crashed worker process leaves behind: a row it claimed (lease of 400 ms) and never settled.
  async abandonNextJob(queue) {
    const other = openSqlite(file);
    try {
      const row = other.db
        .prepare(
          `UPDATE _varai_jobs SET claimed_by = 'crashed-worker', available_at = ?, deliveries = deliveries + 1
           WHERE seq = (SELECT seq FROM _varai_jobs WHERE queue = ? ORDER BY available_at LIMIT 1) RETURNING job_id`,
        )
        .get(Date.now() + 400, queue) as { job_id: string } | undefined;
      if (!row) throw new Error("no job to abandon");
      return row.job_id;
    } finally {
      other.close();
    }
  },
});

describe("sqlite queue across processes", () => {
  it("hands each job to exactly one of two queues opened on one file, and commits before enqueue resolves", async () => {
    const producer = createSqliteQueue({ file, pollMs: 20 });
    const a = createSqliteQueue({ file, pollMs: 20 });
    const b = createSqliteQueue({ file, pollMs: 20 });
    const q = `shared-${Date.now()}`;
    const ids = await Promise.all(Array.from({ length: 200 }, (_, n) => producer.enqueue(q, { n })));
    // Committed: a connection that opens the file now sees every acknowledged job.
    const reader = openSqlite(file);
    expect(reader.db.prepare("SELECT count(*) AS n FROM _varai_jobs WHERE queue = ?").get(q)).toEqual({ n: 200 });
    reader.close();
    const seen: string[] = [];
    const handler = async (job: { id: string }) => {
      seen.push(job.id);
    };
    const ca = a.consume(q, handler, { concurrency: 4 });
    const cb = b.consume(q, handler, { concurrency: 4 });
    const deadline = Date.now() + 10_000;
    while (seen.length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([ca.stop(), cb.stop()]);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(await producer.depth(q)).toBe(0);
    await Promise.all([producer.close(), a.close(), b.close()]);
  });
});

describe("sqlite queue consumer pace", () => {
  it("claims the next job on the next turn of the event loop, not after a timer", async () => {
    const queue = createSqliteQueue({ file: null, pollMs: 60_000 });
    const q = "pace";
    await Promise.all(Array.from({ length: 50 }, (_, n) => queue.enqueue(q, { n })));
    // Timers frozen: only setImmediate turns run. A consumer that waited for setTimeout(0) (at
    // least 1 ms) between jobs handled one batch here and then stalled.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let handled = 0;
      const consumer = queue.consume(
        q,
        async () => {
          handled++;
        },
        { concurrency: 2 },
      );
      for (let turn = 0; turn < 2000 && handled < 50; turn++) await new Promise((r) => setImmediate(r));
      expect(handled).toBe(50);
      vi.useRealTimers();
      await consumer.stop();
    } finally {
      vi.useRealTimers();
      await queue.close();
    }
  });
});
