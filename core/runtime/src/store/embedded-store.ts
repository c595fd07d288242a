import { randomUUID } from "node:crypto";
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { AppError, isAppError } from "@varai/schema";
import { Aggregator, find as mingoFind } from "mingo";
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
import { type Clock, type Logger, noopLogger, systemClock } from "../ports/logger.ts";
import {
  isConstraintError,
  openSqlite,
  quoteIdentifier,
  type SqliteDatabase,
  type SqliteOptions,
} from "../sqlite/database.ts";
import { decodeDoc, encodeDoc } from "./doc-codec.ts";
import { applyUpdate, cloneUpdateOps, compileQuery } from "./mingo-ops.ts";
import {
  assertCollectionName,
  assertPaging,
  assertTenantId,
  conflict,
  type Doc,
  getPath,
  indexFields,
  indexName,
  isPlainObject,
  parseUpdate,
  sameDefinition,
  storedProjection,
  upsertSeed,
  validateDocument,
  validateFilter,
  validatePipeline,
} from "./mql.ts";
import { readNedbDatafile } from "./nedb-datafile.ts";
import { assertIndexPath, jsonPath, keyExpression, translateFilter, translateSort } from "./sql-filter.ts";
import { planSqlGroup } from "./sql-group.ts";

export interface EmbeddedStoreOptions extends SqliteOptions {
  /** The SQLite database file (the gateway's is `<DATA_DIR>/varai.sqlite`); `null` = a private in-memory database (tests). */
  file: string | null;
  /**
   * A directory of NeDB datafiles written by releases before SQLite (`<name>.db`): a collection
   * declared for the first time imports its file, which is then renamed `<name>.db.migrated`.
   */
  nedbDir?: string;
  logger?: Logger;
  /** How often documents past their TTL are deleted (they are never returned meanwhile). Default 60 s. */
  ttlSweepMs?: number;
  /** What "now" is for TTLs (reads hide, sweeps delete). Default the system clock. */
  clock?: Clock;
}

interface CollectionState {
  definition: CollectionDefinition;
  table: string;
  /** Every declared index path (not `tenantId`/`id`, which are columns). */
  indexPaths: Set<string>;
  /** Index paths some document has held an array on: conditions on them are left to the matcher. */
  multikey: Set<string>;
  /** Why the collection cannot be used (e.g. a new unique index clashes with existing documents). */
  error: AppError | null;
}

/** One row per declared collection: its definition, its multikey paths, whether a NeDB file was imported. */
const CATALOG = "_varai_collections";
/**
 * Expired documents deleted per sweep statement: each is one short transaction (a batch of face
 * analyses takes about 0.1 s here), and a sweep yields to the event loop between batches, so a
 * large backlog (a first start after a long stop) never blocks requests for long.
 */
const SWEEP_BATCH = 1000;

function project(docs: Doc[], projection: Record<string, 0 | 1> | undefined): Doc[] {
  if (!projection) return docs;
  const inclusive = Object.values(projection).includes(1);
  return mingoFind(docs, {}, inclusive ? { ...projection, id: 1 } : projection).all() as Doc[];
}

/** The index paths along which `doc` holds an array (at the end of the path or on the way). */
function arrayPaths(doc: Doc, paths: Iterable<string>): string[] {
  const found: string[] = [];
  for (const path of paths) {
    let node: unknown = doc;
    for (const part of path.split(".")) {
      if (!isPlainObject(node)) break;
      node = node[part];
      if (Array.isArray(node)) {
        found.push(path);
        break;
      }
    }
  }
  return found;
}

function expiryOf(ttlField: string | undefined, doc: Doc): number | null {
  if (!ttlField) return null;
  const value = getPath(doc, ttlField);
  return value instanceof Date ? value.getTime() : null;
}

