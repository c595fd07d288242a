import { AppError } from "@varai/schema";
import { type Doc, isPlainObject } from "./mql.ts";

/**
 * Documents are stored as JSON text. JSON has no Date, so a Date is stored as a tagged string,
 * "\u0001d:" + its ISO form: it stays a plain SQL text value, so SQLite can index, compare and
 * sort it (ISO strings sort in time order), and its tag keeps it apart from an ordinary string
 * with the same characters. A string that itself starts with \u0000 or \u0001 is stored as
 * "\u0001s:" + the string, so no stored string is mistaken for a tag.
 */
export const DATE_TAG = "\u0001d:";
/** Just above every tagged Date (the upper bound of a Date range). */
export const DATE_TAG_END = "\u0001e";
const STRING_TAG = "\u0001s:";

/** The SQL text value of a scalar as stored (Dates and tag-like strings tagged). */
export function encodeScalar(value: string | Date): string {
  if (value instanceof Date) return DATE_TAG + value.toISOString();
  return value.charCodeAt(0) <= 1 ? STRING_TAG + value : value;
}

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // `this[key]` is the value before Date#toJSON ran.
  const raw = this[key];
  if (raw instanceof Date) return DATE_TAG + raw.toISOString();
  if (typeof value === "string" && value.charCodeAt(0) <= 1) return STRING_TAG + value;
  return value;
}

/** JSON text of a document; `undefined` fields are dropped (null in arrays), as the MongoDB driver does. */
export function encodeDoc(doc: Doc): string {
  try {
    return JSON.stringify(doc, replacer);
  } catch (error) {
    // An invalid Date (toISOString throws) or a cycle.
    throw new AppError("INVALID_INPUT", "The document cannot be stored", { cause: error });
  }
}

/** A stored SQL text value (as `json_extract` returns it) back to the string or Date it was. */
export function decodeScalar(text: string): string | Date {
  if (text.startsWith(DATE_TAG)) return new Date(text.slice(DATE_TAG.length));
  if (text.startsWith(STRING_TAG)) return text.slice(STRING_TAG.length);
  return text;
}

function revive(value: unknown): unknown {
  if (typeof value === "string") return decodeScalar(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  if (isPlainObject(value)) for (const key of Object.keys(value)) value[key] = revive(value[key]);
  return value;
}

export function decodeDoc(text: string): Doc {
  const doc = JSON.parse(text) as Doc;
  // JSON.stringify writes the tag's control character as the escape \u0001: without one there is nothing to revive.
  return text.includes("\\u0001") ? (revive(doc) as Doc) : doc;
}
