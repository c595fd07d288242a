import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CollectionDefinition } from "../ports/document-store.ts";
import { createEmbeddedStore } from "./embedded-store.ts";

interface Row {
  id: string;
  tenantId: string;
  sku?: string;
  n?: number;
}

const T = "ten_one";

describe("embedded store files", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "varai-embedded-"));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const lines = async (name: string) =>
    (await readFile(join(dataDir, `${name}.db`), "utf8")).split("\n").filter((line) => line.length > 0);

  it("compacts an append-only datafile when the store closes", async () => {
    const store = createEmbeddedStore({ dataDir });
    const rows = store.tenantCollection<Row>({ name: "rows", scope: "tenant" });
    await rows.insertOne(T, { id: "r1", n: 0 });
    for (let i = 0; i < 100; i += 1) await rows.updateOne(T, { id: "r1" }, { $inc: { n: 1 } });
    expect((await lines("rows")).length).toBeGreaterThan(100);
    await store.close();
    const after = await lines("rows");
    // One document plus index declarations.
    expect(after.filter((line) => !line.includes("$$index"))).toHaveLength(1);
    expect(after.length).toBeLessThan(5);
  });

  it("compacts files that saw writes on the configured schedule", async () => {
    const store = createEmbeddedStore({ dataDir, compactionIntervalMs: 50 });
    const rows = store.tenantCollection<Row>({ name: "rows", scope: "tenant" });
    await rows.insertOne(T, { id: "r1", n: 0 });
    for (let i = 0; i < 50; i += 1) await rows.updateOne(T, { id: "r1" }, { $inc: { n: 1 } });
    await expect.poll(async () => (await lines("rows")).length, { timeout: 5_000 }).toBeLessThan(5);
    await store.close();
  });

  it("enforces a unique index added to an existing collection, and stops enforcing a removed one", async () => {
    const plain: CollectionDefinition & { scope: "tenant" } = { name: "rows", scope: "tenant" };
    const unique = { ...plain, indexes: [{ fields: { sku: 1 as const }, unique: true }] };

    let store = createEmbeddedStore({ dataDir });
    await store.tenantCollection<Row>(plain).insertOne(T, { id: "a", sku: "K" });
    await store.close();

    store = createEmbeddedStore({ dataDir });
    const withUnique = store.tenantCollection<Row>(unique);
    await expect(withUnique.insertOne(T, { id: "b", sku: "K" })).rejects.toMatchObject({ code: "CONFLICT" });
    await store.close();

    store = createEmbeddedStore({ dataDir });
    const withoutUnique = store.tenantCollection<Row>(plain);
    await withoutUnique.insertOne(T, { id: "b", sku: "K" });
    expect(await withoutUnique.count(T, { sku: "K" })).toBe(2);
    await store.close();

    // Existing duplicates make the new declaration unusable instead of silently unenforced.
    store = createEmbeddedStore({ dataDir });
    await expect(store.tenantCollection<Row>(unique).count(T)).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    await store.close();
  });

  it("moves documents written before ids were scoped per tenant to tenant-scoped ids on load", async () => {
    // The datafile format of the earlier release: `_id` = the public id, no `id` field.
    const legacy = [
      { _id: "r1", tenantId: T, n: 1, at: { $$date: Date.parse("2024-01-02T03:04:05Z") } },
      { _id: "r2", tenantId: "ten_two", n: 2 },
    ];
    await writeFile(join(dataDir, "rows.db"), `${legacy.map((doc) => JSON.stringify(doc)).join("\n")}\n`);
    const store = createEmbeddedStore({ dataDir });
    const rows = store.tenantCollection<Row & { at?: Date }>({ name: "rows", scope: "tenant" });
    expect(await rows.findById(T, "r1")).toEqual({ id: "r1", tenantId: T, n: 1, at: new Date("2024-01-02T03:04:05Z") });
    expect(await rows.find("ten_two", {})).toEqual([{ id: "r2", tenantId: "ten_two", n: 2 }]);
    await rows.insertOne("ten_two", { id: "r1", n: 3 });
    await expect(rows.insertOne(T, { id: "r1" })).rejects.toMatchObject({ code: "CONFLICT" });
    await store.close();

    const reopened = createEmbeddedStore({ dataDir });
    const again = reopened.tenantCollection<Row>({ name: "rows", scope: "tenant" });
    expect((await again.find("ten_two", {}, { sort: { id: 1 } })).map((doc) => doc.id)).toEqual(["r1", "r2"]);
    expect(await again.count(T)).toBe(1);
    await reopened.close();
  });

  it("refuses to work after close", async () => {
    const store = createEmbeddedStore({ dataDir: null });
    const rows = store.tenantCollection<Row>({ name: "rows", scope: "tenant" });
    await store.close();
    await expect(rows.find(T, {})).rejects.toMatchObject({ code: "INTERNAL" });
    await expect(store.ping()).rejects.toMatchObject({ code: "INTERNAL" });
  });

  it("refuses collection names that could escape the data directory", () => {
    const store = createEmbeddedStore({ dataDir: null });
    expect(() => store.tenantCollection<Row>({ name: "../evil", scope: "tenant" })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });
});
