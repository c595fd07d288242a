import { decodeScalar } from "./doc-codec.ts";
import { type Doc, isPlainObject } from "./mql.ts";
import { assertIndexPath, jsonPath } from "./sql-filter.ts";

/**
 * A `$group` whose accumulators are all `$sum` (of a field path or a number), keyed by nothing,
 * a field path or an object of field paths, written as one SQL `GROUP BY` over the rows the
 * leading `$match` selects. SQLite then reads each row once and keeps only the groups: no
 * document is decoded in JS, so a 90-day analytics summary over hundreds of thousands of daily
 * docs neither holds them nor builds them as objects (bench:store).
 *
 * MongoDB's semantics are kept exactly, or the group is left to mingo:
 * - `$sum` adds numbers only (`json_type` integer or real): strings, booleans, arrays, objects,
 *   null and missing fields add nothing; no matching number gives 0.
 * - Group keys are compared with their JSON type (true is not 1, "1" is not 1; 1 and 1.0 are one
 *   key), null and missing are one key for a path `_id`, and a missing field is left out of an
 *   object `_id` (`{}` is not `{ a: null }`), as MongoDB and mingo do.
 * - A key that is an object or array, or any path that crosses an array (where MongoDB would
 *   collect the array's values), is detected in the same query: the caller then runs the
 *   pipeline in mingo instead (`null` result).
 * Groups come out in the order of their first row (`min(rid)`), as a streaming `$group` emits them.
 */
export interface SqlGroup {
  /** SELECT list and GROUP BY for the table's rows; bind nothing (paths are checked identifiers). */
  sql(table: string, where: string): string;
  /** The group documents from the query's rows, or null when mingo must run the stage instead. */
  decode(rows: Record<string, unknown>[]): Doc[] | null;
}

type Key =
  | { kind: "constant"; value: unknown }
  | { kind: "path"; path: string }
  | { kind: "object"; fields: [string, string][] };
type Accumulator = { name: string; kind: "count"; by: number } | { name: string; kind: "path"; path: string };

/** `$a.b` -> `a.b` when it is a plain field path (no `$$` variables, no array indexes). */
function fieldPath(value: unknown): string | null {
  if (typeof value !== "string" || !value.startsWith("$") || value.startsWith("$$")) return null;
  const path = value.slice(1);
  return assertIndexPath(path) ? path : null;
}

function parseKey(id: unknown): Key | null {
  if (id === null || typeof id === "number" || typeof id === "boolean") return { kind: "constant", value: id };
  if (typeof id === "string") {
    if (!id.startsWith("$")) return { kind: "constant", value: id };
    const path = fieldPath(id);
    return path ? { kind: "path", path } : null;
  }
  if (isPlainObject(id)) {
    const fields: [string, string][] = [];
    for (const [name, value] of Object.entries(id)) {
      const path = fieldPath(value);
      if (!path || name.startsWith("$") || name.includes(".")) return null;
      fields.push([name, path]);
    }
    return fields.length > 0 ? { kind: "object", fields } : null;
  }
  return null;
}

