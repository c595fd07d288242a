import { z } from "zod";

/**
 * Our own ids are prefixed random strings (`prd_…`, `ten_…`), readable in logs and
 * impossible to confuse across collections. Platform ids are always strings: Shopify's
 * 64-bit ids do not survive a JS number.
 */
export const ID_PREFIXES = {
  tenant: "ten",
  user: "usr",
  apiKey: "key",
  connection: "con",
  product: "prd",
  syncRun: "run",
  faceAnalysis: "fa",
  recommendation: "rec",
  event: "evt",
  audit: "aud",
  asset: "ast",
  blob: "blb",
  model: "mdl",
  privacyExport: "pex",
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** 16 random base36 chars (~82 bits) after the prefix; crypto.getRandomValues works in Node and browsers. */
export function newId(kind: IdKind): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let out = "";
  for (const b of bytes) out += ALPHABET[b % 36];
  return `${ID_PREFIXES[kind]}_${out}`;
}

export const IdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.:-]+$/, "invalid id");
export const TenantIdSchema = z.string().regex(/^ten_[a-z0-9]{4,40}$/, "invalid tenant id");
export type TenantId = z.infer<typeof TenantIdSchema>;

/** Platform ids: strings of digits or opaque strings, never numbers. */
export const ExternalIdSchema = z.string().min(1).max(256);
