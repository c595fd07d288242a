/**
 * DocumentStore: the persistence port. Two implementations pass one contract suite
 * (`store.contract.ts`): MongoDB (production, official driver) and the embedded default
 * (SQLite + mingo). Queries use the MongoDB query language subset listed below.
 *
 * Tenant isolation lives here, below every route: a collection is declared either
 * `tenant` or `global`. A tenant collection's every method takes a `tenantId` first and
 * the store adds it to every filter, insert, upsert and aggregation; there is no way to
 * reach another tenant's documents through it. Global collections (tenants, routing
 * tables such as "which tenant owns this webhook connection") are declared as such.
 *
 * Documents expose `id` (string), unique per tenant in a tenant collection (two tenants may hold
 * the same id) and per collection in a global one; stores map it to `_id` internally
 * (tenant: `<tenantId>:<id>`).
 */

/** Filter: MongoDB query subset. Supported operators: $eq $ne $gt $gte $lt $lte $in $nin $exists $regex $and $or $not, dot paths. */
export type Filter = Record<string, unknown>;

/**
 * Update: $set $unset $inc $push $addToSet $pull $min $max, plus $setOnInsert with `upsert`.
 * Two operators on one path, or on a path and its parent, are INVALID_INPUT (as in MongoDB).
 */
export type Update = {
  $set?: Record<string, unknown>;
  $unset?: Record<string, true | "" | 1>;
  $inc?: Record<string, number>;
  $push?: Record<string, unknown>;
  $addToSet?: Record<string, unknown>;
  $pull?: Record<string, unknown>;
  $min?: Record<string, unknown>;
  $max?: Record<string, unknown>;
  $setOnInsert?: Record<string, unknown>;
};

export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  limit?: number;
  skip?: number;
  /** Inclusion (1) or exclusion (0) projection; `id` is always returned. */
  projection?: Record<string, 0 | 1>;
}

export interface IndexSpec {
  /** Fields in order; tenant collections get `tenantId` prepended automatically. */
  fields: Record<string, 1 | -1>;
  unique?: boolean;
  /** Unique only among documents where all index fields exist (partial/sparse). */
  sparse?: boolean;
  name?: string;
}

export interface CollectionDefinition {
  name: string;
  scope: "tenant" | "global";
  indexes?: IndexSpec[];
  /**
   * Documents with a Date in this field are removed once it has passed
   * (MongoDB TTL index with expireAfterSeconds 0; the embedded store's sweep). Expiry is not
   * instantaneous in MongoDB (the TTL monitor runs every 60 s), so readers that care
   * also filter on it.
   */
  ttlField?: string;
}

export interface UpdateResult {
  matched: number;
  modified: number;
  /** The id of the document created by an upsert, else null. */
  upsertedId: string | null;
}

export interface BaseDocument {
  id: string;
}

/** Tenant-scoped collection. Every method takes the tenant id first. */
export interface TenantCollection<T extends BaseDocument> {
  readonly name: string;
  /** Inserts; `tenantId` is set from the scope. Fails with AppError CONFLICT on a unique-index clash. */
  insertOne(tenantId: string, doc: Omit<T, "tenantId"> & { tenantId?: string }): Promise<T>;
  insertMany(tenantId: string, docs: Array<Omit<T, "tenantId"> & { tenantId?: string }>): Promise<T[]>;
  findOne(tenantId: string, filter: Filter, options?: Pick<FindOptions, "sort" | "projection">): Promise<T | null>;
  findById(tenantId: string, id: string): Promise<T | null>;
  find(tenantId: string, filter: Filter, options?: FindOptions): Promise<T[]>;
  count(tenantId: string, filter?: Filter): Promise<number>;
  /**
   * Atomic single-document update. With `upsert`, a miss inserts a document built from the
   * filter's equality fields, `$set` and `$setOnInsert`; a unique-index clash is CONFLICT.
   */
  updateOne(tenantId: string, filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<UpdateResult>;
  /** Atomic update returning the document after the change (null when nothing matched and no upsert). */
  findOneAndUpdate(
    tenantId: string,
    filter: Filter,
    update: Update,
    options?: { upsert?: boolean; sort?: SortSpec },
  ): Promise<T | null>;
  updateMany(tenantId: string, filter: Filter, update: Update): Promise<UpdateResult>;
  deleteOne(tenantId: string, filter: Filter): Promise<number>;
  deleteMany(tenantId: string, filter: Filter): Promise<number>;
  /** Aggregation pipeline; a `$match` on the tenant is prepended. Stages: $match $group $sort $limit $skip $project $unwind $count $addFields. */
  aggregate<R = Record<string, unknown>>(tenantId: string, pipeline: Record<string, unknown>[]): Promise<R[]>;
}

/** Global collection: same methods without the tenant argument. Use only for data that belongs to no tenant. */
export interface GlobalCollection<T extends BaseDocument> {
  readonly name: string;
  insertOne(doc: T): Promise<T>;
  insertMany(docs: T[]): Promise<T[]>;
  findOne(filter: Filter, options?: Pick<FindOptions, "sort" | "projection">): Promise<T | null>;
  findById(id: string): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter?: Filter): Promise<number>;
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<UpdateResult>;
  findOneAndUpdate(filter: Filter, update: Update, options?: { upsert?: boolean; sort?: SortSpec }): Promise<T | null>;
  updateMany(filter: Filter, update: Update): Promise<UpdateResult>;
  deleteOne(filter: Filter): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
  aggregate<R = Record<string, unknown>>(pipeline: Record<string, unknown>[]): Promise<R[]>;
}

export interface DocumentStore {
  readonly kind: "mongodb" | "embedded";
  /** Declares (idempotently creates indexes for) and returns a tenant-scoped collection. */
  tenantCollection<T extends BaseDocument & { tenantId: string }>(
    definition: CollectionDefinition & { scope: "tenant" },
  ): TenantCollection<T>;
  globalCollection<T extends BaseDocument>(definition: CollectionDefinition & { scope: "global" }): GlobalCollection<T>;
  /** Names of every collection declared so far (privacy scans walk these). */
  collectionNames(): string[];
  /**
   * Deletes every document whose TTL date (`ttlField`) is at or before `now`, in every TTL
   * collection declared so far, then `checkpoint()`s. Returns how many were deleted. The caller
   * passes the time (its clock), so a test can sweep "91 days later" without moving any clock
   * of the process. MongoDB's TTL monitor does the same on its own within a minute; this
   * makes it immediate and testable.
   */
  sweepExpired(now: Date): Promise<number>;
  /**
   * Makes past deletions physical on this store's own files: once it resolves, no file the store
   * writes still holds the bytes of deleted documents. Embedded: `secure_delete` has zeroed
   * them in the pages, and a WAL checkpoint (TRUNCATE) copies those pages into the database
   * file and empties the WAL, which still held the old page images. MongoDB: nothing to do
   * here; the server's storage engine and its backups are the deployment's (see the README's
   * privacy section).
   */
  checkpoint(): Promise<void>;
  /** Throws when the store cannot serve requests (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
