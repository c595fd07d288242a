import { randomBytes } from "node:crypto";
import { type ApiKey, type ApiKeyKind, AppError, newId } from "@varai/schema";
import type { ApiKeyDoc } from "./collections.ts";
import { type AuthContext, nowIso } from "./context.ts";
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

/** Where a resolved key is cached (principal.ts); revoking deletes it. */
export const keyCacheKey = (hash: string) => `auth:key:${hash}`;

function publicKey(doc: ApiKeyDoc): ApiKey {
  const { hash: _hash, ...key } = doc;
  return key;
}

type KeyDeps = Pick<AuthContext, "collections" | "clock">;

/** `POST /v1/api-keys`: the key itself is in the answer once; only its hash is stored. */
export async function createApiKey(
  ctx: KeyDeps,
  input: { tenantId: string; kind: ApiKeyKind; allowedOrigins: string[]; createdBy: string },
): Promise<{ apiKey: ApiKey; key: string }> {
  if (input.kind === "secret" && input.allowedOrigins.length > 0) {
    throw new AppError("INVALID_INPUT", "Secret keys take no allowed origins: they are refused from browsers");
  }
  const { key, hash, prefix } = newApiKey(input.kind);
  const id = newId("apiKey");
  // Index first: a key the index does not know cannot authenticate, so a crash in between leaves no usable key.
  await ctx.collections.apiKeyIndex.insertOne({ id: hash, tenantId: input.tenantId, keyId: id, kind: input.kind });
  const doc = await ctx.collections.apiKeys.insertOne(input.tenantId, {
    id,
    kind: input.kind,
    prefix,
    allowedOrigins: input.allowedOrigins,
    createdBy: input.createdBy,
    revokedAt: null,
    createdAt: nowIso(ctx),
    hash,
  });
  return { apiKey: publicKey(doc), key };
}

export async function listApiKeys(ctx: Pick<AuthContext, "collections">, tenantId: string): Promise<ApiKey[]> {
  const docs = await ctx.collections.apiKeys.find(tenantId, {}, { sort: { createdAt: -1 }, limit: 500 });
  return docs.map(publicKey);
}

/** Revoked at once in this process; other processes stop accepting it within the lookup cache TTL. */
export async function revokeApiKey(
  ctx: KeyDeps & Pick<AuthContext, "cache">,
  tenantId: string,
  keyId: string,
): Promise<ApiKey> {
  const { apiKeys } = ctx.collections;
  const doc = await apiKeys.findById(tenantId, keyId);
  if (!doc) throw new AppError("NOT_FOUND", "API key not found");
  if (doc.revokedAt === null) {
    await apiKeys.updateOne(tenantId, { id: keyId }, { $set: { revokedAt: nowIso(ctx) } });
    await ctx.cache.delete(keyCacheKey(doc.hash));
  }
  return publicKey((await apiKeys.findById(tenantId, keyId)) as ApiKeyDoc);
}
