import { createHash } from "node:crypto";
import { COLLECTIONS, cacheKeys, QUEUES, type RuntimeDeps, type TenantCollection } from "@varai/runtime";
import { type FrameAttributes, type FramePatch, isAppError, type ProductDraft } from "@varai/schema";
import type { ProductDoc } from "./collections.ts";

export type ApplyOutcome = "created" | "updated" | "deleted" | "skipped";

/** Catalog version counters live long; readers only compare them. */
const VERSION_TTL_MS = 30 * 24 * 3600 * 1000;

/** JSON with object keys in code-unit order (`localeCompare` made hashing a page the sync's biggest cost). */
const stable = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });

const hashOf = (draft: ProductDraft) => createHash("sha256").update(stable(draft)).digest("base64url").slice(0, 22);

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
/**
 * A product's id is derived from its source (`prd_` + 16 base36 chars of a SHA-256, the shape of
 * `newId`), so the engine finds a product by its id (the store's primary index) instead of
 * scanning on `source.*`. Products stored before this keep their random ids and are still found
 * through the `source` fallback; the unique `by_source` index keeps either kind single.
 */
export function productIdFor(connectionId: string, externalId: string): string {
  const digest = createHash("sha256").update(`${connectionId}\n${externalId}`).digest();
  let out = "";
  for (let i = 0; i < 16; i++) out += ALPHABET[digest[i]! % 36];
  return `prd_${out}`;
}

/** Merchant overrides win field by field; `null` in a patch clears that override. */
export function mergeFrame(source: FrameAttributes, overrides: FramePatch | null): FrameAttributes {
  if (!overrides) return source;
  const merged: FrameAttributes = { ...source, dimensions: { ...source.dimensions } };
  for (const key of ["shape", "rim", "material", "color"] as const) {
    const v = overrides[key];
    if (v !== undefined && v !== null) (merged as Record<string, unknown>)[key] = v;
  }
  for (const [k, v] of Object.entries(overrides.dimensions ?? {})) {
    if (typeof v === "number") (merged.dimensions as Record<string, number>)[k] = v;
  }
  return merged;
}

/**
 * Writes products with last-writer-wins on the platform's updated time (tie-break: the later
 * delivery), tombstones that an older update cannot revive, and optimistic concurrency so two
 * workers handling events of one product cannot interleave.
 */
export function createProductWriter(deps: RuntimeDeps) {
  const ctx = createWriterContext(deps);
  const upsert = (tenantId: string, draft: ProductDraft, receivedAt: string, known?: ProductDoc | null) =>
    upsertProduct(ctx, tenantId, draft, receivedAt, known);
  return {
    products: ctx.products,
    upsert,
    upsertPage: (tenantId: string, drafts: ProductDraft[], receivedAt: string) =>
      upsertPage(ctx, tenantId, drafts, receivedAt),
    remove: (tenantId: string, ref: SourceRef, deletedAt: string, receivedAt: string) =>
      removeProduct(ctx, tenantId, ref, deletedAt, receivedAt),
    changed: ctx.changed,
  };
}
export type ProductWriter = ReturnType<typeof createProductWriter>;

type SourceRef = { platform: ProductDraft["source"]["platform"]; connectionId: string; externalId: string };

/** What the writer's use cases share: the collection, the change signal, lookups and compare-and-set. */
function createWriterContext(deps: RuntimeDeps) {
  const products: TenantCollection<ProductDoc> = deps.store.tenantCollection<ProductDoc>(COLLECTIONS.products);

  const changed = async (tenantId: string, productId: string, imagesChanged: boolean) => {
    await deps.cache.increment(cacheKeys.catalogVersion(tenantId), 1, VERSION_TTL_MS);
    // ml prepares try-on assets from product photos; the job id collapses bursts per product.
    if (imagesChanged) await deps.queue.enqueue(QUEUES.frameAssets, { tenantId, productId });
  };

  const find = async (tenantId: string, connectionId: string, externalId: string) => {
    const byId = await products.findById(tenantId, productIdFor(connectionId, externalId));
    if (byId) return byId;
    return products.findOne(tenantId, { "source.connectionId": connectionId, "source.externalId": externalId });
  };

  /** Compare-and-set on sync.version; null when someone else wrote first (caller retries). */
  const casUpdate = (tenantId: string, current: ProductDoc, set: Record<string, unknown>) =>
    products.findOneAndUpdate(
      tenantId,
      { id: current.id, "sync.version": current.sync.version },
      { $set: { ...set, "sync.version": current.sync.version + 1 } },
    );

  return { deps, products, changed, find, casUpdate };
}
type WriterContext = ReturnType<typeof createWriterContext>;

