import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { Aggregator, find as mingoFind } from "mingo";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CollectionDefinition } from "../ports/document-store.ts";
import { createEmbeddedStore } from "./embedded-store.ts";
import { keyExpression } from "./sql-filter.ts";

interface Row {
  id: string;
  tenantId: string;
  sku?: string;
  n?: number;
  [key: string]: unknown;
}

const T = "ten_one";

describe("embedded store (SQLite)", () => {
  let dataDir: string;
  let file: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "varai-embedded-"));
    file = join(dataDir, "varai.sqlite");
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers indexed filters exactly as MongoDB's matcher does, whatever the stored types", async () => {
    // Every value kind an indexed path may hold, including the ones SQL cannot tell apart
    // (true vs 1, an array holding the value, JSON text of an object vs a string).
    const values: unknown[] = [
      0,
      1,
      2,
      -3.5,
      true,
      false,
      null,
      undefined,
      "",
      "a",
      "b",
      "zz",
      "[x]",
      "{y}",
      "\u0001odd",
      new Date("2024-01-01T00:00:00Z"),
      new Date("2025-06-01T00:00:00Z"),
      ["a", 2],
      { a: 1 },
      [],
    ];
    const docs = values.map((v, i) => ({ id: `d${String(i).padStart(2, "0")}`, v, w: { v }, plain: v }));
    const filters: Record<string, unknown>[] = [];
    for (const path of ["v", "w.v"]) {
      for (const value of values) {
        if (value === undefined) continue;
        filters.push({ [path]: value }, { [path]: { $ne: value } }, { [path]: { $in: [value, "b"] } });
        filters.push({ [path]: { $nin: [value] } });
        if (typeof value === "number" || typeof value === "string" || value instanceof Date) {
          for (const op of ["$gt", "$gte", "$lt", "$lte"]) filters.push({ [path]: { [op]: value } });
        }
      }
      filters.push(
        { [path]: { $gte: 0, $lt: 2 } },
        { [path]: { $gt: "a", $lte: "zz" } },
        { [path]: { $gte: "\u0002", $lt: "Z" } },
      );
      filters.push({ [path]: { $exists: false } }, { $and: [{ [path]: { $ne: null } }, { [path]: { $lt: "b" } }] });
    }
    filters.push({ id: { $gt: "d05", $lte: "d12" } }, { id: { $in: ["d01", "d03", 4] } }, { id: { $ne: "d00" } });

    const store = createEmbeddedStore({ file: null });
    const definition = (name: string, multikeyFree: boolean): CollectionDefinition & { scope: "tenant" } => ({
      name,
      scope: "tenant",
      indexes: [
        { fields: { v: 1 } },
        { fields: { "w.v": -1 } },
        ...(multikeyFree ? [] : [{ fields: { plain: 1 as const } }]),
      ],
    });
    // One collection that has seen arrays on its index paths, one that never has.
    const withArrays = store.tenantCollection<Row>(definition("with_arrays", false));
    await withArrays.insertMany(T, docs);
    const scalarDocs = docs.filter((doc) => !Array.isArray(doc.v));
    const scalarsOnly = store.tenantCollection<Row>(definition("scalars_only", true));
    await scalarsOnly.insertMany(T, scalarDocs);

    for (const [collection, source] of [
      [withArrays, docs],
      [scalarsOnly, scalarDocs],
    ] as const) {
      for (const filter of filters) {
        const expected = (mingoFind(source, filter).all() as Row[]).map((doc) => doc.id).sort();
        const got = (await collection.find(T, filter)).map((doc) => doc.id).sort();
        expect({ filter, got }).toEqual({ filter, got: expected });
        expect({ filter, count: await collection.count(T, filter) }).toEqual({ filter, count: expected.length });
      }
    }
    await store.close();
    // About 1,000 queries against both collections: seconds on a loaded machine.
  }, 30_000);

  it("runs a $group of $sums as SQL GROUP BY with MongoDB's results, whatever the stored types", async () => {
    const keys: unknown[] = [
      1,
      2.5,
      true,
      false,
      "1",
      "a",
      "\u0001odd",
      null,
      undefined,
      new Date("2024-01-01T00:00:00Z"),
    ];
    const amounts: unknown[] = [1, 2.5, -4, "7", true, null, undefined, [1, 2], { n: 1 }, new Date(0)];
    const docs = keys.flatMap((k, i) =>
      amounts.map((n, j) => ({
        id: `d${i}_${j}`,
        k,
        m: j % 2 ? "odd" : undefined,
        n,
        w: { n: j % 3 === 0 ? n : 3 },
        day: `2024-01-${String(10 + (j % 5))}`,
      })),
    );
    const pipelines: Record<string, unknown>[][] = [
      [{ $group: { _id: "$k", s: { $sum: "$n" }, c: { $sum: 1 }, two: { $sum: 2 }, none: { $sum: "x" } } }],
      [{ $group: { _id: { k: "$k", m: "$m" }, s: { $sum: "$w.n" }, c: { $sum: 1 } } }],
      [{ $group: { _id: null, s: { $sum: "$n" }, t: { $sum: "$w.n" } } }],
      [{ $group: { _id: "fixed", c: { $sum: 1 } } }],
      [{ $match: { day: { $gte: "2024-01-11", $lte: "2024-01-13" } } }, { $group: { _id: "$m", s: { $sum: "$n" } } }],
      [
        { $match: { day: { $ne: "2024-01-10" } } },
        { $group: { _id: "$k", s: { $sum: "$w.n" } } },
        { $sort: { s: -1, _id: 1 } },
        { $limit: 3 },
      ],
      [{ $match: { day: "2099-01-01" } }, { $group: { _id: null, c: { $sum: 1 } } }],
    ];
    const store = createEmbeddedStore({ file: null });
    const items = store.tenantCollection<Row>({ name: "grouped", scope: "tenant", indexes: [{ fields: { day: 1 } }] });
    await items.insertMany(T, docs);
    const reference = docs.map((doc) => ({ ...doc, tenantId: T }));
    const canonical = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();
    for (const pipeline of pipelines) {
      const expected = new Aggregator(pipeline).run(reference);
      const got = await items.aggregate(T, pipeline);
      const ordered = pipeline.some((stage) => "$sort" in stage);
      expect({ pipeline, got: ordered ? got : canonical(got) }).toEqual({
        pipeline,
        got: ordered ? expected : canonical(expected),
      });
    }
    // Where MongoDB walks into arrays (a key or a path through one), the stage stays in mingo.
    const nested = store.tenantCollection<Row>({ name: "nested", scope: "tenant" });
    const arrays = [
      { id: "a1", k: ["x", "y"], w: [{ n: 1 }, { n: 2 }] },
      { id: "a2", k: "x", w: { n: 5 } },
      { id: "a3", k: { o: 1 }, w: { n: 1 } },
    ];
    await nested.insertMany(T, arrays);
    for (const pipeline of [
      [{ $group: { _id: "$k", s: { $sum: "$w.n" } } }],
      [{ $group: { _id: null, s: { $sum: "$w.n" } } }],
    ]) {
      expect(canonical(await nested.aggregate(T, pipeline))).toEqual(
        canonical(new Aggregator(pipeline).run(arrays.map((doc) => ({ ...doc, tenantId: T })))),
      );
    }
    await store.close();
  });

  it("groups without building the documents in JS (SQLite reads what JSON.parse would refuse)", async () => {
    const store = createEmbeddedStore({ file });
    const items = store.tenantCollection<Row>({ name: "sums", scope: "tenant", indexes: [{ fields: { k: 1 } }] });
    await items.insertMany(T, [{ id: "r1", k: "a", n: 2 }]);
    // JSON5 (unquoted keys): SQLite's JSON functions accept it, JSON.parse (decoding a document) does not.
    const raw = new DatabaseSync(file);
    raw
      .prepare("INSERT INTO doc_sums (tenant, id, doc) VALUES (?, ?, ?)")
      .run(T, "r2", `{id: "r2", tenantId: "${T}", k: "a", n: 3}`);
    raw.close();
    expect(await items.aggregate(T, [{ $match: { k: "a" } }, { $group: { _id: "$k", n: { $sum: "$n" } } }])).toEqual([
      { _id: "a", n: 5 },
    ]);
    // The same rows through a stage SQL does not run: mingo has to decode them, and cannot.
    await expect(
      items.aggregate(T, [{ $match: { k: "a" } }, { $group: { _id: "$k", n: { $max: "$n" } } }]),
    ).rejects.toThrow();
    await store.close();
  });

  it("pages an indexed query in SQL in index order, with a filter SQL answers only in part", async () => {
    const store = createEmbeddedStore({ file: null });
    const items = store.tenantCollection<Row>({
      name: "items",
      scope: "tenant",
      indexes: [{ fields: { status: 1, n: -1 } }],
    });
    await items.insertMany(
      T,
      Array.from({ length: 50 }, (_, i) => ({ id: `i${i}`, status: i % 2 ? "on" : "off", n: i, tag: i % 3 })),
    );
    const page = await items.find(T, { status: "on", tag: 0 }, { sort: { n: -1 }, skip: 1, limit: 3 });
    expect(page.map((doc) => doc.n)).toEqual([39, 33, 27]);
    expect(await items.count(T, { status: "on", tag: 0 })).toBe(8);
    await store.close();
  });

  it("enforces a unique index added to an existing collection, and stops enforcing a removed one", async () => {
    const plain: CollectionDefinition & { scope: "tenant" } = { name: "rows", scope: "tenant" };
    const unique = { ...plain, indexes: [{ fields: { sku: 1 as const }, unique: true }] };

    let store = createEmbeddedStore({ file });
    await store.tenantCollection<Row>(plain).insertOne(T, { id: "a", sku: "K" });
    await store.close();

    store = createEmbeddedStore({ file });
    const withUnique = store.tenantCollection<Row>(unique);
    await expect(withUnique.insertOne(T, { id: "b", sku: "K" })).rejects.toMatchObject({ code: "CONFLICT" });
    await store.close();

    store = createEmbeddedStore({ file });
    const withoutUnique = store.tenantCollection<Row>(plain);
    await withoutUnique.insertOne(T, { id: "b", sku: "K" });
    expect(await withoutUnique.count(T, { sku: "K" })).toBe(2);
    await store.close();

    // Existing duplicates make the new declaration unusable instead of silently unenforced.
    store = createEmbeddedStore({ file });
    await expect(store.tenantCollection<Row>(unique).count(T)).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    await expect(store.ping()).rejects.toMatchObject({ code: "INVALID_CONFIG" });
    await store.close();
  });

  it("shares one database file between two connections (two processes): writes, unique keys, claims", async () => {
    const definition: CollectionDefinition & { scope: "tenant" } = {
      name: "jobs",
      scope: "tenant",
      indexes: [{ fields: { sku: 1 }, unique: true, sparse: true }, { fields: { status: 1 } }],
    };
    const a = createEmbeddedStore({ file });
    const b = createEmbeddedStore({ file });
    const inA = a.tenantCollection<Row>(definition);
    const inB = b.tenantCollection<Row>(definition);
    await inA.insertMany(
      T,
      Array.from({ length: 20 }, (_, i) => ({ id: `j${i}`, status: "queued" })),
    );
    expect(await inB.count(T, { status: "queued" })).toBe(20);
    await inB.insertOne(T, { id: "k", sku: "S" });
    await expect(inA.insertOne(T, { id: "k2", sku: "S" })).rejects.toMatchObject({ code: "CONFLICT" });
    // Claims from both connections at once: each document goes to exactly one of them.
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? inA : inB).findOneAndUpdate(T, { status: "queued" }, { $set: { status: i % 2 ? "a" : "b" } }),
      ),
    );
    expect(new Set(claims.map((doc) => doc?.id)).size).toBe(20);
    // An array written through one connection turns the path multikey for the other's queries too.
    await inA.insertOne(T, { id: "arr", status: ["queued", "x"] as never });
    expect((await inB.find(T, { status: "queued" })).map((doc) => doc.id)).toEqual(["arr"]);
    await a.close();
    await b.close();
  });

  it("imports a data directory written by the NeDB store of earlier releases on first start, once", async () => {
    const nedbDir = join(dataDir, "db");
    await cp(join(import.meta.dirname, "fixtures", "nedb-data"), nedbDir, { recursive: true });
    const products: CollectionDefinition & { scope: "tenant" } = {
      name: "products",
      scope: "tenant",
      indexes: [
        { fields: { "source.connectionId": 1, "source.externalId": 1 }, unique: true, name: "by_source" },
        { fields: { status: 1, updatedAt: -1 }, name: "by_status" },
      ],
    };
    const open = () => {
      const store = createEmbeddedStore({ file, nedbDir });
      return {
        store,
        products: store.tenantCollection<Row>(products),
        tenants: store.globalCollection<{ id: string; name: string; createdAt: Date }>({
          name: "tenants",
          scope: "global",
          indexes: [{ fields: { name: 1 }, name: "by_name" }],
        }),
        sessions: store.tenantCollection<Row>({ name: "sessions", scope: "tenant", ttlField: "expiresAt" }),
      };
    };
    let s = open();
    expect(await s.products.findById("ten_alpha", "788032119674292922")).toEqual({
      id: "788032119674292922",
      tenantId: "ten_alpha",
      title: "Aviator",
      status: "active",
      price: 129.5,
      tags: ["metal", "pilot"],
      source: { connectionId: "con_1", externalId: "9007199254740993" },
      updatedAt: new Date("2024-05-01T10:20:30.456Z"),
      nested: { deep: [1, { x: null }] },
    });
    // The last line of an updated document wins; a deleted one stays deleted.
    expect(await s.products.findById("ten_alpha", "prd_2")).toMatchObject({ status: "active", views: 3 });
    expect(await s.products.findById("ten_alpha", "prd_gone")).toBeNull();
    expect(await s.products.findById("ten_beta", "prd_2")).toMatchObject({ title: "Beta's round" });
    expect(await s.products.count("ten_alpha")).toBe(2);
    await expect(
      s.products.insertOne("ten_alpha", { id: "dup", source: { connectionId: "con_1", externalId: "2" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await s.tenants.find({}, { sort: { name: 1 } })).toEqual([
      { id: "ten_alpha", name: "Alpha Optics", createdAt: new Date("2024-01-02T03:04:05.678Z") },
      { id: "ten_beta", name: "Beta Frames", createdAt: new Date("2024-02-03T04:05:06.789Z") },
    ]);
    expect((await s.sessions.find("ten_alpha", {})).map((doc) => doc.id)).toEqual(["ses_live"]);
    expect((await readdir(nedbDir)).sort()).toEqual([
      "products.db.migrated",
      "sessions.db.migrated",
      "tenants.db.migrated",
    ]);
    await s.products.updateOne("ten_alpha", { id: "prd_2" }, { $inc: { views: 1 } });
    await s.store.close();

    // A second start keeps what the first wrote and imports nothing again (even with the old files back).
    await cp(join(import.meta.dirname, "fixtures", "nedb-data"), nedbDir, { recursive: true });
    s = open();
    expect(await s.products.findById("ten_alpha", "prd_2")).toMatchObject({ views: 4 });
    expect(await s.products.count("ten_alpha")).toBe(2);
    await s.store.close();
  });

  it("keeps the documents in one SQLite file with a table per collection and SQL indexes", async () => {
    const store = createEmbeddedStore({ file });
    const rows = store.tenantCollection<Row>({
      name: "rows",
      scope: "tenant",
      indexes: [{ fields: { sku: 1 }, unique: true, name: "by_sku" }],
    });
    await rows.insertOne(T, { id: "r1", sku: "K", at: new Date("2024-01-02T00:00:00Z") });
    await store.close();
    const db = new DatabaseSync(file);
    expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'doc_rows' ORDER BY name")
      .all()
      .map((row) => row.name);
    expect(indexes).toEqual(["rows__id", "rows__ix_by_sku"]);
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT doc FROM doc_rows WHERE tenant = ? AND ${keyExpression("sku")} = ?`)
      .all(T, "K")
      .map((row) => row.detail);
    expect(plan.join()).toContain("USING INDEX rows__ix_by_sku");
    db.close();
  });

  it("refuses to work after close", async () => {
    const store = createEmbeddedStore({ file: null });
    const rows = store.tenantCollection<Row>({ name: "rows", scope: "tenant" });
    await store.close();
    await expect(rows.find(T, {})).rejects.toMatchObject({ code: "INTERNAL" });
    await expect(store.ping()).rejects.toMatchObject({ code: "INTERNAL" });
  });

  it("refuses collection names that could escape the data directory", () => {
    const store = createEmbeddedStore({ file: null });
    expect(() => store.tenantCollection<Row>({ name: "../evil", scope: "tenant" })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });
});
