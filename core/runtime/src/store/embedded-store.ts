import { createHash, randomUUID } from "node:crypto";
import { join } from "node:path";
import Datastore from "@seald-io/nedb";
import { AppError, isAppError } from "@varai/schema";
import { Aggregator, find as mingoFind } from "mingo";
import { Context } from "mingo/core";
import * as queryOperators from "mingo/operators/query";
import * as updateOperators from "mingo/operators/update";
import { Query } from "mingo/query";
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
  getPath,
  hasUndefined,
  indexFields,
  indexName,
  isPlainObject,
  type ParsedUpdate,
  parseUpdate,
  sameDefinition,
  scopedId,
  storedProjection,
  toStoredFilter,
  upsertSeed,
  validateDocument,
  validateFilter,
  validatePipeline,
} from "./mql.ts";

export interface EmbeddedStoreOptions {
  /** Directory holding one NeDB datafile per collection; `null` keeps everything in memory (tests). */
  dataDir: string | null;
  logger?: Logger;
  /** How often datafiles that saw writes are compacted (NeDB only appends). Default 10 minutes. */
  compactionIntervalMs?: number;
}

/**
 * A unique index is enforced through a hidden field holding the encoded key, with a NeDB unique
 * sparse index on it. NeDB's own compound indexes cannot express "unique among documents where
 * every field exists" once `tenantId` is prepended (its sparse check needs all fields missing),
 * and its query planner prefers any single-field index over a compound one.
 */
interface UniqueIndex {
  field: string;
  paths: string[];
  sparse: boolean;
}

interface CollectionState {
  definition: CollectionDefinition;
  db: Datastore;
  ready: Promise<void>;
  uniques: UniqueIndex[];
  /** Serialises writes so find-then-write sequences (upsert, $setOnInsert, findOneAndUpdate) are atomic. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  dirty: boolean;
}

const HIDDEN_PREFIX = "__varai_unique_";

function createMutex() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Type-aware key encoding: a Date and its ISO string must not collide; missing equals null as in MongoDB. */
function encodeKey(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return { $date: value.getTime() };
  if (Array.isArray(value)) return value.map(encodeKey);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeKey(v)]));
  return value;
}

function withUniqueKeys(state: CollectionState, doc: Doc): Doc {
  for (const unique of state.uniques) {
    const values = unique.paths.map((path) => getPath(doc, path));
    if (unique.sparse && values.some((value) => value === undefined)) delete doc[unique.field];
    else doc[unique.field] = JSON.stringify(encodeKey(values));
  }
  return doc;
}

/** Tenant documents carry their public `id` as a field (`_id` is `<tenantId>:<id>`); global ones use `_id`. */
function toPublic<T>(doc: Doc): T {
  const out: Doc = { id: doc.id ?? doc._id };
  for (const key of Object.keys(doc)) {
    if (key !== "_id" && key !== "id" && !key.startsWith(HIDDEN_PREFIX)) out[key] = doc[key];
  }
  return out as T;
}

function project(docs: Doc[], projection: Record<string, 0 | 1> | undefined): Doc[] {
  if (!projection) return docs;
  const inclusive = Object.values(projection).includes(1);
  return mingoFind(docs, {}, inclusive ? { ...projection, id: 1 } : projection).all() as Doc[];
}

/** Global documents keep their id only in `_id`; tenant documents sort on their `id` field. */
function toStoredSort(scope: string | null, sort: SortSpec | undefined): Record<string, 1 | -1> | undefined {
  if (!sort) return undefined;
  if (scope !== null) return sort;
  return Object.fromEntries(Object.entries(sort).map(([key, dir]) => [key === "id" ? "_id" : key, dir]));
}

