import type { Filter, SortSpec } from "../ports/document-store.ts";
import { DATE_TAG, DATE_TAG_END, encodeScalar } from "./doc-codec.ts";
import { isPlainObject } from "./mql.ts";

/**
 * The part of a filter SQLite can answer from the collection's indexes. Documents live as JSON
 * text in one column; every declared index path p is indexed as `keyExpression(p)` (the same
 * text in the index and in the query, or SQLite's planner would not use the index).
 *
 * The translation is always a superset of what the filter matches (it may let through documents
 * the filter rejects, never the reverse), and `exact` says whether it is the filter itself. When
 * it is not, the store checks each row with the mingo matcher (and then pages in JS); when it
 * is, SQL also counts, skips and limits.
 *
 * Only conditions on index paths are translated: MongoDB matches a scalar condition against
 * every element of an array, which `json_extract` cannot. A path that has held an array (along
 * the path or at its end) in any document of the collection is "multikey" and not translated.
 */

/** Null and missing as one key value that sorts first (JSON cannot hold -Infinity, so no document value equals it). */
const NULL_KEY = "-9e999";

/** `$.a.b` for `a.b`; only definition paths get here (checked by `assertIndexPath`). */
export const jsonPath = (path: string) => `$.${path}`;

/** The SQL expression of an index path, in indexes, filters and sorts alike. */
export const keyExpression = (path: string) => `ifnull(json_extract(doc, '${jsonPath(path)}'), ${NULL_KEY})`;

export function assertIndexPath(path: string): boolean {
  return path.split(".").every((part) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(part));
}

export interface SqlFilter {
  /** Conditions ANDed after the tenant and TTL conditions (may be empty). */
  clauses: string[];
  params: unknown[];
  exact: boolean;
}

type Scalar = { sql: unknown; exact: boolean };

/**
 * Where a condition applies: an index path's key expression (JSON values, nulls as NULL_KEY,
 * Dates tagged) or the `id` column (plain strings only).
 */
type Target = "key" | "id";

