import { randomBytes } from "node:crypto";
import type { ApiKeyKind } from "@varai/schema";
import { sha256 } from "./tokens.ts";

/** `pk_<43 chars>` (publishable, storefronts) and `sk_<43 chars>` (secret, servers): 32 random bytes, base64url. */
const KEY_PATTERN = /^(pk|sk)_[A-Za-z0-9_-]{43}$/;
const PREFIX = { publishable: "pk", secret: "sk" } as const satisfies Record<ApiKeyKind, string>;

export function newApiKey(kind: ApiKeyKind): { key: string; hash: string; prefix: string } {
  const key = `${PREFIX[kind]}_${randomBytes(32).toString("base64url")}`;
  // 8 random characters identify a key to a person; 35 unseen characters still carry ~210 bits.
  return { key, hash: sha256(key), prefix: `${key.slice(0, 11)}…` };
}

/** The hash to look a presented key up by, or null when it cannot be one of ours. */
export function hashPresentedKey(value: string): { kind: ApiKeyKind; hash: string } | null {
  if (!KEY_PATTERN.test(value)) return null;
  return { kind: value.startsWith("pk_") ? "publishable" : "secret", hash: sha256(value) };
}

// The input schemas live in @varai/schema, so Studio validates its forms with the same ones.
export { type CreateApiKeyInput, CreateApiKeyInputSchema, OriginSchema } from "@varai/schema";

/** Whether a publishable key may be used from this request's `Origin` (exact match or an explicit `*`). */
export function originAllowed(allowedOrigins: readonly string[], origin: string | undefined): boolean {
  if (allowedOrigins.length === 1 && allowedOrigins[0] === "*") return true;
  return origin !== undefined && allowedOrigins.includes(origin);
}
