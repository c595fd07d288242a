import { randomBytes } from "node:crypto";
import type { ApiKeyKind } from "@varai/schema";
import { z } from "zod";
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

/** An exact web origin: scheme, host and optional port, nothing else (what browsers send in `Origin`). */
export const OriginSchema = z
  .string()
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
    } catch {
      return false;
    }
  }, "must be an origin like https://shop.example.com (no path, no trailing slash)");

export const CreateApiKeyInputSchema = z
  .discriminatedUnion("kind", [
    z
      .object({
        kind: z.literal("publishable"),
        // `["*"]` is the explicit opt-in to any origin; an empty list is refused rather than read as "all".
        allowedOrigins: z.union([z.tuple([z.literal("*")]), z.array(OriginSchema).min(1).max(50)]),
        name: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal("secret"),
        // Secret keys are for servers and are refused from any browser origin.
        allowedOrigins: z.array(z.never()).max(0).default([]),
        name: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
  ])
  .describe("CreateApiKeyInput");
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInputSchema>;

/** Whether a publishable key may be used from this request's `Origin` (exact match or an explicit `*`). */
export function originAllowed(allowedOrigins: readonly string[], origin: string | undefined): boolean {
  if (allowedOrigins.length === 1 && allowedOrigins[0] === "*") return true;
  return origin !== undefined && allowedOrigins.includes(origin);
}
