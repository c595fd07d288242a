import { AppError, isAppError } from "@varai/schema";
import { Context } from "mingo/core";
import * as queryOperators from "mingo/operators/query";
import * as updateOperators from "mingo/operators/update";
import { Query } from "mingo/query";
import type { Filter } from "../ports/document-store.ts";
import { type Doc, getPath, isPlainObject, type ParsedUpdate } from "./mql.ts";

/**
 * The embedded store's MongoDB semantics in JS: the filter matcher for what SQL cannot answer
 * exactly (sql-filter.ts), and the update operators. mingo supplies both, called the cheap way.
 */

/** A deep copy of update operands without `undefined` (dropped like the driver's `ignoreUndefined`). */
export function cloneUpdateOps(ops: ParsedUpdate["ops"]): ParsedUpdate["ops"] {
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

export function compileQuery(stored: Filter): Query | undefined {
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
 * Applies validated update operators in place. The operators are called directly (mingo's
 * `update()` builds a fresh operator context per call); `ops` is already a private deep copy
 * (`cloneUpdateOps`), so the values they assign are never shared with the caller. Returns
 * whether the document changed.
 */
export function applyUpdate(doc: Doc, ops: ParsedUpdate["ops"]): boolean {
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