/** The SQL plan of a `$group` stage, or null when it is not of the shape above. */
export function planSqlGroup(stage: Record<string, unknown>): SqlGroup | null {
  const spec = stage.$group;
  if (!isPlainObject(spec) || !("_id" in spec)) return null;
  const key = parseKey(spec._id);
  if (!key) return null;
  const accumulators: Accumulator[] = [];
  for (const [name, value] of Object.entries(spec)) {
    if (name === "_id") continue;
    if (!isPlainObject(value) || Object.keys(value).length !== 1 || !("$sum" in value)) return null;
    const operand = value.$sum;
    if (typeof operand === "number" && Number.isFinite(operand))
      accumulators.push({ name, kind: "count", by: operand });
    else if (typeof operand === "string" && !operand.startsWith("$")) accumulators.push({ name, kind: "count", by: 0 });
    else {
      const path = fieldPath(operand);
      if (!path) return null;
      accumulators.push({ name, kind: "path", path });
    }
  }

  const keyPaths = key.kind === "path" ? [key.path] : key.kind === "object" ? key.fields.map(([, path]) => path) : [];
  const sumPaths = accumulators.flatMap((acc) => (acc.kind === "path" ? [acc.path] : []));
  // What sends the stage back to mingo, checked in the same query: an array on the way along any
  // path (MongoDB would collect the array's values; a summed array field itself adds nothing in
  // both), and an array or object as a key.
  const unsafe = new Map<string, Set<string>>();
  const flag = (path: string, types: string[]) => {
    const set = unsafe.get(path) ?? new Set<string>();
    for (const type of types) set.add(type);
    unsafe.set(path, set);
  };
  for (const path of [...keyPaths, ...sumPaths]) {
    const parts = path.split(".");
    for (let i = 1; i < parts.length; i++) flag(parts.slice(0, i).join("."), ["array"]);
  }
  for (const path of keyPaths) flag(path, ["array", "object"]);
  const checks = [...unsafe].map(([path, types]) => ({ path, types: [...types] }));

  return {
    sql(table, where) {
      const select: string[] = [];
      const groupBy: string[] = [];
      keyPaths.forEach((path, i) => {
        const type = `json_type(doc, '${jsonPath(path)}')`;
        const extract = `json_extract(doc, '${jsonPath(path)}')`;
        select.push(`${type} AS t${i}`, `${extract} AS v${i}`);
        // 1 and 1.0 are one key; true (1 to json_extract) is not 1. A path _id merges null and
        // missing; an object _id keeps them apart (the field is left out when missing).
        const nulls = key.kind === "path" ? `WHEN 'null' THEN NULL ` : "";
        groupBy.push(
          `CASE ${type} ${nulls}WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' ELSE ${type} END`,
          extract,
        );
      });
      select.push("count(*) AS n", "min(rid) AS first");
      accumulators.forEach((acc, i) => {
        if (acc.kind === "path") {
          const p = jsonPath(acc.path);
          select.push(
            `total(CASE WHEN json_type(doc, '${p}') IN ('integer', 'real') THEN json_extract(doc, '${p}') END) AS s${i}`,
          );
        }
      });
      checks.forEach(({ path, types }, i) => {
        const list = types.map((type) => `'${type}'`).join(", ");
        select.push(`max(json_type(doc, '${jsonPath(path)}') IN (${list})) AS x${i}`);
      });
      const group = groupBy.length > 0 ? ` GROUP BY ${groupBy.join(", ")}` : "";
      return `SELECT ${select.join(", ")} FROM ${table} WHERE ${where}${group} ORDER BY first`;
    },
    decode(rows) {
      const out: Doc[] = [];
      for (const row of rows) {
        if (Number(row.n) === 0) continue; // no GROUP BY and no rows: MongoDB returns no group
        for (let i = 0; i < checks.length; i++) if (row[`x${i}`]) return null;
        const value = (i: number): unknown => {
          const type = row[`t${i}`];
          if (type === "true") return true;
          if (type === "false") return false;
          if (type === "null" || type === null) return null;
          const v = row[`v${i}`];
          return typeof v === "string" ? decodeScalar(v) : v;
        };
        let id: unknown;
        if (key.kind === "constant") id = key.value;
        else if (key.kind === "path") id = value(0);
        else {
          const object: Doc = {};
          key.fields.forEach(([name], i) => {
            if (row[`t${i}`] !== null) object[name] = value(i);
          });
          id = object;
        }
        const group: Doc = { _id: id };
        accumulators.forEach((acc, i) => {
          group[acc.name] = acc.kind === "count" ? acc.by * Number(row.n) : Number(row[`s${i}`]);
        });
        out.push(group);
      }
      return out;
    },
  };
}