/** A deep copy of update operands without `undefined` (dropped like the driver's `ignoreUndefined`). */
function cloneUpdateOps(ops: ParsedUpdate["ops"]): ParsedUpdate["ops"] {
  const copy = (value: unknown): unknown => {
    if (value instanceof Date) return new Date(value.getTime());
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : copy(item)));
    if (!isPlainObject(value)) return value;
    const out: Doc = {};
    for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = copy(inner);
    return out;
  };
  const out: ParsedUpdate["ops"] = {};
  for (const [operator, fields] of Object.entries(ops)) {
    const cleaned = copy(fields) as Doc;
    if (Object.keys(cleaned).length > 0) out[operator] = cleaned;
  }
  return out;
}

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * The parent object of `path` and the last key, creating missing plain objects when `create`;
 * null when the path crosses anything but plain objects (an array, a scalar): mingo handles those.
 */
function parentOf(doc: Doc, path: string, create: boolean): { parent: Doc; key: string } | null | undefined {
  const parts = path.split(".");
  let node: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    if (UNSAFE_KEYS.has(part)) return null;
    const next = node[part];
    if (next === undefined) {
      if (!create) return undefined;
      node[part] = {};
      node = node[part] as Doc;
    } else if (isPlainObject(next)) node = next;
    else return null;
  }
  const key = parts[parts.length - 1] as string;
  return UNSAFE_KEYS.has(key) ? null : { parent: node, key };
}

const isScalar = (value: unknown) =>
  value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number";

/**
 * `$set` `$inc` `$unset` `$max` `$min` on paths through plain objects with scalar or Date values
 * (the hot analytics updates), applied without mingo's per-call setup. Returns whether the document
 * changed, or undefined when anything needs mingo's general semantics (arrays on the path, object
 * values, mixed types in $max/$min); then nothing has been touched.
 */
function applySimple(doc: Doc, operator: string, fields: Doc): boolean | undefined {
  if (!["$set", "$inc", "$unset", "$max", "$min"].includes(operator)) return undefined;
  for (const [path, value] of Object.entries(fields)) {
    const at = parentOf(doc, path, false);
    if (at === null) return undefined;
    const current = at?.parent[at.key];
    if (operator === "$set" && !(isScalar(value) || value instanceof Date)) return undefined;
    if (operator === "$max" || operator === "$min") {
      const numbers = typeof value === "number" && (current === undefined || typeof current === "number");
      const dates = value instanceof Date && (current === undefined || current instanceof Date);
      if (!numbers && !dates) return undefined;
    }
    if (operator === "$inc" && !(typeof value === "number" && (current === undefined || typeof current === "number"))) {
      return undefined;
    }
  }
  let changed = false;
  for (const [path, value] of Object.entries(fields)) {
    if (operator === "$unset") {
      const at = parentOf(doc, path, false);
      if (at && at.key in at.parent) {
        delete at.parent[at.key];
        changed = true;
      }
      continue;
    }
    const at = parentOf(doc, path, true) as { parent: Doc; key: string };
    const current = at.parent[at.key];
    const numeric = (v: unknown) => (v instanceof Date ? v.getTime() : (v as number));
    let next: unknown;
    if (operator === "$inc") next = current === undefined ? value : (current as number) + (value as number);
    else if (operator === "$set") next = value;
    else if (current === undefined) next = value;
    else if (operator === "$max") next = numeric(value) > numeric(current) ? value : current;
    else next = numeric(value) < numeric(current) ? value : current;
    const same =
      current !== undefined &&
      (next instanceof Date && current instanceof Date ? next.getTime() === current.getTime() : next === current);
    if (!same) {
      at.parent[at.key] = next;
      changed = true;
    }
  }
  return changed;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { errorType?: unknown } | null)?.errorType === "uniqueViolated";
}

/**
 * Filters are compiled against a context holding only the query operators: mingo's default
 * `Query` copies every operator table (hundreds of expression operators) into a fresh context on
 * each construction, which cost more than the match itself. The port forbids `$expr`, so query
 * operators are all a filter can reach.
 */
const QUERY_CONTEXT = Context.init({ query: queryOperators });
const COMPILED_CACHE_SIZE = 1000;
/** Compiled filters by their JSON text: a Query is pure once built, so equal filters share one. */
const compiledCache = new Map<string, Query>();

