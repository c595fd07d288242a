import { AppError } from "@varai/schema";
import type { CollectionDefinition, Filter, FindOptions, IndexSpec, Update } from "../ports/document-store.ts";

/**
 * Shared by both DocumentStore implementations: validation of the MongoDB query subset the
 * port promises, `id` <-> `_id` mapping, and MongoDB's upsert rules. Both stores run every
 * caller-supplied filter, update and pipeline through here, so the two behave alike and
 * nothing outside the documented subset ($where, $expr, $lookup...) can reach a database.
 */

// The port's list plus the companions MongoDB needs to express them ($options for $regex)
// and a few harmless array matchers both engines implement identically.
const FILTER_OPERATORS = new Set([
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$exists",
  "$regex",
  "$options",
  "$and",
  "$or",
  "$nor",
  "$not",
  "$elemMatch",
  "$size",
  "$all",
]);

const UPDATE_OPERATORS = new Set([
  "$set",
  "$unset",
  "$inc",
  "$push",
  "$addToSet",
  "$pull",
  "$min",
  "$max",
  "$setOnInsert",
]);

// Stages that read only the input documents: $lookup/$unionWith/$out/$merge would escape the tenant scope.
const PIPELINE_STAGES = new Set([
  "$match",
  "$group",
  "$sort",
  "$limit",
  "$skip",
  "$project",
  "$unwind",
  "$count",
  "$addFields",
]);

/** Expression operators that run code or reach other collections, refused anywhere in a pipeline. */
const FORBIDDEN_EXPRESSIONS = new Set([
  "$where",
  "$function",
  "$accumulator",
  "$lookup",
  "$unionWith",
  "$out",
  "$merge",
]);

export type Doc = Record<string, unknown>;

export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function invalid(message: string, details?: Record<string, unknown>): AppError {
  return new AppError("INVALID_INPUT", message, { details });
}

export function assertCollectionName(name: string): void {
  // The name becomes a file name in the embedded store: no separators, no dots.
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(name)) {
    throw new AppError("INVALID_CONFIG", `Invalid collection name: ${JSON.stringify(name)}`);
  }
}

export function assertTenantId(tenantId: unknown): asserts tenantId is string {
  if (typeof tenantId !== "string" || tenantId.length === 0) throw invalid("A tenant id is required");
}

function validateFilterValue(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    for (const item of value) validateFilterValue(item, path);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith("$") && !FILTER_OPERATORS.has(key)) {
      throw invalid(`Unsupported query operator ${key}`, { path });
    }
    validateFilterValue(inner, path);
  }
}

/** Rejects operators outside the documented subset. */
export function validateFilter(filter: Filter): void {
  if (!isPlainObject(filter)) throw invalid("A filter must be an object");
  validateFilterValue(filter, "");
}

/**
 * The stored `_id` of a tenant document: ids are unique per tenant, not across tenants, so one
 * tenant's id can neither block nor reveal another's. Tenant ids never contain ":" (`ten_…`), and
 * the stores still match `tenantId` on every query. Global collections keep `_id` = id.
 */
export function scopedId(tenantId: string, id: string): string {
  return `${tenantId}:${id}`;
}

/** The public id of a stored tenant `_id` (inverse of `scopedId`). */
export function publicIdOf(tenantId: string, storedId: string): string {
  const prefix = `${tenantId}:`;
  return storedId.startsWith(prefix) ? storedId.slice(prefix.length) : storedId;
}

/** Renames `id` to `_id` at the top level and inside $and/$or/$nor (field paths elsewhere are the caller's). */
export function toStoredFilter(filter: Filter): Filter {
  const out: Filter = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === "id") out._id = value;
    else if ((key === "$and" || key === "$or" || key === "$nor") && Array.isArray(value)) {
      out[key] = value.map((clause) => (isPlainObject(clause) ? toStoredFilter(clause) : clause));
    } else out[key] = value;
  }
  return out;
}

export interface ParsedUpdate {
  /** Operators applied on every match (and on an upserted document). */
  ops: Record<string, Doc>;
  setOnInsert: Doc | undefined;
}

// MongoDB refuses these keys (in most operators); refusing them up front keeps the stores alike.
const isBadKey = (key: string) => key.length === 0 || key.startsWith("$") || key.includes(".");

