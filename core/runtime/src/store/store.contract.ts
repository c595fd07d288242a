import { isAppError } from "@varai/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectionDefinition, DocumentStore, IndexSpec } from "../ports/document-store.ts";

/**
 * The DocumentStore contract: every implementation runs this one suite (the embedded store
 * always, MongoDB whenever a URL is given). Each test declares collections with fresh names,
 * so one store serves the whole suite.
 */
export interface DocumentStoreHarness {
  store: DocumentStore;
  /** Closes the current store and opens a new one on the same data (persistence across restarts). */
  reopen: () => Promise<DocumentStore>;
  /** Closes the store and removes what the suite wrote. */
  destroy: () => Promise<void>;
}

interface Item {
  id: string;
  tenantId: string;
  sku?: string | null;
  name?: string;
  price?: number;
  qty?: number;
  status?: string;
  tags?: string[];
  dims?: { width: number; height?: number };
  createdAt?: Date;
  expiresAt?: Date;
  externalId?: string;
  n?: number;
  [key: string]: unknown;
}

interface GlobalItem {
  id: string;
  owner: string;
  n?: number;
}

const A = "ten_alpha";
const B = "ten_beta";

async function expectAppError(promise: Promise<unknown>, code: string): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(isAppError(caught), `expected an AppError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code).toBe(code);
}

export function describeDocumentStoreContract(name: string, factory: () => Promise<DocumentStoreHarness>): void {
  describe(`DocumentStore contract: ${name}`, () => {
    let harness: DocumentStoreHarness;
    let counter = 0;
    const suffix = Math.random().toString(36).slice(2, 8);

    beforeAll(async () => {
      harness = await factory();
    });
    afterAll(async () => {
      await harness?.destroy();
    });

    const fresh = () => {
      counter += 1;
      return `c${counter}_${suffix}`;
    };
    const tenantItems = (options: { indexes?: IndexSpec[]; ttlField?: string } = {}) =>
      harness.store.tenantCollection<Item>({ name: fresh(), scope: "tenant", ...options });

    it("inserts a document, stamps the tenant and reads it back unchanged by id", async () => {
      const items = tenantItems();
      const doc = {
        id: "788032119674292922",
        sku: "00123",
        externalId: "9007199254740993",
        name: "Aviator",
        price: 129.5,
        tags: ["metal", "pilot"],
        dims: { width: 140, height: 50 },
        createdAt: new Date("2024-05-01T10:20:30.456Z"),
        matrix: [
          [1, 2],
          [3, { deep: ["x", null, true] }],
        ],
        empty: {},
        nothing: null,
      };
      const inserted = await items.insertOne(A, doc);
      expect(inserted).toEqual({ ...doc, tenantId: A });
      const found = await items.findById(A, "788032119674292922");
      expect(found).toEqual({ ...doc, tenantId: A });
      expect(found?.id).toBe("788032119674292922");
      expect(found?.sku).toBe("00123");
      expect(found?.externalId).toBe("9007199254740993");
      expect(found?.createdAt).toBeInstanceOf(Date);
      expect(found).not.toHaveProperty("_id");
      expect(await items.findOne(A, { id: "788032119674292922" })).toEqual(found);
      expect(await items.find(A, { externalId: "9007199254740993" })).toHaveLength(1);
    });

    it("generates an id when a document has none", async () => {
      const items = tenantItems();
      const inserted = await items.insertOne(A, { name: "no id" } as Item);
      expect(typeof inserted.id).toBe("string");
      expect(inserted.id.length).toBeGreaterThan(0);
      expect(await items.findById(A, inserted.id)).toMatchObject({ name: "no id" });
    });

    it("rejects an insert whose tenantId names another tenant and stores nothing", async () => {
      const items = tenantItems();
      await expectAppError(items.insertOne(A, { id: "x1", tenantId: B, name: "smuggled" }), "FORBIDDEN");
      await expectAppError(
        items.insertMany(A, [
          { id: "x2", name: "fine" },
          { id: "x3", tenantId: B, name: "smuggled" },
        ]),
        "FORBIDDEN",
      );
      expect(await items.count(A)).toBe(0);
      expect(await items.count(B)).toBe(0);
    });

    it("rejects a duplicate id as CONFLICT", async () => {
      const items = tenantItems();
      await items.insertOne(A, { id: "dup", name: "first" });
      await expectAppError(items.insertOne(A, { id: "dup", name: "second" }), "CONFLICT");
      expect(await items.findById(A, "dup")).toMatchObject({ name: "first" });
    });

    it("supports every documented filter operator and dot paths", async () => {
      const items = tenantItems();
      await items.insertMany(A, [
        { id: "1", name: "Aviator", price: 100, status: "active", tags: ["metal"], dims: { width: 140 } },
        { id: "2", name: "wayfarer", price: 80, status: "draft", tags: ["acetate", "bold"], dims: { width: 135 } },
        { id: "3", name: "Round", price: 120, status: "active", tags: [], dims: { width: 128, height: 45 } },
        { id: "4", name: "Cat eye", status: "archived" },
      ]);
      const ids = async (filter: Record<string, unknown>) =>
        (await items.find(A, filter, { sort: { id: 1 } })).map((doc) => doc.id);

      expect(await ids({})).toEqual(["1", "2", "3", "4"]);
      expect(await ids({ status: "active" })).toEqual(["1", "3"]);
      expect(await ids({ status: { $eq: "draft" } })).toEqual(["2"]);
      expect(await ids({ status: { $ne: "active" } })).toEqual(["2", "4"]);
      expect(await ids({ price: { $gt: 100 } })).toEqual(["3"]);
      expect(await ids({ price: { $gte: 100 } })).toEqual(["1", "3"]);
      expect(await ids({ price: { $lt: 100 } })).toEqual(["2"]);
      expect(await ids({ price: { $lte: 100 } })).toEqual(["1", "2"]);
      expect(await ids({ status: { $in: ["draft", "archived"] } })).toEqual(["2", "4"]);
      expect(await ids({ status: { $nin: ["draft", "archived"] } })).toEqual(["1", "3"]);
      expect(await ids({ price: { $exists: false } })).toEqual(["4"]);
      expect(await ids({ "dims.height": { $exists: true } })).toEqual(["3"]);
      expect(await ids({ name: { $regex: "^a", $options: "i" } })).toEqual(["1"]);
      expect(await ids({ name: { $regex: /eye$/ } })).toEqual(["4"]);
      expect(await ids({ name: /^W/i })).toEqual(["2"]);
      expect(await ids({ $and: [{ status: "active" }, { price: { $gt: 100 } }] })).toEqual(["3"]);
      expect(await ids({ $or: [{ status: "draft" }, { price: { $gte: 120 } }] })).toEqual(["2", "3"]);
      expect(await ids({ price: { $not: { $gt: 90 } } })).toEqual(["2", "4"]);
      expect(await ids({ "dims.width": { $gte: 135 } })).toEqual(["1", "2"]);
      expect(await ids({ tags: "bold" })).toEqual(["2"]);
      expect(await ids({ price: null })).toEqual(["4"]);
      expect(await ids({ id: { $in: ["3", "1", "9"] } })).toEqual(["1", "3"]);
      expect(await ids({ $or: [{ id: "2" }, { id: "4" }] })).toEqual(["2", "4"]);
    });

    it("sorts, skips, limits and projects, always returning id", async () => {
      const items = tenantItems();
      await items.insertMany(
        A,
        [5, 3, 9, 1, 7].map((price, i) => ({ id: `p${i}`, price, name: `n${price}`, status: i % 2 ? "a" : "b" })),
      );
      const page = await items.find(A, {}, { sort: { price: -1 }, skip: 1, limit: 2 });
      expect(page.map((doc) => doc.price)).toEqual([7, 5]);
      const bySecondary = await items.find(A, {}, { sort: { status: 1, price: 1 } });
      expect(bySecondary.map((doc) => doc.id)).toEqual(["p3", "p1", "p0", "p4", "p2"]);
      const included = await items.find(A, { price: 9 }, { projection: { name: 1 } });
      expect(included).toEqual([{ id: "p2", name: "n9" }]);
      const excluded = await items.find(A, { price: 9 }, { projection: { name: 0, status: 0 } });
      expect(excluded).toEqual([{ id: "p2", price: 9, tenantId: A }]);
      expect(await items.findOne(A, {}, { sort: { price: 1 }, projection: { price: 1 } })).toEqual({
        id: "p3",
        price: 1,
      });
      expect(await items.findOne(A, { price: 1000 })).toBeNull();
      expect(await items.findById(A, "nope")).toBeNull();
      expect(await items.count(A)).toBe(5);
      expect(await items.count(A, { price: { $gt: 4 } })).toBe(3);
    });

    it("applies $set $unset $inc $push $addToSet $pull $min $max and reports matched and modified", async () => {
      const items = tenantItems();
      await items.insertOne(A, {
        id: "u1",
        name: "old",
        price: 10,
        qty: 1,
        tags: ["a", "b"],
        dims: { width: 130, height: 40 },
        createdAt: new Date("2024-01-02T00:00:00Z"),
      });
      const result = await items.updateOne(
        A,
        { id: "u1" },
        {
          $set: { name: "new", "dims.width": 132 },
          $unset: { "dims.height": true },
          $inc: { qty: 2, n: 1 },
          $push: { tags: "c" },
          $min: { price: 8, createdAt: new Date("2024-01-01T00:00:00Z") },
        },
      );
      expect(result).toEqual({ matched: 1, modified: 1, upsertedId: null });
      await items.updateOne(A, { id: "u1" }, { $addToSet: { tags: "a" }, $max: { price: 20 } });
      await items.updateOne(A, { id: "u1" }, { $addToSet: { tags: "d" } });
      await items.updateOne(A, { id: "u1" }, { $pull: { tags: "b" } });
      await items.updateOne(A, { id: "u1" }, { $push: { tags: { $each: ["e", "f"] } } });
      expect(await items.findById(A, "u1")).toEqual({
        id: "u1",
        tenantId: A,
        name: "new",
        price: 20,
        qty: 3,
        n: 1,
        tags: ["a", "c", "d", "e", "f"],
        dims: { width: 132 },
        createdAt: new Date("2024-01-01T00:00:00Z"),
      });
      expect(await items.updateOne(A, { id: "u1" }, { $set: { name: "new" } })).toEqual({
        matched: 1,
        modified: 0,
        upsertedId: null,
      });
      expect(await items.updateOne(A, { id: "missing" }, { $set: { name: "x" } })).toEqual({
        matched: 0,
        modified: 0,
        upsertedId: null,
      });
    });

    it("counts a document as modified only when a value changed, and updates through arrays and dates", async () => {
      const items = tenantItems();
      const day = new Date("2024-03-04T05:06:07Z");
      await items.insertOne(A, { id: "m1", name: "x", qty: 2, createdAt: day, tags: ["a", "b"], dims: { width: 1 } });
      const modified = async (update: Record<string, unknown>) =>
        (await items.updateOne(A, { id: "m1" }, update as never)).modified;
      expect(await modified({ $set: { name: "x", createdAt: new Date(day.getTime()) } })).toBe(0);
      expect(await modified({ $unset: { missing: true, "nowhere.deep": true } })).toBe(0);
      expect(await modified({ $inc: { qty: 0 } })).toBe(0);
      expect(await modified({ $max: { qty: 1, createdAt: new Date("2020-01-01T00:00:00Z") } })).toBe(0);
      expect(await modified({ $min: { qty: 3 } })).toBe(0);
      expect(await modified({ $inc: { zero: 0 } })).toBe(1);
      expect(await modified({ $max: { top: 5, createdAt: new Date("2025-01-01T00:00:00Z") } })).toBe(1);
      expect(await modified({ $min: { qty: -1 } })).toBe(1);
      expect(await modified({ $set: { "tags.1": "z", "dims.height": 3, "deep.er.path": null } })).toBe(1);
      expect(await items.findById(A, "m1")).toEqual({
        id: "m1",
        tenantId: A,
        name: "x",
        qty: -1,
        zero: 0,
        top: 5,
        createdAt: new Date("2025-01-01T00:00:00Z"),
        tags: ["a", "z"],
        dims: { width: 1, height: 3 },
        deep: { er: { path: null } },
      });
    });

    it("updates many documents and counts them", async () => {
      const items = tenantItems();
      await items.insertMany(
        A,
        Array.from({ length: 6 }, (_, i) => ({ id: `m${i}`, status: i < 4 ? "draft" : "active", qty: i })),
      );
      const result = await items.updateMany(A, { status: "draft" }, { $set: { status: "active" }, $inc: { qty: 10 } });
      expect(result).toEqual({ matched: 4, modified: 4, upsertedId: null });
      expect(await items.count(A, { status: "active" })).toBe(6);
      expect(await items.count(A, { qty: { $gte: 10 } })).toBe(4);
    });

    it("upserts from the filter's equality fields, $set and $setOnInsert, applying $setOnInsert only on insert", async () => {
      const items = tenantItems({ indexes: [{ fields: { sku: 1 }, unique: true }] });
      const first = await items.updateOne(
        A,
        { sku: "SKU-1", price: { $gte: 0 } },
        { $set: { name: "Aviator" }, $setOnInsert: { createdAt: new Date("2024-02-03T04:05:06Z"), qty: 5 } },
        { upsert: true },
      );
      expect(first.matched).toBe(0);
      expect(first.modified).toBe(0);
      expect(typeof first.upsertedId).toBe("string");
      const created = await items.findById(A, first.upsertedId!);
      expect(created).toEqual({
        id: first.upsertedId,
        tenantId: A,
        sku: "SKU-1",
        name: "Aviator",
        createdAt: new Date("2024-02-03T04:05:06Z"),
        qty: 5,
      });

      const second = await items.updateOne(
        A,
        { sku: "SKU-1" },
        { $set: { name: "Aviator II" }, $setOnInsert: { qty: 99 } },
        { upsert: true },
      );
      expect(second).toEqual({ matched: 1, modified: 1, upsertedId: null });
      expect(await items.findById(A, first.upsertedId!)).toMatchObject({ name: "Aviator II", qty: 5 });

      const withId = await items.updateOne(A, { id: "given" }, { $inc: { qty: 1 } }, { upsert: true });
      expect(withId.upsertedId).toBe("given");
      expect(await items.findById(A, "given")).toEqual({ id: "given", tenantId: A, qty: 1 });
      expect(await items.count(A)).toBe(2);
    });

    it("findOneAndUpdate returns the document after the change, honours sort and upserts", async () => {
      const items = tenantItems();
      await items.insertMany(A, [
        { id: "f1", status: "queued", qty: 3 },
        { id: "f2", status: "queued", qty: 1 },
        { id: "f3", status: "done", qty: 2 },
      ]);
      const claimed = await items.findOneAndUpdate(
        A,
        { status: "queued" },
        { $set: { status: "running" }, $inc: { n: 1 } },
        { sort: { qty: 1 } },
      );
      expect(claimed).toEqual({ id: "f2", tenantId: A, status: "running", qty: 1, n: 1 });
      expect(await items.findOneAndUpdate(A, { status: "nothing" }, { $set: { qty: 0 } })).toBeNull();
      const upserted = await items.findOneAndUpdate(
        A,
        { id: "f9" },
        { $set: { status: "new" }, $setOnInsert: { qty: 7 } },
        { upsert: true },
      );
      expect(upserted).toEqual({ id: "f9", tenantId: A, status: "new", qty: 7 });
    });

    it("deletes one or many documents and returns the count", async () => {
      const items = tenantItems();
      await items.insertMany(
        A,
        Array.from({ length: 5 }, (_, i) => ({ id: `d${i}`, status: i < 3 ? "x" : "y" })),
      );
      expect(await items.deleteOne(A, { status: "x" })).toBe(1);
      expect(await items.count(A, { status: "x" })).toBe(2);
      expect(await items.deleteMany(A, { status: "x" })).toBe(2);
      expect(await items.deleteMany(A, { status: "x" })).toBe(0);
      expect(await items.deleteOne(A, { id: "d4" })).toBe(1);
      expect((await items.find(A, {})).map((doc) => doc.id)).toEqual(["d3"]);
    });

    it("aggregates with $match $group $sort $limit $skip $project $unwind $count $addFields", async () => {
      const items = tenantItems();
      await items.insertMany(A, [
        { id: "g1", status: "active", price: 10, tags: ["a", "b"] },
        { id: "g2", status: "active", price: 30, tags: ["b"] },
        { id: "g3", status: "draft", price: 5, tags: [] },
        { id: "g4", status: "active", price: 20, tags: ["c"] },
      ]);
      const grouped = await items.aggregate(A, [
        { $match: { price: { $gte: 5 } } },
        { $group: { _id: "$status", total: { $sum: "$price" }, n: { $sum: 1 } } },
        { $sort: { total: -1 } },
      ]);
      expect(grouped).toEqual([
        { _id: "active", total: 60, n: 3 },
        { _id: "draft", total: 5, n: 1 },
      ]);
      const paged = await items.aggregate(A, [
        { $sort: { price: 1 } },
        { $skip: 1 },
        { $limit: 2 },
        { $addFields: { double: { $multiply: ["$price", 2] } } },
        { $project: { _id: 0, id: 1, double: 1 } },
      ]);
      expect(paged).toEqual([
        { id: "g1", double: 20 },
        { id: "g4", double: 40 },
      ]);
      const tagCounts = await items.aggregate(A, [
        { $unwind: "$tags" },
        { $group: { _id: "$tags", n: { $sum: 1 } } },
        { $sort: { _id: 1 } },
      ]);
      expect(tagCounts).toEqual([
        { _id: "a", n: 1 },
        { _id: "b", n: 2 },
        { _id: "c", n: 1 },
      ]);
      expect(await items.aggregate(A, [{ $match: { status: "active" } }, { $count: "n" }])).toEqual([{ n: 3 }]);
      expect(await items.aggregate(A, [{ $match: { id: "g3" } }, { $project: { _id: 0, id: 1 } }])).toEqual([
        { id: "g3" },
      ]);
    });

    it("refuses operators and stages outside the documented subset", async () => {
      const items = tenantItems();
      await items.insertOne(A, { id: "v1", name: "x" });
      await expectAppError(items.find(A, { $where: "true" }), "INVALID_INPUT");
      await expectAppError(items.find(A, { $expr: { $eq: [1, 1] } }), "INVALID_INPUT");
      await expectAppError(
        items.aggregate(A, [{ $lookup: { from: "other", localField: "a", foreignField: "b", as: "c" } }]),
        "INVALID_INPUT",
      );
      await expectAppError(items.aggregate(A, [{ $unionWith: { coll: "other" } }]), "INVALID_INPUT");
      await expectAppError(items.updateOne(A, { id: "v1" }, { $rename: { name: "title" } } as never), "INVALID_INPUT");
      await expectAppError(items.updateOne(A, { id: "v1" }, { $set: { id: "v2" } }), "INVALID_INPUT");
      await expectAppError(items.updateOne(A, { id: "v1" }, {}), "INVALID_INPUT");
      await expectAppError(items.updateOne(A, { id: "v1" }, { $set: { n: 1 }, $inc: { n: 1 } }), "INVALID_INPUT");
      await expectAppError(
        items.updateOne(A, { id: "v1" }, { $set: { dims: {} }, $inc: { "dims.width": 1 } }),
        "INVALID_INPUT",
      );
      await expectAppError(items.insertOne(A, { id: "v3", $bad: 1 } as never), "INVALID_INPUT");
      await expectAppError(items.insertOne(A, { id: "v4", "a.b": 1 } as never), "INVALID_INPUT");
      expect(await items.find(A, {})).toEqual([{ id: "v1", tenantId: A, name: "x" }]);
    });

    describe("tenant isolation", () => {
      it("never reads another tenant's documents, by id, filter or $or trick", async () => {
        const items = tenantItems();
        await items.insertOne(A, { id: "secret", name: "A's frame", status: "active" });
        await items.insertOne(B, { id: "mine", name: "B's frame", status: "active" });
        expect(await items.findById(B, "secret")).toBeNull();
        expect(await items.findOne(B, { id: "secret" })).toBeNull();
        expect(await items.find(B, { tenantId: A })).toEqual([]);
        expect(await items.find(B, { $or: [{ tenantId: A }, { id: "secret" }] })).toEqual([]);
        expect(await items.find(B, { $or: [{ tenantId: { $ne: B } }] })).toEqual([]);
        expect((await items.find(B, {})).map((doc) => doc.id)).toEqual(["mine"]);
        expect(await items.count(B, { $or: [{ tenantId: A }, { status: "active" }] })).toBe(1);
        const aggregated = await items.aggregate(B, [
          { $match: { $or: [{ tenantId: A }, { tenantId: B }] } },
          { $group: { _id: "$tenantId", ids: { $push: "$id" } } },
        ]);
        expect(aggregated).toEqual([{ _id: B, ids: ["mine"] }]);
      });

      it("never updates or deletes another tenant's documents", async () => {
        const items = tenantItems();
        await items.insertOne(A, { id: "shared-id", name: "A", qty: 1 });
        expect(await items.updateOne(B, { id: "shared-id" }, { $set: { name: "hijacked" } })).toMatchObject({
          matched: 0,
          modified: 0,
        });
        expect(await items.updateMany(B, { $or: [{ tenantId: A }] }, { $set: { name: "hijacked" } })).toMatchObject({
          matched: 0,
        });
        expect(await items.findOneAndUpdate(B, { id: "shared-id" }, { $inc: { qty: 1 } })).toBeNull();
        expect(await items.deleteOne(B, { id: "shared-id" })).toBe(0);
        expect(await items.deleteMany(B, { tenantId: A })).toBe(0);
        expect(await items.findById(A, "shared-id")).toEqual({ id: "shared-id", tenantId: A, name: "A", qty: 1 });
      });

      it("refuses to move a document to another tenant through an update or upsert", async () => {
        const items = tenantItems();
        await items.insertOne(A, { id: "pinned", name: "A" });
        await expectAppError(items.updateOne(A, { id: "pinned" }, { $set: { tenantId: B } }), "FORBIDDEN");
        await expectAppError(items.updateOne(A, { id: "pinned" }, { $unset: { tenantId: true } }), "FORBIDDEN");
        await expectAppError(
          items.updateOne(B, { id: "new" }, { $setOnInsert: { tenantId: A } }, { upsert: true }),
          "FORBIDDEN",
        );
        await expectAppError(
          items.updateOne(B, { tenantId: A, id: "new" }, { $set: { name: "x" } }, { upsert: true }),
          "FORBIDDEN",
        );
        expect(await items.findById(A, "pinned")).toEqual({ id: "pinned", tenantId: A, name: "A" });
        expect(await items.count(A)).toBe(1);
        expect(await items.count(B)).toBe(0);
      });

      it("lets two tenants each hold a document with the same id, independently", async () => {
        const items = tenantItems({ indexes: [{ fields: { sku: 1 }, unique: true, sparse: true }] });
        await items.insertOne(A, { id: "same", name: "A's", sku: "K" });
        await items.insertOne(B, { id: "same", name: "B's", sku: "K" });
        await items.insertMany(B, [{ id: "b-only" }, { id: "both" }]);
        await items.insertMany(A, [{ id: "both" }]);
        await expectAppError(items.insertOne(A, { id: "same" }), "CONFLICT");
        expect(await items.findById(A, "same")).toEqual({ id: "same", tenantId: A, name: "A's", sku: "K" });
        expect(await items.findById(B, "same")).toEqual({ id: "same", tenantId: B, name: "B's", sku: "K" });

        expect(await items.updateOne(B, { id: "same" }, { $set: { name: "B2" } })).toMatchObject({ matched: 1 });
        expect(await items.findOneAndUpdate(A, { id: "same" }, { $inc: { qty: 1 } })).toMatchObject({
          id: "same",
          name: "A's",
          qty: 1,
        });
        const upserted = await items.updateOne(A, { id: "b-only" }, { $set: { name: "A too" } }, { upsert: true });
        expect(upserted).toEqual({ matched: 0, modified: 0, upsertedId: "b-only" });
        expect(await items.findById(B, "b-only")).toEqual({ id: "b-only", tenantId: B });
        expect(await items.findById(B, "same")).toMatchObject({ name: "B2" });
        expect(await items.findById(B, "same")).not.toHaveProperty("qty");

        expect(await items.deleteOne(A, { id: "same" })).toBe(1);
        expect(await items.findById(A, "same")).toBeNull();
        expect(await items.findById(B, "same")).toMatchObject({ name: "B2" });
        expect(await items.count(A)).toBe(2);
        expect(await items.count(B)).toBe(3);
      });

      it("never crosses tenants through a filter on id ($eq $in $ne $nin $or, sort, aggregate)", async () => {
        const items = tenantItems();
        await items.insertMany(A, [
          { id: "x1", name: "a" },
          { id: "x2", name: "a" },
          { id: "x3", name: "a" },
        ]);
        await items.insertMany(B, [
          { id: "x2", name: "b" },
          { id: "x4", name: "b" },
        ]);
        const names = async (tenant: string, filter: Record<string, unknown>) =>
          (await items.find(tenant, filter, { sort: { id: 1 } })).map((doc) => `${doc.id}:${doc.name}`);
        expect(await names(B, { id: "x2" })).toEqual(["x2:b"]);
        expect(await names(B, { id: { $eq: "x1" } })).toEqual([]);
        expect(await names(B, { id: { $in: ["x1", "x2", "x3", "x4"] } })).toEqual(["x2:b", "x4:b"]);
        expect(await names(A, { id: { $in: ["x1", "x2", "x4"] } })).toEqual(["x1:a", "x2:a"]);
        expect(await names(B, { id: { $ne: "x4" } })).toEqual(["x2:b"]);
        expect(await names(B, { id: { $nin: ["x2"] } })).toEqual(["x4:b"]);
        expect(await names(B, { id: { $gte: "x1" } })).toEqual(["x2:b", "x4:b"]);
        expect(await names(B, { $or: [{ id: "x1" }, { id: "x2" }] })).toEqual(["x2:b"]);
        expect(await names(B, { id: { $in: ["x2"] }, name: "b" })).toEqual(["x2:b"]);
        expect((await items.find(A, {}, { sort: { id: -1 } })).map((doc) => doc.id)).toEqual(["x3", "x2", "x1"]);
        expect(await items.count(B, { id: { $in: ["x1", "x3"] } })).toBe(0);
        expect(
          await items.aggregate(B, [{ $match: { id: { $in: ["x1", "x2"] } } }, { $project: { _id: 0, id: 1 } }]),
        ).toEqual([{ id: "x2" }]);
        expect(await items.updateMany(B, { id: { $in: ["x1", "x2", "x3"] } }, { $set: { name: "z" } })).toMatchObject({
          matched: 1,
        });
        expect(await items.deleteMany(B, { id: { $in: ["x1", "x2", "x3"] } })).toBe(1);
        expect(await names(A, {})).toEqual(["x1:a", "x2:a", "x3:a"]);
        expect(await names(B, {})).toEqual(["x4:b"]);
      });

      it("allows the same unique key value in two tenants", async () => {
        const items = tenantItems();
        const sameKey = tenantItems({ indexes: [{ fields: { sku: 1 }, unique: true }] });
        await sameKey.insertOne(A, { id: "a-1", sku: "SKU" });
        await sameKey.insertOne(B, { id: "b-1", sku: "SKU" });
        expect(await sameKey.count(A, { sku: "SKU" })).toBe(1);
        expect(await sameKey.count(B, { sku: "SKU" })).toBe(1);
        await items.insertOne(A, { id: "only-a" });
        expect(await items.count(B)).toBe(0);
      });
    });

    describe("indexes", () => {
      it("enforces unique indexes on insert and update with CONFLICT", async () => {
        const items = tenantItems({
          indexes: [
            { fields: { sku: 1 }, unique: true, name: "by_sku" },
            { fields: { status: 1, price: -1 }, name: "by_status" },
          ],
        });
        await items.insertOne(A, { id: "i1", sku: "S1" });
        await items.insertOne(A, { id: "i2", sku: "S2" });
        await expectAppError(items.insertOne(A, { id: "i3", sku: "S1" }), "CONFLICT");
        await expectAppError(items.updateOne(A, { id: "i2" }, { $set: { sku: "S1" } }), "CONFLICT");
        await expectAppError(items.updateOne(A, { id: "i9" }, { $set: { sku: "S2" } }, { upsert: true }), "CONFLICT");
        expect(await items.findById(A, "i2")).toMatchObject({ sku: "S2" });
        expect(await items.count(A)).toBe(2);
        // Freed keys can be reused.
        await items.deleteOne(A, { id: "i1" });
        await items.insertOne(A, { id: "i4", sku: "S1" });
      });

      it("enforces compound unique indexes on the combination only", async () => {
        const items = tenantItems({
          indexes: [{ fields: { "dims.width": 1, name: 1 }, unique: true }],
        });
        await items.insertOne(A, { id: "c1", name: "x", dims: { width: 1 } });
        await items.insertOne(A, { id: "c2", name: "x", dims: { width: 2 } });
        await items.insertOne(A, { id: "c3", name: "y", dims: { width: 1 } });
        await expectAppError(items.insertOne(A, { id: "c4", name: "x", dims: { width: 1 } }), "CONFLICT");
      });

      it("treats missing fields as equal in a plain unique index but ignores them in a sparse one", async () => {
        const plain = tenantItems({ indexes: [{ fields: { sku: 1 }, unique: true }] });
        await plain.insertOne(A, { id: "p1" });
        await expectAppError(plain.insertOne(A, { id: "p2" }), "CONFLICT");

        const sparse = tenantItems({ indexes: [{ fields: { sku: 1, name: 1 }, unique: true, sparse: true }] });
        await sparse.insertOne(A, { id: "s1" });
        await sparse.insertOne(A, { id: "s2" });
        await sparse.insertOne(A, { id: "s3", sku: "K" });
        await sparse.insertOne(A, { id: "s4", sku: "K" });
        await sparse.insertOne(A, { id: "s5", sku: "K", name: "n" });
        await expectAppError(sparse.insertOne(A, { id: "s6", sku: "K", name: "n" }), "CONFLICT");
        expect(await sparse.count(A)).toBe(5);
      });

      it("accepts re-declaring a collection with the same definition and refuses a different one", async () => {
        const definition: CollectionDefinition & { scope: "tenant" } = {
          name: fresh(),
          scope: "tenant",
          indexes: [{ fields: { sku: 1 }, unique: true }],
        };
        const first = harness.store.tenantCollection<Item>(definition);
        await first.insertOne(A, { id: "r1", sku: "K" });
        const again = harness.store.tenantCollection<Item>({ ...definition });
        expect(await again.findById(A, "r1")).toMatchObject({ sku: "K" });
        expect(() => harness.store.tenantCollection<Item>({ ...definition, ttlField: "expiresAt" })).toThrow(
          expect.objectContaining({ code: "INVALID_CONFIG" }),
        );
        expect(harness.store.collectionNames()).toContain(definition.name);
      });
    });

    it("never returns documents whose TTL date has passed, and frees their unique keys", async () => {
      const items = tenantItems({ ttlField: "expiresAt", indexes: [{ fields: { sku: 1 }, unique: true }] });
      const past = new Date(Date.now() - 60_000);
      const future = new Date(Date.now() + 3_600_000);
      await items.insertMany(A, [
        { id: "old", sku: "K1", expiresAt: past, status: "x" },
        { id: "live", sku: "K2", expiresAt: future, status: "x" },
        { id: "forever", sku: "K3", status: "x" },
      ]);
      expect(await items.findById(A, "old")).toBeNull();
      expect((await items.find(A, { status: "x" }, { sort: { id: 1 } })).map((doc) => doc.id)).toEqual([
        "forever",
        "live",
      ]);
      expect(await items.count(A)).toBe(2);
      expect(await items.aggregate(A, [{ $count: "n" }])).toEqual([{ n: 2 }]);
      expect(await items.updateMany(A, {}, { $set: { status: "y" } })).toMatchObject({ matched: 2 });
      expect(await items.deleteMany(A, { id: "old" })).toBe(0);
      await items.insertOne(A, { id: "reborn", sku: "K1" });
      expect((await items.findById(A, "live"))?.expiresAt).toEqual(future);
    });

    it("sweepExpired(now) deletes the documents expired at that time, and only those", async () => {
      const items = tenantItems({ ttlField: "expiresAt" });
      const now = Date.now();
      await items.insertMany(A, [
        { id: "week", expiresAt: new Date(now + 7 * 86_400_000) },
        { id: "quarter", expiresAt: new Date(now + 90 * 86_400_000) },
        { id: "forever" },
      ]);
      await items.insertOne(B, { id: "week", expiresAt: new Date(now + 7 * 86_400_000) });
      expect(await harness.store.sweepExpired(new Date(now + 8 * 86_400_000))).toBeGreaterThanOrEqual(2);
      expect((await items.find(A, {}, { sort: { id: 1 } })).map((doc) => doc.id)).toEqual(["forever", "quarter"]);
      expect(await items.count(B)).toBe(0);
      await harness.store.checkpoint();
    });

    describe("concurrency", () => {
      it("applies 50 parallel $inc on one document exactly", async () => {
        const items = tenantItems();
        await items.insertOne(A, { id: "counter", n: 0 });
        await Promise.all(Array.from({ length: 50 }, () => items.updateOne(A, { id: "counter" }, { $inc: { n: 1 } })));
        expect((await items.findById(A, "counter"))?.n).toBe(50);
      });

      it("creates one document from 20 parallel upserts of the same unique key", async () => {
        const items = tenantItems({ indexes: [{ fields: { sku: 1 }, unique: true }] });
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            items.updateOne(A, { sku: "SAME" }, { $inc: { n: 1 }, $setOnInsert: { name: "first" } }, { upsert: true }),
          ),
        );
        expect(results.filter((result) => result.upsertedId !== null)).toHaveLength(1);
        const docs = await items.find(A, { sku: "SAME" });
        expect(docs).toHaveLength(1);
        expect(docs[0]).toMatchObject({ n: 20, name: "first" });
      });

      it("hands each of 10 parallel findOneAndUpdate claims a different document", async () => {
        const items = tenantItems();
        await items.insertMany(
          A,
          Array.from({ length: 10 }, (_, i) => ({ id: `job${i}`, status: "queued" })),
        );
        const claimed = await Promise.all(
          Array.from({ length: 10 }, () =>
            items.findOneAndUpdate(A, { status: "queued" }, { $set: { status: "run" } }),
          ),
        );
        expect(new Set(claimed.map((doc) => doc?.id)).size).toBe(10);
      });
    });

    it("pages through a few thousand documents", async () => {
      const items = tenantItems();
      const total = 3000;
      await items.insertMany(
        A,
        Array.from({ length: total }, (_, i) => ({ id: `big${String(i).padStart(5, "0")}`, n: i, status: "s" })),
      );
      expect(await items.count(A, { status: "s" })).toBe(total);
      const pages: string[] = [];
      for (let skip = 0; skip < total; skip += 1000) {
        const page = await items.find(A, { status: "s" }, { sort: { n: 1 }, skip, limit: 1000 });
        expect(page).toHaveLength(1000);
        pages.push(...page.map((doc) => doc.id));
      }
      expect(new Set(pages).size).toBe(total);
      expect(pages[0]).toBe("big00000");
      expect(pages[total - 1]).toBe("big02999");
      expect(await items.deleteMany(A, { n: { $gte: 1000 } })).toBe(2000);
    });

    it("serves global collections without a tenant argument", async () => {
      const routes = harness.store.globalCollection<GlobalItem>({
        name: fresh(),
        scope: "global",
        indexes: [{ fields: { owner: 1 }, unique: true }],
      });
      await routes.insertOne({ id: "conn_1", owner: A });
      await routes.insertMany([
        { id: "conn_2", owner: B },
        { id: "conn_3", owner: "ten_gamma" },
      ]);
      await expectAppError(routes.insertOne({ id: "conn_4", owner: A }), "CONFLICT");
      expect(await routes.findById("conn_2")).toEqual({ id: "conn_2", owner: B });
      expect(await routes.findOne({ owner: "ten_gamma" })).toEqual({ id: "conn_3", owner: "ten_gamma" });
      expect(await routes.count()).toBe(3);
      expect(await routes.updateOne({ id: "conn_1" }, { $inc: { n: 2 } })).toMatchObject({ modified: 1 });
      expect(await routes.findOneAndUpdate({ owner: A }, { $inc: { n: 1 } })).toEqual({ id: "conn_1", owner: A, n: 3 });
      expect(await routes.updateMany({}, { $set: { n: 0 } })).toMatchObject({ matched: 3 });
      expect(await routes.updateOne({ id: "conn_9" }, { $set: { owner: "x" } }, { upsert: true })).toMatchObject({
        upsertedId: "conn_9",
      });
      expect(await routes.aggregate([{ $group: { _id: null, n: { $sum: 1 } } }])).toEqual([{ _id: null, n: 4 }]);
      expect(await routes.find({}, { sort: { id: -1 }, limit: 1 })).toEqual([{ id: "conn_9", owner: "x" }]);
      expect(await routes.deleteOne({ id: "conn_9" })).toBe(1);
      expect(await routes.deleteMany({ n: 0 })).toBe(3);
    });

    it("answers ping while open", async () => {
      await expect(harness.store.ping()).resolves.toBeUndefined();
    });

    describe("persistence", () => {
      it("keeps documents, dates and unique indexes across a close and reopen", async () => {
        const name = fresh();
        const definition: CollectionDefinition & { scope: "tenant" } = {
          name,
          scope: "tenant",
          indexes: [{ fields: { sku: 1 }, unique: true }],
          ttlField: "expiresAt",
        };
        const before = harness.store.tenantCollection<Item>(definition);
        const when = new Date("2030-01-01T00:00:00.123Z");
        await before.insertOne(A, { id: "788032119674292922", sku: "K", expiresAt: when, tags: ["x"] });
        await before.insertOne(A, { id: "gone", sku: "G" });
        await before.updateOne(A, { id: "788032119674292922" }, { $push: { tags: "y" } });
        await before.deleteOne(A, { id: "gone" });

        harness.store = await harness.reopen();
        const after = harness.store.tenantCollection<Item>(definition);
        expect(await after.find(A, {})).toEqual([
          { id: "788032119674292922", tenantId: A, sku: "K", expiresAt: when, tags: ["x", "y"] },
        ]);
        await expectAppError(after.insertOne(A, { id: "again", sku: "K" }), "CONFLICT");
        await after.updateOne(A, { id: "788032119674292922" }, { $inc: { n: 1 } });

        harness.store = await harness.reopen();
        const third = harness.store.tenantCollection<Item>(definition);
        expect(await third.findById(A, "788032119674292922")).toMatchObject({ n: 1, tags: ["x", "y"] });
      });
    });
  });
}