/** The filter's JSON when it holds only JSON values (a Date or RegExp would lose its type), else undefined. */
function cacheKey(filter: Filter): string | undefined {
  const plain = (value: unknown): boolean => {
    if (value === null || typeof value === "string" || typeof value === "boolean") return true;
    if (typeof value === "number") return Number.isFinite(value);
    if (Array.isArray(value)) return value.every(plain);
    if (isPlainObject(value)) return Object.values(value).every(plain);
    return false;
  };
  return plain(filter) ? JSON.stringify(filter) : undefined;
}

function compileQuery(stored: Filter): Query | undefined {
  if (Object.keys(stored).length === 0) return undefined;
  const key = cacheKey(stored);
  const cached = key === undefined ? undefined : compiledCache.get(key);
  if (cached) return cached;
  let query: Query;
  try {
    query = new Query(stored, { context: QUERY_CONTEXT });
  } catch (error) {
    throw new AppError("INVALID_INPUT", "Invalid filter", { cause: error });
  }
  if (key !== undefined) {
    if (compiledCache.size >= COMPILED_CACHE_SIZE) compiledCache.delete(compiledCache.keys().next().value as string);
    compiledCache.set(key, query);
  }
  return query;
}

/**
 * The `id` condition NeDB can answer from its `_id` index (a string, `$eq` of one, or `$in` of
 * strings), mapped to stored `_id`s; undefined when the condition needs the general matcher.
 */
function indexedId(condition: unknown, toStoredId: (id: string) => string): unknown {
  if (typeof condition === "string") return toStoredId(condition);
  if (!isPlainObject(condition)) return undefined;
  const keys = Object.keys(condition);
  if (keys.length !== 1) return undefined;
  if (keys[0] === "$eq" && typeof condition.$eq === "string") return toStoredId(condition.$eq);
  if (keys[0] === "$in" && Array.isArray(condition.$in) && condition.$in.every((id) => typeof id === "string")) {
    return { $in: condition.$in.map((id: string) => toStoredId(id)) };
  }
  return undefined;
}

/**
 * The embedded DocumentStore: NeDB datafiles (append-only, loaded in memory) with mingo
 * evaluating filters, updates and pipelines so that query semantics match MongoDB's
 * (null matches missing, $eq, $regex strings...). NeDB supplies persistence, the `_id`,
 * `tenantId`, unique and TTL indexes. One process per dataDir.
 */