/**
 * The path of the first refused key, or null. Paths are built only on the way out of a failure:
 * building one string per field of every inserted document was a good share of an insert.
 */
function badKeyPath(value: unknown): string[] | null {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const inner = badKeyPath(value[index]);
      if (inner) return [String(index), ...inner];
    }
    return null;
  }
  if (!isPlainObject(value)) return null;
  for (const key of Object.keys(value)) {
    if (isBadKey(key)) return [key];
    const inner = badKeyPath(value[key]);
    if (inner) return [key, ...inner];
  }
  return null;
}

/** Validates a document to insert: plain object, no operator-like keys. */
export function validateDocument(doc: unknown): asserts doc is Doc {
  if (!isPlainObject(doc)) throw invalid("A document must be an object");
  const bad = badKeyPath(doc);
  if (bad) throw invalid("Field names must not be empty, start with $ or contain a dot", { path: bad.join(".") });
}

function isImmutablePath(path: string): boolean {
  return path === "id" || path === "_id" || path.startsWith("id.") || path.startsWith("_id.");
}

/**
 * Validates an update. `tenantId` and `id` are immutable: an update may not move a document
 * to another tenant or rename it (a `$setOnInsert` of the same tenant id is harmless).
 */
export function parseUpdate(update: Update, tenantId: string | null): ParsedUpdate {
  if (!isPlainObject(update)) throw invalid("An update must be an object");
  const keys = Object.keys(update);
  if (keys.length === 0) throw invalid("An update needs at least one operator");
  const ops: Record<string, Doc> = {};
  const paths: string[] = [];
  let setOnInsert: Doc | undefined;
  for (const key of keys) {
    if (!UPDATE_OPERATORS.has(key)) throw invalid(`Unsupported update operator ${key}`);
    const fields = (update as Record<string, unknown>)[key];
    if (!isPlainObject(fields)) throw invalid(`${key} takes an object of fields`);
    for (const [path, value] of Object.entries(fields)) {
      if (path.length === 0 || path.startsWith("$") || path.split(".").some((part) => part.length === 0)) {
        throw invalid("Invalid update path", { path });
      }
      if (isImmutablePath(path)) throw invalid("A document's id cannot be changed", { path });
      if (tenantId !== null && (path === "tenantId" || path.startsWith("tenantId."))) {
        if (!(key === "$setOnInsert" || key === "$set") || value !== tenantId) {
          throw new AppError("FORBIDDEN", "A document's tenant cannot be changed");
        }
      }
      if (key === "$inc" && typeof value !== "number") throw invalid("$inc takes numbers", { path });
      if (key === "$set" || key === "$setOnInsert" || key === "$push" || key === "$addToSet") {
        // $push/$addToSet may carry {$each: [...]}; its elements are checked like documents.
        const inner = isPlainObject(value) && "$each" in value ? value.$each : value;
        const bad = badKeyPath(inner);
        if (bad) {
          throw invalid("Field names must not be empty, start with $ or contain a dot", {
            path: [path, ...bad].join("."),
          });
        }
      }
    }
    for (const path of Object.keys(fields)) paths.push(path);
    if (key === "$setOnInsert") setOnInsert = fields;
    else if (key === "$unset") {
      // MongoDB ignores the value of a $unset field; mingo wants "".
      ops.$unset = Object.fromEntries(Object.keys(fields).map((path) => [path, ""]));
    } else ops[key] = fields;
  }
  // MongoDB refuses two operators on one path or on a path and its parent ("would create a
  // conflict"); refusing it here keeps the embedded store from silently applying both.
  const full = new Set<string>();
  const parents = new Set<string>();
  for (const path of paths) {
    if (full.has(path) || parents.has(path)) throw invalid("Update paths conflict", { path });
    for (let dot = path.indexOf("."); dot !== -1; dot = path.indexOf(".", dot + 1)) {
      const parent = path.slice(0, dot);
      if (full.has(parent)) throw invalid("Update paths conflict", { path });
      parents.add(parent);
    }
    full.add(path);
  }
  return { ops, setOnInsert };
}

function setPath(target: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!isPlainObject(next)) node[part] = {};
    node = node[part] as Doc;
  }
  node[parts[parts.length - 1]!] = value;
}

