import { randomUUID } from "node:crypto";
import { AppError, isAppError, toAppError } from "@varai/schema";
import {
  type Collection,
  type Db,
  type IndexDescription,
  MongoBulkWriteError,
  MongoClient,
  type Document as MongoDocument,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from "mongodb";
import type {
  BaseDocument,
  CollectionDefinition,
  DocumentStore,
  Filter,
  FindOptions,
  GlobalCollection,
  SortSpec,
  TenantCollection,
  Update,
  UpdateResult,
} from "../ports/document-store.ts";
import { type Logger, noopLogger } from "../ports/logger.ts";
import {
  assertCollectionName,
  assertPaging,
  assertTenantId,
  conflict,
  type Doc,
  dropUndefined,
  indexFields,
  indexName,
  isPlainObject,
  parseUpdate,
  publicIdOf,
  sameDefinition,
  scopedId,
  storedProjection,
  toStoredFilter,
  upsertSeed,
  validateDocument,
  validateFilter,
  validatePipeline,
} from "./mql.ts";

export interface MongoStoreOptions {
  url: string;
  /** Defaults to the database named in the URL. */
  dbName?: string;
  logger?: Logger;
}

interface CollectionState {
  definition: CollectionDefinition;
  collection: Collection<MongoDocument>;
  ready: Promise<void>;
}

// Server errors caused by the request itself (bad update paths, type mismatches, bad pipelines).
const INPUT_ERROR_CODES = new Set([2, 9, 14, 15, 28, 40, 52, 54, 55, 56, 57, 66, 168, 31_249, 31_250]);

function toStoreError(collection: string, error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof MongoServerError) {
    if (error.code === 11000) return conflict(collection, error);
    if (
      (typeof error.code === "number" && INPUT_ERROR_CODES.has(error.code)) ||
      error.codeName?.startsWith("Location")
    ) {
      return new AppError("INVALID_INPUT", "The database refused the operation", {
        cause: error,
        details: { collection, reason: error.codeName ?? String(error.code) },
      });
    }
  }
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) {
    return new AppError("UPSTREAM_UNAVAILABLE", "The database is unavailable", { cause: error });
  }
  return toAppError(error);
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/** Tenant documents carry their public `id` as a field (`_id` is `<tenantId>:<id>`); global ones use `_id`. */
function toPublic<T>(doc: MongoDocument): T {
  const { _id, id, ...rest } = doc;
  return { id: id ?? _id, ...rest } as T;
}

/** The `_id` clause equivalent to a tenant filter's `id` condition, when the `_id` index can serve it. */
function indexedId(tenantId: string, condition: unknown): unknown {
  if (typeof condition === "string") return scopedId(tenantId, condition);
  if (!isPlainObject(condition)) return undefined;
  const keys = Object.keys(condition);
  if (keys.length !== 1) return undefined;
  if (keys[0] === "$eq" && typeof condition.$eq === "string") return scopedId(tenantId, condition.$eq);
  if (keys[0] === "$in" && Array.isArray(condition.$in) && condition.$in.every((id) => typeof id === "string")) {
    return { $in: condition.$in.map((id: string) => scopedId(tenantId, id)) };
  }
  return undefined;
}

function toStoredSort(sort: SortSpec | undefined): Record<string, 1 | -1> | undefined {
  if (!sort) return undefined;
  return Object.fromEntries(Object.entries(sort).map(([key, dir]) => [key === "id" ? "_id" : key, dir]));
}

function indexDescriptions(definition: CollectionDefinition): IndexDescription[] {
  const out: IndexDescription[] = [];
  if (definition.scope === "tenant") out.push({ key: { tenantId: 1 }, name: "tenant" });
  for (const spec of definition.indexes ?? []) {
    out.push({
      key: indexFields(definition, spec),
      name: indexName(spec),
      ...(spec.unique ? { unique: true } : {}),
      // Partial rather than `sparse`: sparse compound indexes still index a document missing only some fields.
      ...(spec.sparse
        ? {
            partialFilterExpression: Object.fromEntries(
              Object.keys(spec.fields).map((field) => [field, { $exists: true }]),
            ),
          }
        : {}),
    });
  }
  if (definition.ttlField) {
    out.push({ key: { [definition.ttlField]: 1 }, name: `ttl_${definition.ttlField}`, expireAfterSeconds: 0 });
  }
  return out;
}

