import { AppError } from "@varai/schema";
import { errors, jwtVerify } from "jose";
import { normalizeShop } from "./config.ts";

/** What a verified App Bridge session token (id token) tells us. */
export interface VerifiedSessionToken {
  /** The shop's permanent domain, from `dest`. */
  shop: string;
  /** The Shopify staff user (`sub`), when present. */
  userId: string | null;
  /** Session id per user and app (`sid`). */
  sid: string | null;
  /** The raw token: the token exchange's subject token. */
  token: string;
}

/** Seconds of clock skew accepted on `exp` / `nbf` (Shopify's own library uses 10). */
export const SESSION_TOKEN_LEEWAY_SECONDS = 10;

/**
 * Verifies an App Bridge session token: HS256 only (so `alg: none` and RS* are refused), signed
 * with the app secret, `aud` = the API key, within 10 s of `exp`/`nbf`, `dest` a
 * `*.myshopify.com` origin and `iss` that shop's admin. Throws AppError UNAUTHENTICATED; the
 * reason goes to the detail, never the token.
 */
export async function verifySessionToken(
  token: string,
  options: { apiKey: string; apiSecret: string; now?: Date },
): Promise<VerifiedSessionToken> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(options.apiSecret), {
      algorithms: ["HS256"],
      audience: options.apiKey,
      clockTolerance: SESSION_TOKEN_LEEWAY_SECONDS,
      requiredClaims: ["exp", "nbf", "dest"],
      ...(options.now ? { currentDate: options.now } : {}),
    }));
  } catch (error) {
    throw new AppError("UNAUTHENTICATED", `Invalid session token: ${reasonOf(error)}`);
  }
  const shop = shopOfDest(payload.dest);
  if (!shop) throw new AppError("UNAUTHENTICATED", "Invalid session token: dest is not a shop");
  if (typeof payload.iss === "string" && payload.iss !== `https://${shop}/admin`) {
    throw new AppError("UNAUTHENTICATED", "Invalid session token: iss does not match dest");
  }
  return {
    shop,
    userId: typeof payload.sub === "string" ? payload.sub : null,
    sid: typeof payload.sid === "string" ? payload.sid : null,
    token,
  };
}

function shopOfDest(dest: unknown): string | null {
  if (typeof dest !== "string" || !URL.canParse(dest)) return null;
  const url = new URL(dest);
  if (url.protocol !== "https:" || url.pathname !== "/" || url.port) return null;
  return normalizeShop(url.hostname);
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} ${error.reason}`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature mismatch";
  return "malformed";
}