export function createEmbeddedStore(options: EmbeddedStoreOptions): DocumentStore {
  const logger = (options.logger ?? noopLogger).child({ component: "embedded-store" });
  const collections = new Map<string, CollectionState>();
  let closed = false;

  const compaction = setInterval(
    () => {
      void compactDirty();
    },
    options.compactionIntervalMs ?? 10 * 60_000,
  );
  compaction.unref();

  async function compactDirty(): Promise<void> {
    for (const [name, state] of collections) {
      if (!state.dirty) continue;
      state.dirty = false;
      try {
        await state.ready;
        await state.exclusive(() => state.db.compactDatafileAsync());
      } catch (error) {
        logger.warn({ collection: name, err: error }, "compaction failed");
      }
    }
  }

  function assertOpen(): void {
    if (closed) throw new AppError("INTERNAL", "The document store is closed", { expose: false });
  }

  async function prepare(state: CollectionState): Promise<void> {
    const { db, definition } = state;
    await db.loadDatabaseAsync();
    if (definition.scope === "tenant") {
      // Datafiles written before ids were scoped per tenant hold `_id` = id and no `id` field
      // (updates cannot add one). NeDB cannot change an `_id` in place: remove and re-insert.
      const legacy = db
        .getAllData()
        .filter((doc: Doc) => typeof doc.tenantId === "string" && typeof doc.id !== "string");
      if (legacy.length > 0) {
        await db.removeAsync({ _id: { $in: legacy.map((doc: Doc) => doc._id) } }, { multi: true });
        await db.insertAsync(
          legacy.map((doc: Doc) => ({ ...doc, _id: scopedId(doc.tenantId as string, doc._id as string), id: doc._id })),
        );
        logger.info({ collection: definition.name, documents: legacy.length }, "ids scoped per tenant");
      }
    }
    const wanted = new Map<string, { unique?: boolean; sparse?: boolean; expireAfterSeconds?: number }>();
    wanted.set("_id", { unique: true });
    if (definition.scope === "tenant") wanted.set("tenantId", {});
    if (definition.ttlField) wanted.set(definition.ttlField, { sparse: true, expireAfterSeconds: 0 });
    for (const unique of state.uniques) wanted.set(unique.field, { unique: true, sparse: true });
    // NeDB persists index definitions in the datafile: drop those a changed definition no longer declares.
    const internals = db as unknown as { indexes: Record<string, unknown>; ttlIndexes: Record<string, number> };
    for (const field of Object.keys(internals.indexes)) {
      if (!wanted.has(field)) {
        await db.removeIndexAsync(field);
        delete internals.ttlIndexes[field];
      }
    }
    // Bring the hidden key fields of existing documents in line with the declared unique indexes.
    const stale = db.getAllData().filter((doc: Doc) => {
      const before = JSON.stringify(Object.entries(doc).filter(([key]) => key.startsWith(HIDDEN_PREFIX)));
      const next = withUniqueKeys(state, { ...doc });
      for (const key of Object.keys(next)) {
        if (key.startsWith(HIDDEN_PREFIX) && !state.uniques.some((u) => u.field === key)) delete next[key];
      }
      return JSON.stringify(Object.entries(next).filter(([key]) => key.startsWith(HIDDEN_PREFIX))) !== before;
    });
    for (const doc of stale) {
      const next = withUniqueKeys(state, { ...doc });
      for (const key of Object.keys(next)) {
        if (key.startsWith(HIDDEN_PREFIX) && !state.uniques.some((u) => u.field === key)) delete next[key];
      }
      await db.updateAsync({ _id: doc._id }, next, {});
    }
    for (const [fieldName, indexOptions] of wanted) {
      if (fieldName === "_id") continue;
      try {
        await db.ensureIndexAsync({ fieldName, ...indexOptions });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError("INVALID_CONFIG", `Existing documents in ${definition.name} violate a unique index`, {
            cause: error,
          });
        }
        throw error;
      }
    }
  }

  function declare(definition: CollectionDefinition): CollectionState {
    assertOpen();
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
    const db = new Datastore(
      options.dataDir === null ? { inMemoryOnly: true } : { filename: join(options.dataDir, `${definition.name}.db`) },
    );
    const uniques: UniqueIndex[] = (definition.indexes ?? [])
      .filter((spec) => spec.unique)
      .map((spec) => {
        const paths = Object.keys(indexFields(definition, spec));
        const sparse = spec.sparse ?? false;
        const hash = createHash("sha1")
          .update(JSON.stringify([paths, sparse]))
          .digest("hex")
          .slice(0, 12);
        return { field: `${HIDDEN_PREFIX}${hash}`, paths, sparse };
      });
    const state: CollectionState = {
      definition,
      db,
      uniques,
      exclusive: createMutex(),
      dirty: false,
      ready: Promise.resolve(),
    };
    state.ready = prepare(state);
    state.ready.catch((error: unknown) => {
      logger.error({ collection: definition.name, err: error }, "collection could not be loaded");
    });
    collections.set(definition.name, state);
    logger.debug({ collection: definition.name, indexes: (definition.indexes ?? []).map(indexName) }, "declared");
    return state;
  }

  return {
    kind: "embedded",
    tenantCollection<T extends BaseDocument & { tenantId: string }>(
      definition: CollectionDefinition & { scope: "tenant" },
    ): TenantCollection<T> {
      const ops = createOperations<T>(declare(definition), assertOpen);
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
        updateOne: async (tenantId, filter, update, options) =>
          (await ops.update(scoped(tenantId), filter, update, { upsert: options?.upsert, multi: false })).result,
        findOneAndUpdate: async (tenantId, filter, update, options) =>
          (await ops.update(scoped(tenantId), filter, update, { ...options, multi: false })).doc,
        updateMany: async (tenantId, filter, update) =>
          (await ops.update(scoped(tenantId), filter, update, { multi: true })).result,
        deleteOne: (tenantId, filter) => ops.remove(scoped(tenantId), filter, false),
        deleteMany: (tenantId, filter) => ops.remove(scoped(tenantId), filter, true),
        aggregate: (tenantId, pipeline) => ops.aggregate(scoped(tenantId), pipeline),
      };
    },
    globalCollection<T extends BaseDocument>(
      definition: CollectionDefinition & { scope: "global" },
    ): GlobalCollection<T> {
      const ops = createOperations<T>(declare(definition), assertOpen);
      return {
        name: definition.name,
        insertOne: async (doc) => (await ops.insert(null, [doc]))[0]!,
        insertMany: (docs) => ops.insert(null, docs),
        findOne: async (filter, options) => (await ops.find(null, filter, { ...options, limit: 1 }))[0] ?? null,
        findById: async (id) => (await ops.find(null, { id }, { limit: 1 }))[0] ?? null,
        find: (filter, options) => ops.find(null, filter, options),
        count: (filter) => ops.count(null, filter ?? {}),
        updateOne: async (filter, update, options) =>
          (await ops.update(null, filter, update, { upsert: options?.upsert, multi: false })).result,
        findOneAndUpdate: async (filter, update, options) =>
          (await ops.update(null, filter, update, { ...options, multi: false })).doc,
        updateMany: async (filter, update) => (await ops.update(null, filter, update, { multi: true })).result,
        deleteOne: (filter) => ops.remove(null, filter, false),
        deleteMany: (filter) => ops.remove(null, filter, true),
        aggregate: (pipeline) => ops.aggregate(null, pipeline),
      };
    },
    collectionNames: () => [...collections.keys()],
    async ping() {
      assertOpen();
      await Promise.all([...collections.values()].map((state) => state.ready));
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(compaction);
      for (const [name, state] of collections) {
        try {
          await state.ready;
          // Waits for queued writes, then rewrites the datafile so it does not grow across restarts.
          await state.exclusive(() => state.db.compactDatafileAsync());
        } catch (error) {
          logger.warn({ collection: name, err: error }, "close: compaction failed");
        }
      }
    },
  };
}