/** A product never stored before, as the first write of `draft`. */
function newProductDoc(draft: ProductDraft, receivedAt: string, now: string): Omit<ProductDoc, "tenantId"> {
  return {
    ...draft,
    id: productIdFor(draft.source.connectionId, draft.source.externalId),
    tryOn: { assetStatus: "none" },
    merchandising: { pinned: false, boost: 1 },
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
    sync: { version: 1, receivedAt, contentHash: hashOf(draft), sourceFrame: draft.frame, frameOverrides: null },
  };
}

/**
 * Last-writer-wins for one product. `known`: the stored document (or null for none) when the caller already read it, which saves
 * the first lookup; later attempts after a lost race always re-read.
 */
async function upsertProduct(
  ctx: WriterContext,
  tenantId: string,
  draft: ProductDraft,
  receivedAt: string,
  known?: ProductDoc | null,
): Promise<ApplyOutcome> {
  const { deps, products, changed, find, casUpdate } = ctx;
  if (draft.status === "deleted") {
    return removeProduct(ctx, tenantId, draft.source, draft.source.externalUpdatedAt, receivedAt);
  }
  let memo: string | undefined;
  const contentHash = () => (memo ??= hashOf(draft)); // only when a write or a tie needs it
  for (let attempt = 0; attempt < 5; attempt++) {
    const current =
      attempt === 0 && known !== undefined
        ? known
        : await find(tenantId, draft.source.connectionId, draft.source.externalId);
    const now = deps.clock().toISOString();
    if (!current) {
      try {
        const inserted = await products.insertOne(tenantId, newProductDoc(draft, receivedAt, now));
        await changed(tenantId, inserted.id, draft.images.length > 0);
        return "created";
      } catch (error) {
        if (isAppError(error) && error.code === "CONFLICT") continue; // a concurrent insert won; re-read
        throw error;
      }
    }
    const incoming = draft.source.externalUpdatedAt;
    const stored = current.source.externalUpdatedAt;
    if (current.status === "deleted") {
      // A tombstone only yields to a version the platform stamped after the deletion (a restore).
      if (!current.deletedAt || incoming <= current.deletedAt) return "skipped";
    } else if (incoming < stored) return "skipped";
    else if (
      incoming === stored &&
      (receivedAt <= current.sync.receivedAt || contentHash() === current.sync.contentHash)
    ) {
      return "skipped";
    }
    const imagesChanged = stable(current.images) !== stable(draft.images);
    const written = await casUpdate(tenantId, current, {
      ...draft,
      frame: mergeFrame(draft.frame, current.sync.frameOverrides),
      deletedAt: null,
      updatedAt: now,
      "sync.receivedAt": receivedAt,
      "sync.contentHash": contentHash(),
      "sync.sourceFrame": draft.frame,
    });
    if (!written) continue;
    await changed(tenantId, current.id, imagesChanged && draft.images.length > 0);
    return "updated";
  }
  throw new Error("product write lost five compare-and-set races");
}

/**
 * A sync page: one lookup for the whole page and one bulk insert for the products not seen
 * before (per-product lookups make a 10 000-product backfill quadratic on the embedded store);
 * known products go through the same last-writer-wins path as webhooks.
 */