/** A value as SQL compares it with the target's values, and whether `=` on it is exact. */
function scalarKey(value: unknown, target: Target): Scalar | null {
  if (target === "id") return typeof value === "string" ? { sql: value, exact: true } : null;
  if (value === null) return { sql: null, exact: true };
  // JSON text of an object or array also comes out of json_extract as text: such a string could equal it.
  if (typeof value === "string") return { sql: encodeScalar(value), exact: !/^[[{]/.test(value) };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : { sql: encodeScalar(value), exact: true };
  // json_extract gives true/false as 1/0: a boolean and the numbers 0 and 1 cannot be told apart.
  if (typeof value === "number")
    return Number.isFinite(value) ? { sql: value, exact: value !== 0 && value !== 1 } : null;
  if (typeof value === "boolean") return { sql: value ? 1 : 0, exact: false };
  return null;
}

const OPERATOR_KEYS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"]);

interface Builder {
  clauses: string[];
  params: unknown[];
  exact: boolean;
}

function equality(b: Builder, expr: string, value: unknown, target: Target): void {
  const key = scalarKey(value, target);
  if (!key) {
    b.exact = false;
    return;
  }
  if (key.sql === null) b.clauses.push(`${expr} = ${NULL_KEY}`);
  else {
    b.clauses.push(`${expr} = ?`);
    b.params.push(key.sql);
  }
  if (!key.exact) b.exact = false;
}

/** `$ne`/`$nin`: translated only where `=` is exact, else excluding it could drop a match. */
function exclusion(b: Builder, expr: string, values: unknown[], target: Target): void {
  const keys = values.map((value) => scalarKey(value, target));
  if (keys.some((key) => !key?.exact)) {
    b.exact = false;
    return;
  }
  const sqlValues = (keys as Scalar[]).map((key) => key.sql);
  const placeholders = sqlValues.map((value) => (value === null ? NULL_KEY : "?"));
  b.clauses.push(`${expr} NOT IN (${placeholders.join(", ")})`);
  for (const value of sqlValues) if (value !== null) b.params.push(value);
}

function inclusion(b: Builder, expr: string, values: unknown[], target: Target): void {
  const keys = values.map((value) => scalarKey(value, target));
  if (keys.some((key) => key === null)) {
    b.exact = false;
    return;
  }
  if (keys.length === 0) {
    b.clauses.push("0");
    return;
  }
  const parts: string[] = [];
  for (const key of keys as Scalar[]) {
    if (!key.exact) b.exact = false;
    if (key.sql === null) parts.push(NULL_KEY);
    else {
      parts.push("?");
      b.params.push(key.sql);
    }
  }
  b.clauses.push(`${expr} IN (${parts.join(", ")})`);
}

/**
 * Range operators of one condition, by type bracket as MongoDB compares ($gt 5 matches numbers
 * only): numbers lie between NULL_KEY and '' in SQLite's order, text above '', tagged Dates in
 * [DATE_TAG, DATE_TAG_END).
 */
function ranges(b: Builder, expr: string, condition: Record<string, unknown>, target: Target): void {
  const ops = (["$gt", "$gte", "$lt", "$lte"] as const).filter((op) => op in condition);
  if (ops.length === 0) return;
  const sign = { $gt: ">", $gte: ">=", $lt: "<", $lte: "<=" } as const;
  let lowerString = null as string | null;
  let upperString = null as string | null;
  let numbers = false;
  let numberLow = Number.NEGATIVE_INFINITY;
  let numberHigh = Number.POSITIVE_INFINITY;
  let strings = false;
  let dates = false;
  for (const op of ops) {
    const value = condition[op];
    if (typeof value === "number" && Number.isFinite(value) && target === "key") {
      numbers = true;
      if (op === "$gt" || op === "$gte") numberLow = Math.max(numberLow, value);
      else numberHigh = Math.min(numberHigh, value);
    } else if (typeof value === "string" && target === "id") {
      // The id column holds strings only: a string range on it is exact.
    } else if (typeof value === "string") {
      strings = true;
      if (op === "$gt" || op === "$gte")
        lowerString = lowerString === null || value > lowerString ? value : lowerString;
      else upperString = upperString === null || value < upperString ? value : upperString;
    } else if (value instanceof Date && !Number.isNaN(value.getTime()) && target === "key") dates = true;
    else {
      b.exact = false;
      continue;
    }
    b.clauses.push(`${expr} ${sign[op]} ?`);
    b.params.push(typeof value === "number" || target === "id" ? value : encodeScalar(value as string | Date));
  }
  if (numbers) {
    // Above every null key, below every text value.
    b.clauses.push(`${expr} > ${NULL_KEY}`, `${expr} < ''`);
    // A boolean is 0 or 1 to json_extract: a range holding either may let one through.
    if (numberLow <= 1 && numberHigh >= 0) b.exact = false;
  }
  if (strings) {
    b.clauses.push(`${expr} >= ''`);
    // Tagged Dates sort below "\u0002"; objects and arrays come out as text starting "[" or "{".
    const low = lowerString ?? "";
    if (!(low >= "\u0002" && upperString !== null && upperString < "[")) b.exact = false;
  }
  if (dates) {
    b.clauses.push(`${expr} >= ?`, `${expr} < ?`);
    b.params.push(DATE_TAG, DATE_TAG_END);
  }
  if ([numbers, strings, dates].filter(Boolean).length > 1) b.exact = false;
}

function condition(b: Builder, expr: string, value: unknown, target: Target): void {
  if (value instanceof RegExp || Array.isArray(value)) {
    b.exact = false;
    return;
  }
  if (!isPlainObject(value)) {
    equality(b, expr, value, target);
    return;
  }
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((key) => key.startsWith("$"))) {
    // Equality with an embedded document: left to the matcher.
    b.exact = false;
    return;
  }
  for (const key of keys) if (!OPERATOR_KEYS.has(key)) b.exact = false;
  if ("$eq" in value) {
    if (Array.isArray(value.$eq) || isPlainObject(value.$eq)) b.exact = false;
    else equality(b, expr, value.$eq, target);
  }
  if ("$ne" in value) exclusion(b, expr, [value.$ne], target);
  if ("$in" in value) {
    if (Array.isArray(value.$in)) inclusion(b, expr, value.$in, target);
    else b.exact = false;
  }
  if ("$nin" in value) {
    if (Array.isArray(value.$nin)) exclusion(b, expr, value.$nin, target);
    else b.exact = false;
  }
  ranges(b, expr, value, target);
}

/**
 * Translates a (validated, caller-form) filter. `idColumn` is the SQL column holding `id`;
 * `indexed(path)` says whether a path is an index path that has never held an array.
 */
export function translateFilter(filter: Filter, indexed: (path: string) => boolean): SqlFilter {
  const b: Builder = { clauses: [], params: [], exact: true };
  const visit = (node: Filter) => {
    for (const [path, value] of Object.entries(node)) {
      if (path === "$and" && Array.isArray(value)) {
        for (const clause of value) {
          if (isPlainObject(clause)) visit(clause);
          else b.exact = false;
        }
      } else if (path === "id") condition(b, "id", value, "id");
      else if (!path.startsWith("$") && indexed(path)) condition(b, keyExpression(path), value, "key");
      else b.exact = false;
    }
  };
  visit(filter);
  return b;
}

/**
 * ORDER BY for a sort: `id` is a column, index paths use their key expression, other paths
 * json_extract (mixed types sort in SQLite's order: null, numbers, text, with Dates first among
 * text; within one type as MongoDB). Null when a path cannot be written as SQL (sort in JS).
 */
export function translateSort(sort: SortSpec | undefined, indexed: (path: string) => boolean): string | null {
  if (!sort || Object.keys(sort).length === 0) return "";
  const terms = Object.entries(sort).map(([path, direction]) => {
    const expr =
      path === "id"
        ? "id"
        : indexed(path)
          ? keyExpression(path)
          : assertIndexPath(path)
            ? `json_extract(doc, '${jsonPath(path)}')`
            : null;
    return expr === null ? null : `${expr} ${direction === -1 ? "DESC" : "ASC"}`;
  });
  if (terms.some((term) => term === null)) return null;
  // Ties in insertion order, in the first term's direction: an index scanned backwards for a
  // descending sort yields its rowids backwards too, so the index still gives the order.
  const tie = Object.values(sort)[0] === -1 ? "rid DESC" : "rid";
  return ` ORDER BY ${terms.join(", ")}, ${tie}`;
}