/** The operations of one collection; `scope` is the tenant id, or null for a global collection. */
function createOperations<T>(state: CollectionState, assertOpen: () => void) {
  const { db, definition } = state;

  async function begin(): Promise<void> {
    assertOpen();
    await state.ready;
  }

  /**
   * NeDB query. An `id` condition NeDB can answer from the `_id` index goes to it natively, and
   * then the tenant is checked in the matcher: given `tenantId` as an equality, NeDB would walk the
   * whole tenant through the `tenantId` index instead. Everything else is matched by mingo.
   */
  function nedbQuery(scope: string | null, filter: Filter): Doc {
    validateFilter(filter);
    // Tenant documents hold `id` as a field; global ones only as `_id`.
    const stored = scope === null ? toStoredFilter(filter) : { ...filter };
    const idKey = scope === null ? "_id" : "id";
    const nativeId =
      idKey in stored ? indexedId(stored[idKey], scope === null ? (id) => id : (id) => scopedId(scope, id)) : undefined;
    if (nativeId !== undefined) delete stored[idKey];
    const compiled = compileQuery(stored);
    const ttlField = definition.ttlField;
    const query: Doc = {};
    const tenantInMatcher = scope !== null && nativeId !== undefined;
    if (nativeId !== undefined) query._id = nativeId;
    else if (scope !== null) query.tenantId = scope;
    // NeDB only expires the candidates of reads; removals skip that step, so expiry is also checked here.
    if (compiled || ttlField || tenantInMatcher) {
      query.$where = function (this: Doc) {
        if (tenantInMatcher && this.tenantId !== scope) return false;
        if (ttlField) {
          const expiresAt = this[ttlField];
          if (expiresAt instanceof Date && expiresAt.getTime() <= Date.now()) return false;
        }
        return compiled ? compiled.test(this) : true;
      };
    }
    return query;
  }

  function toStored(scope: string | null, doc: unknown): Doc {
    validateDocument(doc);
    const { id, _id, ...rest } = doc;
    if (_id !== undefined) throw new AppError("INVALID_INPUT", "Documents carry `id`, not `_id`");
    if (id !== undefined && (typeof id !== "string" || id.length === 0)) {
      throw new AppError("INVALID_INPUT", "A document id must be a non-empty string");
    }
    const publicId = (id as string | undefined) ?? randomUUID();
    let stored: Doc;
    if (scope !== null) {
      if (rest.tenantId !== undefined && rest.tenantId !== scope) {
        throw new AppError("FORBIDDEN", "The document belongs to another tenant");
      }
      stored = { _id: scopedId(scope, publicId), id: publicId, ...rest, tenantId: scope };
    } else stored = { _id: publicId, ...rest };
    // NeDB deep-copies on insert, so the copy dropUndefined makes is only needed when there is something to drop.
    return withUniqueKeys(state, hasUndefined(stored) ? dropUndefined(stored) : stored);
  }

  /** Runs a write; on a unique clash in a TTL collection, expired documents may hold the key: purge and retry once. */
  async function withTtlRetry<R>(write: () => Promise<R>): Promise<R> {
    try {
      return await write();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (definition.ttlField) {
        const purged = await db.removeAsync({ [definition.ttlField]: { $lte: new Date() } }, { multi: true });
        if (purged > 0) {
          try {
            return await write();
          } catch (retryError) {
            if (isUniqueViolation(retryError)) throw conflict(definition.name, retryError);
            throw retryError;
          }
        }
      }
      throw conflict(definition.name, error);
    }
  }

  /**
   * Applies validated update operators in place. The operators are called directly (mingo's
   * `update()` builds a fresh operator context per call); `ops` is already a private deep copy
   * (`cloneUpdateOps`), so the values they assign are never shared with the caller.
   */
  function applyUpdate(doc: Doc, ops: ParsedUpdate["ops"]): boolean {
    for (const path of Object.keys(ops.$inc ?? {})) {
      const current = getPath(doc, path);
      if (current !== undefined && typeof current !== "number") {
        throw new AppError("INVALID_INPUT", "$inc applies to numbers only", { details: { path } });
      }
    }
    let changed = false;
    try {
      for (const [operator, fields] of Object.entries(ops)) {
        const fast = applySimple(doc, operator, fields);
        if (fast !== undefined) {
          if (fast) changed = true;
          continue;
        }
        const apply = (updateOperators as unknown as Record<string, (expr: Doc) => (doc: Doc) => string[]>)[operator];
        if (!apply) throw new AppError("INVALID_INPUT", `Unsupported update operator ${operator}`);
        if (apply(fields)(doc).length > 0) changed = true;
      }
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError("INVALID_INPUT", "Invalid update", { cause: error });
    }
    return changed;
  }

  return {
    async insert(scope: string | null, docs: unknown[]): Promise<T[]> {
      await begin();
      if (!Array.isArray(docs)) throw new AppError("INVALID_INPUT", "insertMany takes an array");
      if (docs.length === 0) return [];
      const stored = docs.map((doc) => toStored(scope, doc));
      return state.exclusive(async () => {
        // One NeDB insert of the array: all documents or none (its indexes roll back on a clash).
        const inserted = await withTtlRetry(() => db.insertAsync(stored));
        state.dirty = true;
        return inserted.map((doc) => toPublic<T>(doc));
      });
    },

    async find(scope: string | null, filter: Filter, options: FindOptions = {}): Promise<T[]> {
      await begin();
      assertPaging(options);
      const projection = storedProjection(options.projection);
      let cursor = db.findAsync(nedbQuery(scope, filter));
      const sort = toStoredSort(scope, options.sort);
      if (sort) cursor = cursor.sort(sort);
      if (options.skip) cursor = cursor.skip(options.skip);
      if (options.limit) cursor = cursor.limit(options.limit);
      const docs = (await cursor).map((doc) => toPublic<Doc>(doc));
      return project(docs, projection) as T[];
    },

    async count(scope: string | null, filter: Filter): Promise<number> {
      await begin();
      return db.countAsync(nedbQuery(scope, filter));
    },

    async update(
      scope: string | null,
      filter: Filter,
      update: Update,
      options: { upsert?: boolean; multi: boolean; sort?: SortSpec },
    ): Promise<{ result: UpdateResult; doc: T | null }> {
      await begin();
      const parsed = parseUpdate(update, scope);
      const ops = cloneUpdateOps(parsed.ops);
      const query = nedbQuery(scope, filter);
      const sort = toStoredSort(scope, options.sort);
      return state.exclusive(async () => {
        let cursor = db.findAsync(query);
        if (sort) cursor = cursor.sort(sort);
        if (!options.multi) cursor = cursor.limit(1);
        const matches = await cursor;

        if (matches.length === 0) {
          if (!options.upsert) return { result: { matched: 0, modified: 0, upsertedId: null }, doc: null };
          const seed = upsertSeed(filter);
          if (seed.id === undefined) seed.id = randomUUID();
          if (typeof seed.id !== "string") throw new AppError("INVALID_INPUT", "A document id must be a string");
          const publicId = seed.id;
          if (scope !== null) {
            if (seed.tenantId !== undefined && seed.tenantId !== scope) {
              throw new AppError("FORBIDDEN", "The document belongs to another tenant");
            }
            seed.tenantId = scope;
            seed._id = scopedId(scope, publicId);
          } else {
            delete seed.id;
            seed._id = publicId;
          }
          applyUpdate(seed, ops);
          if (parsed.setOnInsert) applyUpdate(seed, cloneUpdateOps({ $set: parsed.setOnInsert }));
          validateDocument(seed);
          const stored = withUniqueKeys(state, dropUndefined(seed));
          const inserted = await withTtlRetry(() => db.insertAsync(stored));
          state.dirty = true;
          return {
            result: { matched: 0, modified: 0, upsertedId: publicId },
            doc: toPublic<T>(inserted),
          };
        }

        let modified = 0;
        let last: Doc | null = null;
        for (const doc of matches) {
          // `doc` is NeDB's copy and `ops` holds no undefined, so the result needs no further copy.
          const changed = applyUpdate(doc, ops);
          const next = withUniqueKeys(state, doc);
          last = next;
          if (!changed) continue;
          await withTtlRetry(() => db.updateAsync({ _id: doc._id }, next, {}));
          state.dirty = true;
          modified += 1;
        }
        return {
          result: { matched: matches.length, modified, upsertedId: null },
          doc: last ? toPublic<T>(last) : null,
        };
      });
    },

    async remove(scope: string | null, filter: Filter, multi: boolean): Promise<number> {
      await begin();
      const query = nedbQuery(scope, filter);
      return state.exclusive(async () => {
        const removed = await db.removeAsync(query, { multi });
        if (removed > 0) state.dirty = true;
        return removed;
      });
    },

    async aggregate<R>(scope: string | null, pipeline: Record<string, unknown>[]): Promise<R[]> {
      await begin();
      validatePipeline(pipeline);
      const docs = (await db.findAsync(scope === null ? {} : { tenantId: scope })).map((doc) => toPublic<Doc>(doc));
      try {
        return new Aggregator(pipeline).run(docs) as R[];
      } catch (error) {
        throw new AppError("INVALID_INPUT", "Invalid aggregation pipeline", { cause: error });
      }
    },
  };
}