/** The MongoDB DocumentStore (production), on the official driver; `_id` holds our string id (tenant documents: `<tenantId>:<id>`, with `id` as a field). */
export async function createMongoStore(options: MongoStoreOptions): Promise<DocumentStore> {
  const logger = (options.logger ?? noopLogger).child({ component: "mongo-store" });
  const client = new MongoClient(options.url, { ignoreUndefined: true, serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw toStoreError("(connect)", error);
  }
  const db: Db = client.db(options.dbName);
  const collections = new Map<string, CollectionState>();

  function declare(definition: CollectionDefinition): CollectionState {
    assertCollectionName(definition.name);
    const existing = collections.get(definition.name);
    if (existing) {
      if (!sameDefinition(existing.definition, definition)) {
        throw new AppError(
          "INVALID_CONFIG",
          `Collection ${definition.name} is declared twice with different definitions`,
        );
      }
      return existing;
    }
    const collection = db.collection(definition.name);
    const ready = collection
      .createIndexes(indexDescriptions(definition))
      .then(() => undefined)
      .catch((error: unknown) => {
        logger.error({ collection: definition.name, err: error }, "index creation failed");
        throw toStoreError(definition.name, error);
      });
    ready.catch(() => undefined);
    const state: CollectionState = { definition, collection, ready };
    collections.set(definition.name, state);
    return state;
  }

  return {
    kind: "mongodb",
    tenantCollection<T extends BaseDocument & { tenantId: string }>(
      definition: CollectionDefinition & { scope: "tenant" },
    ): TenantCollection<T> {
      const ops = createOperations<T>(declare(definition));
      const scoped = (tenantId: string) => {
        assertTenantId(tenantId);
        return tenantId;
      };
      return {
        name: definition.name,
        insertOne: async (tenantId, doc) => (await ops.insert(scoped(tenantId), [doc]))[0]!,
        insertMany: (tenantId, docs) => ops.insert(scoped(tenantId), docs),
        findOne: async (tenantId, filter, options) =>
          (await ops.find(scoped(tenantId), filter, { ...options, limit: 1 }))[0] ?? null,
        findById: async (tenantId, id) => (await ops.find(scoped(tenantId), { id }, { limit: 1 }))[0] ?? null,
        find: (tenantId, filter, options) => ops.find(scoped(tenantId), filter, options),
        count: (tenantId, filter) => ops.count(scoped(tenantId), filter ?? {}),
        updateOne: (tenantId, filter, update, options) =>
          ops.updateOne(scoped(tenantId), filter, update, options?.upsert ?? false),
        findOneAndUpdate: (tenantId, filter, update, options) =>
          ops.findOneAndUpdate(scoped(tenantId), filter, update, options ?? {}),
        updateMany: (tenantId, filter, update) => ops.updateMany(scoped(tenantId), filter, update),
        deleteOne: (tenantId, filter) => ops.remove(scoped(tenantId), filter, false),
        deleteMany: (tenantId, filter) => ops.remove(scoped(tenantId), filter, true),
        aggregate: (tenantId, pipeline) => ops.aggregate(scoped(tenantId), pipeline),
      };
    },
    globalCollection<T extends BaseDocument>(
      definition: CollectionDefinition & { scope: "global" },
    ): GlobalCollection<T> {
      const ops = createOperations<T>(declare(definition));
      return {
        name: definition.name,
        insertOne: async (doc) => (await ops.insert(null, [doc]))[0]!,
        insertMany: (docs) => ops.insert(null, docs),
        findOne: async (filter, options) => (await ops.find(null, filter, { ...options, limit: 1 }))[0] ?? null,
        findById: async (id) => (await ops.find(null, { id }, { limit: 1 }))[0] ?? null,
        find: (filter, options) => ops.find(null, filter, options),
        count: (filter) => ops.count(null, filter ?? {}),
        updateOne: (filter, update, options) => ops.updateOne(null, filter, update, options?.upsert ?? false),
        findOneAndUpdate: (filter, update, options) => ops.findOneAndUpdate(null, filter, update, options ?? {}),
        updateMany: (filter, update) => ops.updateMany(null, filter, update),
        deleteOne: (filter) => ops.remove(null, filter, false),
        deleteMany: (filter) => ops.remove(null, filter, true),
        aggregate: (pipeline) => ops.aggregate(null, pipeline),
      };
    },
    collectionNames: () => [...collections.keys()],
    async sweepExpired(now) {
      let removed = 0;
      for (const { definition, collection, ready } of collections.values()) {
        if (!definition.ttlField) continue;
        try {
          // A collection whose indexes could not be created fails its own calls; skip it here.
          await ready;
        } catch {
          continue;
        }
        try {
          removed += (await collection.deleteMany({ [definition.ttlField]: { $lte: now } })).deletedCount;
        } catch (error) {
          throw toStoreError(definition.name, error);
        }
      }
      return removed;
    },
    // The server's files and its backups are the deployment's to manage (README, privacy).
    async checkpoint() {},
    async ping() {
      try {
        await db.command({ ping: 1 });
      } catch (error) {
        throw toStoreError("(ping)", error);
      }
    },
    async close() {
      await client.close();
    },
  };
}

function createOperations<T>(state: CollectionState) {
  const { collection, definition } = state;
  const name = definition.name;

  /**
   * The tenant clause is ANDed with the caller's filter, so no `$or` inside it can widen the
   * scope. Expired documents are excluded explicitly: the TTL monitor only runs every 60 s.
   */
  function scopedFilter(scope: string | null, filter: Filter): Doc {
    validateFilter(filter);
    // Tenant documents hold `id` as a field, so the filter applies as written; an `id` equality
    // or `$in` also becomes an `_id` clause for the index. Global documents keep `_id` = id.
    const stored = scope === null ? toStoredFilter(filter) : filter;
    const clauses: Doc[] = [];
    if (scope !== null) {
      clauses.push({ tenantId: scope });
      const byId = "id" in filter ? indexedId(scope, filter.id) : undefined;
      if (byId !== undefined) clauses.push({ _id: byId });
    }
    if (definition.ttlField) clauses.push({ [definition.ttlField]: { $not: { $lte: new Date() } } });
    if (Object.keys(stored).length > 0) clauses.push(stored);
    if (clauses.length === 0) return {};
    return clauses.length === 1 ? clauses[0]! : { $and: clauses };
  }

  function toStored(scope: string | null, doc: unknown): Doc {
    validateDocument(doc);
    const { id, _id, ...rest } = doc;
    if (_id !== undefined) throw new AppError("INVALID_INPUT", "Documents carry `id`, not `_id`");
    if (id !== undefined && (typeof id !== "string" || id.length === 0)) {
      throw new AppError("INVALID_INPUT", "A document id must be a non-empty string");
    }
    const publicId = (id as string | undefined) ?? randomUUID();
    if (scope === null) return dropUndefined({ _id: publicId, ...rest });
    if (rest.tenantId !== undefined && rest.tenantId !== scope) {
      throw new AppError("FORBIDDEN", "The document belongs to another tenant");
    }
    return dropUndefined({ _id: scopedId(scope, publicId), id: publicId, ...rest, tenantId: scope });
  }

  /** The driver update: $setOnInsert carries our string `_id` so an upsert never gets an ObjectId. */
  function buildUpdate(scope: string | null, filter: Filter, update: Update, upsert: boolean): Doc {
    const parsed = parseUpdate(update, scope);
    const out: Doc = dropUndefined({ ...parsed.ops });
    if (upsert) {
      const seed = upsertSeed(filter);
      if (scope !== null && seed.tenantId !== undefined && seed.tenantId !== scope) {
        throw new AppError("FORBIDDEN", "The document belongs to another tenant");
      }
      if (seed.id !== undefined && typeof seed.id !== "string") {
        throw new AppError("INVALID_INPUT", "A document id must be a string");
      }
      const onInsert: Doc = { ...parsed.setOnInsert };
      // With an id equality in the filter, MongoDB seeds `_id` (tenant: the `_id` clause) and `id` from it.
      if (seed.id === undefined) {
        const generated = randomUUID();
        if (scope === null) onInsert._id = generated;
        else Object.assign(onInsert, { _id: scopedId(scope, generated), id: generated });
      }
      out.$setOnInsert = dropUndefined(onInsert);
    } else if (parsed.setOnInsert) out.$setOnInsert = dropUndefined(parsed.setOnInsert);
    return out;
  }

  /**
   * A duplicate key on upsert is usually a concurrent upsert that inserted first: retrying turns it
   * into an update. In a TTL collection an expired but not yet reaped document may hold the key.
   */
  async function withRetry<R>(scope: string | null, upsert: boolean, write: () => Promise<R>): Promise<R> {
    try {
      return await write();
    } catch (error) {
      if (!isDuplicateKey(error)) throw toStoreError(name, error);
      let purged = 0;
      if (definition.ttlField) {
        const expired = { [definition.ttlField]: { $lte: new Date() }, ...(scope !== null ? { tenantId: scope } : {}) };
        purged = (await collection.deleteMany(expired)).deletedCount;
      }
      if (!upsert && purged === 0) throw toStoreError(name, error);
      try {
        return await write();
      } catch (retryError) {
        throw toStoreError(name, retryError);
      }
    }
  }

  async function begin(): Promise<void> {
    await state.ready;
  }

  return {
    async insert(scope: string | null, docs: unknown[]): Promise<T[]> {
      await begin();
      if (!Array.isArray(docs)) throw new AppError("INVALID_INPUT", "insertMany takes an array");
      if (docs.length === 0) return [];
      const stored = docs.map((doc) => toStored(scope, doc));
      // No partial batches: an ordered insert stops at the failing document, so remove what it wrote before it.
      const write = async () => {
        try {
          await collection.insertMany(stored, { ordered: true });
        } catch (error) {
          if (error instanceof MongoBulkWriteError) {
            const written = Object.values(error.insertedIds ?? {});
            if (written.length > 0) await collection.deleteMany({ _id: { $in: written } }).catch(() => undefined);
          }
          throw error;
        }
      };
      await withRetry(scope, false, write);
      return stored.map((doc) => toPublic<T>(doc));
    },

    async find(scope: string | null, filter: Filter, options: FindOptions = {}): Promise<T[]> {
      await begin();
      assertPaging(options);
      let projection = storedProjection(options.projection);
      // An inclusive projection returns `_id` but not the tenant document's `id` field unless asked.
      if (scope !== null && projection && Object.values(projection).includes(1)) projection = { ...projection, id: 1 };
      try {
        const docs = await collection
          .find(scopedFilter(scope, filter), {
            ...(options.sort ? { sort: toStoredSort(options.sort) } : {}),
            ...(options.skip ? { skip: options.skip } : {}),
            ...(options.limit ? { limit: options.limit } : {}),
            ...(projection ? { projection } : {}),
          })
          .toArray();
        return docs.map((doc) => toPublic<T>(doc));
      } catch (error) {
        throw toStoreError(name, error);
      }
    },

    async count(scope: string | null, filter: Filter): Promise<number> {
      await begin();
      try {
        return await collection.countDocuments(scopedFilter(scope, filter));
      } catch (error) {
        throw toStoreError(name, error);
      }
    },

    async updateOne(scope: string | null, filter: Filter, update: Update, upsert: boolean): Promise<UpdateResult> {
      await begin();
      const query = scopedFilter(scope, filter);
      const driverUpdate = buildUpdate(scope, filter, update, upsert);
      const result = await withRetry(scope, upsert, () => collection.updateOne(query, driverUpdate, { upsert }));
      return {
        matched: result.matchedCount,
        modified: result.modifiedCount,
        upsertedId:
          result.upsertedId === null
            ? null
            : scope === null
              ? String(result.upsertedId)
              : publicIdOf(scope, String(result.upsertedId)),
      };
    },

    async findOneAndUpdate(
      scope: string | null,
      filter: Filter,
      update: Update,
      options: { upsert?: boolean; sort?: SortSpec },
    ): Promise<T | null> {
      await begin();
      const upsert = options.upsert ?? false;
      const query = scopedFilter(scope, filter);
      const driverUpdate = buildUpdate(scope, filter, update, upsert);
      const sort = toStoredSort(options.sort);
      const doc = await withRetry(scope, upsert, () =>
        collection.findOneAndUpdate(query, driverUpdate, {
          upsert,
          returnDocument: "after",
          ...(sort ? { sort } : {}),
        }),
      );
      return doc ? toPublic<T>(doc) : null;
    },

    async updateMany(scope: string | null, filter: Filter, update: Update): Promise<UpdateResult> {
      await begin();
      const query = scopedFilter(scope, filter);
      const driverUpdate = buildUpdate(scope, filter, update, false);
      const result = await withRetry(scope, false, () => collection.updateMany(query, driverUpdate));
      return { matched: result.matchedCount, modified: result.modifiedCount, upsertedId: null };
    },

    async remove(scope: string | null, filter: Filter, multi: boolean): Promise<number> {
      await begin();
      const query = scopedFilter(scope, filter);
      try {
        const result = multi ? await collection.deleteMany(query) : await collection.deleteOne(query);
        return result.deletedCount;
      } catch (error) {
        throw toStoreError(name, error);
      }
    },

    async aggregate<R>(scope: string | null, pipeline: Record<string, unknown>[]): Promise<R[]> {
      await begin();
      validatePipeline(pipeline);
      // Pipelines see `id` like every other read (tenant documents hold it as a field); `_id` is free for $group keys.
      const full = [
        { $match: scopedFilter(scope, {}) },
        ...(scope === null ? [{ $set: { id: "$_id" } }] : []),
        { $unset: "_id" },
        ...pipeline,
      ];
      try {
        return (await collection.aggregate(full).toArray()) as R[];
      } catch (error) {
        throw toStoreError(name, error);
      }
    },
  };
}