/**
 * The embedded DocumentStore on SQLite (node:sqlite; ADR 0004): one table per collection in one
 * database file, each document one row (`tenant`, `id`, its JSON, the TTL as epoch ms), declared
 * indexes as SQL indexes on JSON expressions (unique ones enforced by SQLite). A query reads only
 * the rows its indexable part selects (sql-filter.ts); mingo checks what SQL cannot answer
 * exactly, and runs updates and pipelines, so semantics follow MongoDB. Nothing is held in memory
 * but what a call returns. Several processes may open one file (WAL, busy timeout): every write
 * is one transaction, so read-modify-write sequences (upserts, findOneAndUpdate) are atomic
 * across processes too.
 */
export function createEmbeddedStore(options: EmbeddedStoreOptions): DocumentStore {
  const logger = (options.logger ?? noopLogger).child({ component: "embedded-store" });
  const clock = options.clock ?? systemClock;
  const sqlite = openSqlite(options.file, options);
  const { statement, transaction } = sqlite;
  const collections = new Map<string, CollectionState>();
  let closed = false;
  let dataVersion = -1;

  sqlite.db.exec(
    `CREATE TABLE IF NOT EXISTS ${CATALOG} (name TEXT PRIMARY KEY, definition TEXT NOT NULL, multikey TEXT NOT NULL DEFAULT '[]', nedb_imported INTEGER NOT NULL DEFAULT 0)`,
  );

  /** Another connection (process) may have marked paths multikey: re-read the marks when anything changed. */
  function refreshMarks(): void {
    const version = (statement("PRAGMA data_version").get() as { data_version: number }).data_version;
    if (version === dataVersion) return;
    dataVersion = version;
    for (const row of statement(`SELECT name, multikey FROM ${CATALOG}`).all() as {
      name: string;
      multikey: string;
    }[]) {
      const state = collections.get(row.name);
      if (state) state.multikey = new Set(JSON.parse(row.multikey) as string[]);
    }
  }

  function markMultikey(state: CollectionState, paths: string[]): void {
    for (const path of paths) state.multikey.add(path);
    statement(`UPDATE ${CATALOG} SET multikey = ? WHERE name = ?`).run(
      JSON.stringify([...state.multikey]),
      state.definition.name,
    );
  }

  /** Deletes one batch of a collection's expired rows (one short transaction). */
  function sweepBatch(state: CollectionState, nowMs: number): number {
    return statement(
      `DELETE FROM ${state.table} WHERE rid IN (SELECT rid FROM ${state.table} WHERE expires <= ? LIMIT ${SWEEP_BATCH})`,
    ).run(nowMs).changes as number;
  }

  /** Every expired row of every TTL collection, batch by batch, yielding between batches. */
  async function sweepAll(nowMs: number): Promise<number> {
    let removed = 0;
    for (const state of [...collections.values()]) {
      if (!state.definition.ttlField || state.error) continue;
      try {
        for (;;) {
          if (closed) return removed;
          const changes = sweepBatch(state, nowMs);
          removed += changes;
          if (changes < SWEEP_BATCH) break;
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (error) {
        logger.warn({ collection: state.definition.name, err: error }, "TTL sweep failed");
      }
    }
    return removed;
  }

  /**
   * Copies the WAL into the database file and truncates it to zero bytes. With secure_delete
   * the pages copied hold zeros where deleted documents were, so afterwards no file on disk
   * holds them. A reader of another connection pinning old frames makes it report busy (after
   * the busy timeout): then the deletion is not yet physical, and the caller is told.
   */
  function checkpointNow(): void {
    if (options.file === null || closed) return;
    const result = statement("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number } | undefined;
    if (result && result.busy !== 0) {
      throw new AppError("UPSTREAM_UNAVAILABLE", "The database is busy; deleted data is not yet purged from disk", {
        details: { retryAfterMs: 1000 },
      });
    }
  }

  let sweeping = false;
  const sweep = setInterval(() => {
    if (closed || sweeping) return;
    sweeping = true;
    void sweepAll(clock().getTime())
      .then((removed) => {
        if (removed > 0) checkpointNow();
      })
      .catch((error: unknown) => logger.warn({ err: error }, "WAL checkpoint after the TTL sweep failed"))
      .finally(() => {
        sweeping = false;
      });
  }, options.ttlSweepMs ?? 60_000);
  sweep.unref();

  function indexStatements(state: CollectionState): Map<string, string> {
    const { definition, table } = state;
    const wanted = new Map<string, string>();
    wanted.set(`${definition.name}__id`, `CREATE UNIQUE INDEX "${definition.name}__id" ON ${table} (tenant, id)`);
    if (definition.ttlField) {
      wanted.set(
        `${definition.name}__ttl`,
        `CREATE INDEX "${definition.name}__ttl" ON ${table} (expires) WHERE expires IS NOT NULL`,
      );
    }
    for (const spec of definition.indexes ?? []) {
      const name = `${definition.name}__ix_${indexName(spec)}`;
      const fields = Object.entries(indexFields(definition, spec));
      const columns = fields.map(([path, direction]) => {
        const expr =
          path === "tenantId" && definition.scope === "tenant" ? "tenant" : path === "id" ? "id" : keyExpression(path);
        return direction === -1 ? `${expr} DESC` : expr;
      });
      // Sparse: unique only among documents holding every field (a null counts as held, as in MongoDB).
      const held = fields
        .filter(([path]) => !(path === "tenantId" && definition.scope === "tenant") && path !== "id")
        .map(([path]) => `json_type(doc, '${jsonPath(path)}') IS NOT NULL`);
      const where = spec.sparse && held.length > 0 ? ` WHERE ${held.join(" AND ")}` : "";
      wanted.set(
        name,
        `CREATE ${spec.unique ? "UNIQUE " : ""}INDEX ${quoteIdentifier(name)} ON ${table} (${columns.join(", ")})${where}`,
      );
    }
    return wanted;
  }

  /** Creates the table and its indexes, imports an old NeDB datafile, finds multikey paths: one transaction. */
  function prepare(state: CollectionState): void {
    const { definition, table } = state;
    transaction(() => {
      sqlite.db.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (rid INTEGER PRIMARY KEY, tenant TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, expires INTEGER)`,
      );
      const previous = statement(`SELECT definition, multikey, nedb_imported FROM ${CATALOG} WHERE name = ?`).get(
        definition.name,
      ) as { definition: string; multikey: string; nedb_imported: number } | undefined;
      const before = previous ? (JSON.parse(previous.definition) as CollectionDefinition) : null;
      statement(
        `INSERT INTO ${CATALOG} (name, definition) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition`,
      ).run(definition.name, JSON.stringify(definition));

      const wanted = indexStatements(state);
      const existing = statement("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?").all(
        `doc_${definition.name}`,
      ) as { name: string; sql: string | null }[];
      const present = new Set<string>();
      for (const index of existing) {
        if (index.sql === null) continue;
        if (wanted.get(index.name) === index.sql) present.add(index.name);
        else sqlite.db.exec(`DROP INDEX ${quoteIdentifier(index.name)}`);
      }
      // The TTL column follows the definition: recompute it when the TTL field changed.
      if (before && (before.ttlField ?? null) !== (definition.ttlField ?? null)) recomputeExpiry(state);
      if (!previous?.nedb_imported) importNedb(state);
      for (const [name, sql] of wanted) {
        if (present.has(name)) continue;
        try {
          sqlite.db.exec(sql);
        } catch (error) {
          if (isConstraintError(error)) {
            throw new AppError(
              "INVALID_CONFIG",
              `Collection ${definition.name}: existing documents violate the unique index ${name.split("__ix_")[1] ?? name}`,
              { cause: error },
            );
          }
          throw error;
        }
      }
      // Paths new to the definition: find whether any stored document holds an array along them.
      const known = new Set((before?.indexes ?? []).flatMap((spec) => Object.keys(spec.fields)));
      const multikey = new Set(previous ? (JSON.parse(previous.multikey) as string[]) : []);
      for (const path of state.indexPaths) {
        if (known.has(path) || multikey.has(path)) continue;
        const parts = path.split(".");
        const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("."));
        const hit = statement(
          `SELECT 1 FROM ${table} WHERE ${prefixes.map((p) => `json_type(doc, '${jsonPath(p)}') = 'array'`).join(" OR ")} LIMIT 1`,
        ).get();
        if (hit) multikey.add(path);
      }
      state.multikey = multikey;
      statement(`UPDATE ${CATALOG} SET multikey = ? WHERE name = ?`).run(
        JSON.stringify([...multikey]),
        definition.name,
      );
    });
    // Start-up sweep: what expired while no process ran goes as soon as a process declares it
    // (one batch here, synchronously; the timer and `sweepExpired` take any rest).
    if (definition.ttlField) {
      try {
        if (sweepBatch(state, clock().getTime()) > 0) checkpointNow();
      } catch (error) {
        logger.warn({ collection: definition.name, err: error }, "start-up TTL sweep failed");
      }
    }
    const legacy = options.nedbDir ? join(options.nedbDir, `${definition.name}.db`) : null;
    if (legacy && existsSync(legacy)) renameSync(legacy, `${legacy}.migrated`);
  }

  function recomputeExpiry(state: CollectionState): void {
    const ttlField = state.definition.ttlField;
    const update = statement(`UPDATE ${state.table} SET expires = ? WHERE rid = ?`);
    for (const row of statement(`SELECT rid, doc FROM ${state.table}`).all() as unknown as Row[]) {
      update.run(expiryOf(ttlField, decodeDoc(row.doc)), row.rid);
    }
  }

  function importNedb(state: CollectionState): void {
    const { definition } = state;
    statement(`UPDATE ${CATALOG} SET nedb_imported = 1 WHERE name = ?`).run(definition.name);
    const file = options.nedbDir ? join(options.nedbDir, `${definition.name}.db`) : null;
    if (!file || !existsSync(file)) return;
    const docs = readNedbDatafile(file, definition.scope);
    const insert = statement(`INSERT INTO ${state.table} (tenant, id, doc, expires) VALUES (?, ?, ?, ?)`);
    for (const doc of docs) {
      const tenant = definition.scope === "tenant" ? doc.tenantId : "";
      if (typeof tenant !== "string") continue;
      insert.run(tenant, doc.id as string, encodeDoc(doc), expiryOf(definition.ttlField, doc));
    }
    logger.info({ collection: definition.name, documents: docs.length, from: file }, "imported a NeDB datafile");
  }

  function assertOpen(): void {
    if (closed) throw new AppError("INTERNAL", "The document store is closed", { expose: false });
  }

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
    const indexPaths = new Set<string>();
    for (const spec of definition.indexes ?? []) {
      for (const path of Object.keys(spec.fields)) {
        if (path === "id" || (path === "tenantId" && definition.scope === "tenant")) continue;
        if (!assertIndexPath(path)) {
          throw new AppError("INVALID_CONFIG", `Collection ${definition.name}: index path ${JSON.stringify(path)}`);
        }
        indexPaths.add(path);
      }
    }
    const state: CollectionState = {
      definition,
      table: quoteIdentifier(`doc_${definition.name}`),
      indexPaths,
      multikey: new Set(),
      error: null,
    };
    try {
      assertOpen();
      prepare(state);
    } catch (error) {
      // Reported by every call on the collection (and by ping), as a store that cannot serve it.
      state.error = isAppError(error)
        ? error
        : new AppError("INTERNAL", `Collection ${definition.name} could not be prepared`, { cause: error });
      logger.error({ collection: definition.name, err: error }, "collection could not be prepared");
    }
    collections.set(definition.name, state);
    return state;
  }

  const context: StoreContext = { sqlite, refreshMarks, markMultikey, assertOpen, clock };

  return {
    kind: "embedded",
    tenantCollection<T extends BaseDocument & { tenantId: string }>(
      definition: CollectionDefinition & { scope: "tenant" },
    ): TenantCollection<T> {
      const ops = createOperations<T>(declare(definition), context);
      const scoped = (tenantId: string) => {
        assertTenantId(tenantId);
        return tenantId;
      };
      return {
        name: definition.name,
        insertOne: async (tenantId, doc) => ops.insert(scoped(tenantId), [doc])[0]!,
        insertMany: async (tenantId, docs) => ops.insert(scoped(tenantId), docs),
        findOne: async (tenantId, filter, options) =>
          ops.find(scoped(tenantId), filter, { ...options, limit: 1 })[0] ?? null,
        findById: async (tenantId, id) => ops.find(scoped(tenantId), { id }, { limit: 1 })[0] ?? null,
        find: async (tenantId, filter, options) => ops.find(scoped(tenantId), filter, options),
        count: async (tenantId, filter) => ops.count(scoped(tenantId), filter ?? {}),
        updateOne: async (tenantId, filter, update, options) =>
          ops.update(scoped(tenantId), filter, update, { upsert: options?.upsert, multi: false }).result,
        findOneAndUpdate: async (tenantId, filter, update, options) =>
          ops.update(scoped(tenantId), filter, update, { ...options, multi: false }).doc,
        updateMany: async (tenantId, filter, update) =>
          ops.update(scoped(tenantId), filter, update, { multi: true }).result,
        deleteOne: async (tenantId, filter) => ops.remove(scoped(tenantId), filter, false),
        deleteMany: async (tenantId, filter) => ops.remove(scoped(tenantId), filter, true),
        aggregate: async (tenantId, pipeline) => ops.aggregate(scoped(tenantId), pipeline),
      };
    },
    globalCollection<T extends BaseDocument>(
      definition: CollectionDefinition & { scope: "global" },
    ): GlobalCollection<T> {
      const ops = createOperations<T>(declare(definition), context);
      return {
        name: definition.name,
        insertOne: async (doc) => ops.insert(null, [doc])[0]!,
        insertMany: async (docs) => ops.insert(null, docs),
        findOne: async (filter, options) => ops.find(null, filter, { ...options, limit: 1 })[0] ?? null,
        findById: async (id) => ops.find(null, { id }, { limit: 1 })[0] ?? null,
        find: async (filter, options) => ops.find(null, filter, options),
        count: async (filter) => ops.count(null, filter ?? {}),
        updateOne: async (filter, update, options) =>
          ops.update(null, filter, update, { upsert: options?.upsert, multi: false }).result,
        findOneAndUpdate: async (filter, update, options) =>
          ops.update(null, filter, update, { ...options, multi: false }).doc,
        updateMany: async (filter, update) => ops.update(null, filter, update, { multi: true }).result,
        deleteOne: async (filter) => ops.remove(null, filter, false),
        deleteMany: async (filter) => ops.remove(null, filter, true),
        aggregate: async (pipeline) => ops.aggregate(null, pipeline),
      };
    },
    collectionNames: () => [...collections.keys()],
    async sweepExpired(now) {
      assertOpen();
      const removed = await sweepAll(now.getTime());
      checkpointNow();
      return removed;
    },
    async checkpoint() {
      assertOpen();
      checkpointNow();
    },
    async ping() {
      assertOpen();
      for (const state of collections.values()) if (state.error) throw state.error;
      statement("SELECT 1").get();
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweep);
      sqlite.close();
    },
  };
}

interface StoreContext {
  sqlite: SqliteDatabase;
  refreshMarks(): void;
  markMultikey(state: CollectionState, paths: string[]): void;
  assertOpen(): void;
  clock: Clock;
}

interface Row {
  rid: number;
  doc: string;
}

/** The operations of one collection; `scope` is the tenant id, or null for a global collection. */
function createOperations<T>(state: CollectionState, store: StoreContext) {
  const { definition, table } = state;
  const { statement, transaction } = store.sqlite;
  const ttlField = definition.ttlField;
  const indexed = (path: string) => state.indexPaths.has(path) && !state.multikey.has(path);
  const insertSql = `INSERT INTO ${table} (tenant, id, doc, expires) VALUES (?, ?, ?, ?)`;

  function begin(): void {
    store.assertOpen();
    if (state.error) throw state.error;
    store.refreshMarks();
  }

  /** The rows a filter selects, as SQL: the tenant, not expired, the filter's indexable part. */
  function select(scope: string | null, filter: Filter, sort: SortSpec | undefined) {
    validateFilter(filter);
    const sql = translateFilter(filter, indexed);
    const order = translateSort(sort, indexed);
    const clauses = ["tenant = ?", ...(ttlField ? ["(expires IS NULL OR expires > ?)"] : []), ...sql.clauses];
    const params: unknown[] = [scope ?? "", ...(ttlField ? [store.clock().getTime()] : []), ...sql.params];
    return { where: clauses.join(" AND "), params: params as never[], exact: sql.exact, order };
  }

  /**
   * Matching documents in order. With an exact translation SQL also sorts and pages; otherwise
   * rows are read lazily, only those SQL selects are decoded and checked, and reading stops once
   * `limit` matched (unless the sort cannot be written in SQL).
   */
  function read(
    scope: string | null,
    filter: Filter,
    options: { sort?: SortSpec; skip?: number; limit?: number },
  ): Array<{ rid: number; doc: Doc }> {
    const { where, params, exact, order } = select(scope, filter, options.sort);
    const skip = options.skip ?? 0;
    const limit = options.limit ?? 0;
    if (exact && order !== null) {
      const paging = limit > 0 ? ` LIMIT ${limit} OFFSET ${skip}` : skip > 0 ? ` LIMIT -1 OFFSET ${skip}` : "";
      const rows = statement(`SELECT rid, doc FROM ${table} WHERE ${where}${order}${paging}`).all(
        ...params,
      ) as unknown as Row[];
      return rows.map((row) => ({ rid: row.rid, doc: decodeDoc(row.doc) }));
    }
    const matcher = exact ? undefined : compileQuery(filter);
    const out: Array<{ rid: number; doc: Doc }> = [];
    let skipped = 0;
    const rows = statement(`SELECT rid, doc FROM ${table} WHERE ${where}${order ?? ""}`).iterate(
      ...params,
    ) as unknown as IterableIterator<Row>;
    for (const row of rows) {
      const doc = decodeDoc(row.doc);
      if (matcher && !matcher.test(doc)) continue;
      if (order === null) {
        out.push({ rid: row.rid, doc });
        continue;
      }
      if (skipped < skip) {
        skipped++;
        continue;
      }
      out.push({ rid: row.rid, doc });
      if (limit > 0 && out.length >= limit) break;
    }
    if (order !== null) return out;
    // A sort SQL cannot express: sorted here (by mingo, MongoDB's order) after the whole match.
    let cursor = mingoFind(
      out.map((entry) => ({ ...entry.doc, __rid: entry.rid })),
      {},
    ).sort(options.sort ?? {});
    if (skip) cursor = cursor.skip(skip);
    if (limit) cursor = cursor.limit(limit);
    return (cursor.all() as Doc[]).map(({ __rid, ...doc }) => ({ rid: __rid as number, doc }));
  }

  /** The matching documents one by one, in no particular order: nothing but the current row in memory. */
  function* stream(scope: string | null, filter: Filter): Generator<Doc> {
    const { where, params, exact } = select(scope, filter, undefined);
    const matcher = exact ? undefined : compileQuery(filter);
    for (const row of statement(`SELECT doc FROM ${table} WHERE ${where}`).iterate(...params) as unknown as Iterable<{
      doc: string;
    }>) {
      const doc = decodeDoc(row.doc);
      if (!matcher || matcher.test(doc)) yield doc;
    }
  }

  /**
   * A `$group` of `$sum`s over an exactly translated `$match`, as one SQL GROUP BY (sql-group.ts):
   * the groups, or null when mingo must run it (another shape, a filter SQL cannot answer alone,
   * arrays where MongoDB would unwind them).
   */
  function groupInSql(scope: string | null, filter: Filter, stage: Doc): Doc[] | null {
    if (!("$group" in stage)) return null;
    const plan = planSqlGroup(stage);
    if (!plan) return null;
    const { where, params, exact } = select(scope, filter, undefined);
    if (!exact) return null;
    const rows = statement(plan.sql(table, where)).all(...params) as Record<string, unknown>[];
    return plan.decode(rows);
  }

  function toStoredRow(scope: string | null, input: unknown): { id: string; doc: Doc } {
    validateDocument(input);
    const { id, _id, ...rest } = input;
    if (_id !== undefined) throw new AppError("INVALID_INPUT", "Documents carry `id`, not `_id`");
    if (id !== undefined && (typeof id !== "string" || id.length === 0)) {
      throw new AppError("INVALID_INPUT", "A document id must be a non-empty string");
    }
    const publicId = (id as string | undefined) ?? randomUUID();
    if (scope !== null) {
      if (rest.tenantId !== undefined && rest.tenantId !== scope) {
        throw new AppError("FORBIDDEN", "The document belongs to another tenant");
      }
      return { id: publicId, doc: { id: publicId, ...rest, tenantId: scope } };
    }
    return { id: publicId, doc: { id: publicId, ...rest } };
  }

  function noteArrays(doc: Doc): void {
    const candidates = [...state.indexPaths].filter((path) => !state.multikey.has(path));
    if (candidates.length === 0) return;
    const found = arrayPaths(doc, candidates);
    if (found.length > 0) store.markMultikey(state, found);
  }

  /**
   * Runs a write transaction; a unique clash is CONFLICT. In a TTL collection an expired document
   * may still hold the key (the sweep has not reached it): those are deleted and the write retried once.
   */
  function write<R>(fn: () => R): R {
    try {
      return transaction(fn);
    } catch (error) {
      if (!isConstraintError(error)) throw error;
      if (ttlField) {
        const purged = transaction(
          () => statement(`DELETE FROM ${table} WHERE expires <= ?`).run(store.clock().getTime()).changes as number,
        );
        if (purged > 0) {
          try {
            return transaction(fn);
          } catch (retryError) {
            if (isConstraintError(retryError)) throw conflict(definition.name, retryError);
            throw retryError;
          }
        }
      }
      throw conflict(definition.name, error);
    }
  }

  function insertRow(scope: string | null, id: string, doc: Doc): void {
    noteArrays(doc);
    statement(insertSql).run(scope ?? "", id, encodeDoc(doc), expiryOf(ttlField, doc));
  }

  return {
    insert(scope: string | null, docs: unknown[]): T[] {
      begin();
      if (!Array.isArray(docs)) throw new AppError("INVALID_INPUT", "insertMany takes an array");
      if (docs.length === 0) return [];
      const rows = docs.map((doc) => toStoredRow(scope, doc));
      // One transaction: all documents or none.
      write(() => {
        for (const row of rows) insertRow(scope, row.id, row.doc);
      });
      return rows.map((row) => row.doc as T);
    },

    find(scope: string | null, filter: Filter, options: FindOptions = {}): T[] {
      begin();
      assertPaging(options);
      const projection = storedProjection(options.projection);
      const docs = read(scope, filter, options).map((entry) => entry.doc);
      return project(docs, projection) as T[];
    },

    count(scope: string | null, filter: Filter): number {
      begin();
      const { where, params, exact } = select(scope, filter, undefined);
      if (exact) {
        return (statement(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get(...params) as { n: number }).n;
      }
      let n = 0;
      for (const _ of stream(scope, filter)) n++;
      return n;
    },

    update(
      scope: string | null,
      filter: Filter,
      update: Update,
      options: { upsert?: boolean; multi: boolean; sort?: SortSpec },
    ): { result: UpdateResult; doc: T | null } {
      begin();
      const parsed = parseUpdate(update, scope);
      const ops = cloneUpdateOps(parsed.ops);
      validateFilter(filter);
      // Read, change and write in one transaction: atomic for every connection on the file.
      return write(() => {
        const matches = read(scope, filter, { sort: options.sort, limit: options.multi ? 0 : 1 });
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
          }
          applyUpdate(seed, ops);
          if (parsed.setOnInsert) applyUpdate(seed, cloneUpdateOps({ $set: parsed.setOnInsert }));
          validateDocument(seed);
          const doc = decodeDoc(encodeDoc(seed));
          insertRow(scope, publicId, doc);
          return { result: { matched: 0, modified: 0, upsertedId: publicId }, doc: doc as T };
        }
        let modified = 0;
        let last: Doc | null = null;
        const save = statement(`UPDATE ${table} SET doc = ?, expires = ? WHERE rid = ?`);
        for (const { rid, doc } of matches) {
          last = doc;
          if (!applyUpdate(doc, ops)) continue;
          noteArrays(doc);
          save.run(encodeDoc(doc), expiryOf(ttlField, doc), rid);
          modified += 1;
        }
        return { result: { matched: matches.length, modified, upsertedId: null }, doc: last as T | null };
      });
    },

    remove(scope: string | null, filter: Filter, multi: boolean): number {
      begin();
      const { where, params, exact } = select(scope, filter, undefined);
      return transaction(() => {
        if (exact) {
          const sql = multi
            ? `DELETE FROM ${table} WHERE ${where}`
            : `DELETE FROM ${table} WHERE rid IN (SELECT rid FROM ${table} WHERE ${where} LIMIT 1)`;
          return statement(sql).run(...params).changes as number;
        }
        const rids = read(scope, filter, { limit: multi ? 0 : 1 }).map((entry) => entry.rid);
        const remove = statement(`DELETE FROM ${table} WHERE rid = ?`);
        for (const rid of rids) remove.run(rid);
        return rids.length;
      });
    },

    aggregate<R>(scope: string | null, pipeline: Record<string, unknown>[]): R[] {
      begin();
      validatePipeline(pipeline);
      // Leading $match stages are the read's filter: only the rows they select are read.
      let first = 0;
      const matches: Filter[] = [];
      while (first < pipeline.length && "$match" in (pipeline[first] as Doc)) {
        matches.push((pipeline[first] as { $match: Filter }).$match);
        first++;
      }
      const filter = matches.length === 0 ? {} : matches.length === 1 ? matches[0]! : { $and: matches };
      const rest = pipeline.slice(first);
      if (rest.length === 0) return [...stream(scope, filter)] as R[];
      const grouped = groupInSql(scope, filter, rest[0] as Doc);
      if (grouped) {
        if (rest.length === 1) return grouped as R[];
        try {
          // What follows the $group (a $sort and $limit of the groups, say) runs on the groups alone.
          return new Aggregator(rest.slice(1)).run(grouped) as R[];
        } catch (error) {
          throw new AppError("INVALID_INPUT", "Invalid aggregation pipeline", { cause: error });
        }
      }
      try {
        // Streamed: a $group holds its groups, never the documents it reads.
        return new Aggregator(rest).run(stream(scope, filter)) as R[];
      } catch (error) {
        throw new AppError("INVALID_INPUT", "Invalid aggregation pipeline", { cause: error });
      }
    },
  };
}