export function getPath(doc: Doc, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split(".")) {
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

/**
 * MongoDB's upsert seed: the equality conditions of the (stored-form) filter, including
 * those inside a top-level $and, become fields of the inserted document.
 */
export function upsertSeed(storedFilter: Filter): Doc {
  const seed: Doc = {};
  const visit = (filter: Filter) => {
    for (const [key, value] of Object.entries(filter)) {
      if (key === "$and" && Array.isArray(value)) {
        for (const clause of value) if (isPlainObject(clause)) visit(clause);
        continue;
      }
      if (key.startsWith("$")) continue;
      if (isPlainObject(value)) {
        const operators = Object.keys(value);
        if (operators.length > 0 && operators.every((op) => op.startsWith("$"))) {
          if ("$eq" in value) setPath(seed, key, value.$eq);
          continue;
        }
      }
      if (value instanceof RegExp) continue;
      setPath(seed, key, value);
    }
  };
  visit(storedFilter);
  return seed;
}

/** Validates a pipeline against the documented stages and refuses code-running or cross-collection expressions. */
export function validatePipeline(pipeline: Record<string, unknown>[]): void {
  if (!Array.isArray(pipeline)) throw invalid("A pipeline must be an array");
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) throw invalid("Each stage has exactly one operator");
    const name = Object.keys(stage)[0]!;
    if (!PIPELINE_STAGES.has(name)) throw invalid(`Unsupported pipeline stage ${name}`);
    if (name === "$match") validateFilter(stage.$match as Filter);
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (isPlainObject(value)) {
        for (const [key, inner] of Object.entries(value)) {
          if (FORBIDDEN_EXPRESSIONS.has(key)) throw invalid(`Unsupported expression ${key}`);
          walk(inner);
        }
      }
    };
    walk(stage);
  }
}

/** The projection without `id` (always returned); `undefined` when nothing remains. */
export function storedProjection(projection: FindOptions["projection"]): Record<string, 0 | 1> | undefined {
  if (!projection) return undefined;
  const rest = Object.fromEntries(Object.entries(projection).filter(([key]) => key !== "id" && key !== "_id"));
  const values = new Set(Object.values(rest));
  if (values.size > 1) throw invalid("A projection is either inclusive or exclusive");
  return Object.keys(rest).length > 0 ? rest : undefined;
}

export function assertPaging(options: FindOptions | undefined): void {
  const { limit, skip } = options ?? {};
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw invalid("limit must be a whole number");
  if (skip !== undefined && (!Number.isInteger(skip) || skip < 0)) throw invalid("skip must be a whole number");
}

/** Index fields as stored: tenant collections lead with tenantId. */
export function indexFields(definition: CollectionDefinition, spec: IndexSpec): Record<string, 1 | -1> {
  return definition.scope === "tenant" ? { tenantId: 1, ...spec.fields } : { ...spec.fields };
}

export function indexName(spec: IndexSpec): string {
  return (
    spec.name ??
    Object.entries(spec.fields)
      .map(([field, dir]) => `${field}_${dir}`)
      .join("_")
  );
}

/** Two declarations of one collection must agree, or the second caller would silently get the first's rules. */
export function sameDefinition(a: CollectionDefinition, b: CollectionDefinition): boolean {
  return (
    JSON.stringify([a.scope, a.indexes ?? [], a.ttlField ?? null]) ===
    JSON.stringify([b.scope, b.indexes ?? [], b.ttlField ?? null])
  );
}

/** Replaces `undefined` the way MongoDB's driver does with `ignoreUndefined`: dropped from objects, null in arrays. */
export function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : dropUndefined(item))) as T;
  if (!isPlainObject(value)) return value;
  const out: Doc = {};
  for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = dropUndefined(inner);
  return out as T;
}

/** True when `dropUndefined` would change the value (so the copy can be skipped otherwise). */
export function hasUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(hasUndefined);
  if (!isPlainObject(value)) return false;
  for (const key in value) if (hasUndefined(value[key])) return true;
  return false;
}

export function conflict(collection: string, cause: unknown): AppError {
  return new AppError("CONFLICT", `A document with the same unique key already exists in ${collection}`, {
    cause,
    details: { collection },
  });
}
