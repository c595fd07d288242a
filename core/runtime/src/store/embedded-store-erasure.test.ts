import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSqliteQueue } from "../kv/sqlite-queue.ts";
import { createEmbeddedStore } from "./embedded-store.ts";

/**
 * Face data is biometric: expired or erased documents must be gone from every file of the
 * embedded store (database, WAL, shared memory), not only hidden from queries.
 */

interface Face {
  id: string;
  tenantId: string;
  shopperId: string;
  landmarks: number[];
  expiresAt: Date;
}

const T = "ten_one";
const DAY = 86_400_000;
const SHOPPER = "shp_marker_4f1c9e";
const LANDMARK = 0.123456789123;
const faces = { name: "faces", scope: "tenant", ttlField: "expiresAt" } as const;

async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir)) {
    if ((await readFile(join(dir, name))).includes(Buffer.from(needle))) found.push(name);
  }
  return found;
}

describe("embedded store: deleted means gone from disk", () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "varai-erasure-"));
    file = join(dir, "varai.sqlite");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const face = (id: string, expiresAt: Date): Face => ({
    id,
    tenantId: T,
    shopperId: SHOPPER,
    landmarks: Array.from({ length: 1434 }, (_, i) => LANDMARK + i),
    expiresAt,
  });

  it("sweepExpired(now) deletes expired documents and leaves none of their bytes in any file", async () => {
    const start = new Date("2026-01-01T00:00:00Z");
    const store = createEmbeddedStore({ file, clock: () => start, ttlSweepMs: 3_600_000 });
    // A second connection on the file, as the queue keeps in the gateway.
    const queue = createSqliteQueue({ file });
    const collection = store.tenantCollection<Face>(faces);
    await collection.insertOne(T, face("fa_1", new Date(start.getTime() + 7 * DAY)));
    await collection.insertOne(T, {
      ...face("fa_2", new Date(start.getTime() + 30 * DAY)),
      shopperId: "shp_other_77",
      landmarks: [0.5, 0.25],
    });
    expect(await filesHolding(dir, SHOPPER)).not.toEqual([]);

    expect(await store.sweepExpired(new Date(start.getTime() + 8 * DAY))).toBe(1);
    expect(await filesHolding(dir, SHOPPER)).toEqual([]);
    expect(await filesHolding(dir, String(LANDMARK + 7))).toEqual([]);
    // The live document is untouched.
    expect(await collection.findById(T, "fa_2")).toMatchObject({ shopperId: "shp_other_77" });
    await queue.close();
    await store.close();
  });

  it("deletes what expired while no process ran as soon as the collection is declared again", async () => {
    const start = new Date("2026-01-01T00:00:00Z");
    let store = createEmbeddedStore({ file, clock: () => start });
    await store.tenantCollection<Face>(faces).insertOne(T, face("fa_1", new Date(start.getTime() + 7 * DAY)));
    await store.close();
    expect(await filesHolding(dir, SHOPPER)).toEqual(["varai.sqlite"]);

    // 91 days later, a new process: the start-up sweep runs before anything else reads.
    store = createEmbeddedStore({ file, clock: () => new Date(start.getTime() + 91 * DAY) });
    store.tenantCollection<Face>(faces);
    expect(await filesHolding(dir, SHOPPER)).toEqual([]);
    await store.close();
  });

  it("sweeps a backlog larger than one batch completely, yielding to the event loop between batches", async () => {
    const start = new Date("2026-01-01T00:00:00Z");
    const store = createEmbeddedStore({ file, clock: () => start, ttlSweepMs: 3_600_000 });
    const collection = store.tenantCollection<{ id: string; tenantId: string; expiresAt: Date }>(faces);
    const expiresAt = new Date(start.getTime() + DAY);
    await collection.insertMany(
      T,
      Array.from({ length: 2500 }, (_, i) => ({ id: `fa_${i}`, expiresAt })),
    );
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const removed = await store.sweepExpired(new Date(start.getTime() + 2 * DAY));
    clearInterval(ticker);
    expect(removed).toBe(2500);
    expect(ticks).toBeGreaterThan(0);
    expect(await collection.count(T)).toBe(0);
    await store.close();
  });

  it("checkpoint() makes a deletion physical while the store stays open", async () => {
    const store = createEmbeddedStore({ file });
    const collection = store.tenantCollection<Face>(faces);
    await collection.insertOne(T, face("fa_1", new Date(Date.now() + DAY)));
    await collection.deleteMany(T, { shopperId: SHOPPER });
    // secure_delete zeroes the page, but the WAL still holds its old image until a checkpoint.
    expect(await filesHolding(dir, SHOPPER)).not.toEqual([]);
    await store.checkpoint();
    expect(await filesHolding(dir, SHOPPER)).toEqual([]);
    await store.close();
  });
});