async function upsertPage(
  ctx: WriterContext,
  tenantId: string,
  drafts: ProductDraft[],
  receivedAt: string,
): Promise<ApplyOutcome[]> {
  const { deps, products } = ctx;
  if (drafts.length === 0) return [];
  // Through the id index: a `source.*` query would scan the tenant's products once per page.
  const ids = drafts.map((d) => productIdFor(d.source.connectionId, d.source.externalId));
  const existing = await products.find(tenantId, { id: { $in: ids } });
  const byExternal = new Map(existing.map((p) => [p.source.externalId, p]));
  const outcomes: ApplyOutcome[] = new Array(drafts.length);
  const fresh: Array<{ i: number; doc: Omit<ProductDoc, "tenantId"> }> = [];
  const seen = new Set<string>();
  const now = deps.clock().toISOString();
  for (const [i, draft] of drafts.entries()) {
    const id = draft.source.externalId;
    if (!byExternal.has(id) && draft.status !== "deleted" && !seen.has(id)) {
      seen.add(id);
      fresh.push({ i, doc: newProductDoc(draft, receivedAt, now) });
    }
  }
  let inserted = false;
  if (fresh.length > 0) {
    try {
      await products.insertMany(
        tenantId,
        fresh.map((f) => f.doc),
      );
      inserted = true;
    } catch (error) {
      if (!(isAppError(error) && error.code === "CONFLICT")) throw error;
      // A webhook inserted one of them meanwhile, or a product stored under an older random id
      // exists: fall back to one-by-one below (which also finds those by source).
    }
  }
  const freshIndex = new Set(inserted ? fresh.map((f) => f.i) : []);
  for (const [i, draft] of drafts.entries()) {
    if (freshIndex.has(i)) {
      outcomes[i] = "created";
      continue;
    }
    outcomes[i] = await upsertProduct(
      ctx,
      tenantId,
      draft,
      receivedAt,
      inserted ? (byExternal.get(draft.source.externalId) ?? undefined) : undefined,
    );
  }
  if (inserted) {
    await deps.cache.increment(cacheKeys.catalogVersion(tenantId), 1, VERSION_TTL_MS);
    // Together, not one round trip after another (a Redis queue pipelines them).
    await Promise.all(
      fresh
        .filter((f) => f.doc.images.length > 0)
        .map((f) => deps.queue.enqueue(QUEUES.frameAssets, { tenantId, productId: f.doc.id })),
    );
  }
  return outcomes;
}

/**
 * Tombstones a product. `deletedAt` is when the platform deleted it if it says so, else when we
 * learned it; an update stamped at or before it is stale and cannot revive the product.
 */
async function removeProduct(
  ctx: WriterContext,
  tenantId: string,
  ref: SourceRef,
  deletedAt: string,
  receivedAt: string,
): Promise<ApplyOutcome> {
  const { deps, products, changed, find, casUpdate } = ctx;
  const { connectionId, externalId } = ref;
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await find(tenantId, connectionId, externalId);
    const now = deps.clock().toISOString();
    if (!current) {
      // Record the tombstone even for a product we never saw, so an older update arriving later stays dead.
      try {
        await products.insertOne(tenantId, {
          id: productIdFor(connectionId, externalId),
          source: { platform: ref.platform, connectionId, externalId, externalUpdatedAt: deletedAt },
          title: "",
          handle: "",
          brand: "",
          productType: "",
          categories: [],
          tags: [],
          status: "deleted",
          variants: [],
          images: [],
          frame: { dimensions: {} },
          tryOn: { assetStatus: "none" },
          merchandising: { pinned: false, boost: 1 },
          createdAt: now,
          updatedAt: now,
          deletedAt,
          sync: { version: 1, receivedAt, contentHash: "", sourceFrame: { dimensions: {} }, frameOverrides: null },
        });
        return "deleted";
      } catch (error) {
        if (isAppError(error) && error.code === "CONFLICT") continue;
        throw error;
      }
    }
    if (current.status === "deleted") return "skipped";
    // A delete is stamped at least as late as the version it removes.
    const stamp = deletedAt > current.source.externalUpdatedAt ? deletedAt : current.source.externalUpdatedAt;
    const written = await casUpdate(tenantId, current, {
      status: "deleted",
      deletedAt: stamp,
      updatedAt: now,
      "sync.receivedAt": receivedAt,
    });
    if (!written) continue;
    await changed(tenantId, current.id, false);
    return "deleted";
  }
  throw new Error("product delete lost five compare-and-set races");
}
