import { readFileSync } from "node:fs";
import type { Doc } from "./mql.ts";

/**
 * Reads a datafile of the NeDB store of earlier releases (one file per collection, `<name>.db`).
 * The format is newline-delimited JSON, appended to on every write: a later line for an `_id`
 * replaces the earlier ones, `{"$$deleted":true,"_id":...}` removes it, `{"$$indexCreated":...}`
 * lines declare indexes, and Dates are `{"$$date": <ms>}`. Our store added hidden
 * `__varai_unique_*` fields for its unique indexes. Returns the live documents in the public form
 * (`id`, no `_id`, no hidden fields): tenant documents carried their public id as `id` (older
 * ones only as `_id`), global ones only as `_id`.
 */
export function readNedbDatafile(file: string, scope: "tenant" | "global"): Doc[] {
  const byId = new Map<string, Doc>();
  const reviver = (key: string, value: unknown) => {
    if (key === "$$date") return new Date(value as number);
    if (value !== null && typeof value === "object" && (value as Doc).$$date instanceof Date)
      return (value as Doc).$$date;
    return value;
  };
  const lines = readFileSync(file, "utf8").split("\n");
  for (const [index, line] of lines.entries()) {
    if (line.trim().length === 0) continue;
    let entry: Doc;
    try {
      entry = JSON.parse(line, reviver) as Doc;
    } catch {
      // NeDB itself skips a torn last line (a crash mid-append); anything else is corruption.
      if (index >= lines.length - 2) continue;
      throw new Error(`${file}: line ${index + 1} is not JSON`);
    }
    if ("$$indexCreated" in entry || "$$indexRemoved" in entry) continue;
    const storedId = entry._id;
    if (typeof storedId !== "string") continue;
    if (entry.$$deleted === true) byId.delete(storedId);
    else byId.set(storedId, entry);
  }
  const docs: Doc[] = [];
  for (const [storedId, entry] of byId) {
    const out: Doc = { id: scope === "tenant" && typeof entry.id === "string" ? entry.id : storedId };
    for (const [key, value] of Object.entries(entry)) {
      if (key === "_id" || key === "id" || key.startsWith("__varai_unique_")) continue;
      out[key] = value;
    }
    docs.push(out);
  }
  return docs;
}
