import { createHash, randomBytes, randomUUID } from "node:crypto";
import { AppError, IdSchema, type Role, RoleSchema, TenantIdSchema } from "@varai/schema";
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";

/**
 * Access tokens are short-lived; the refresh token (opaque, rotated) carries the session.
 * The lifetime is also the longest one accepted: a token whose `exp - iat` is longer was not
 * issued under this configuration.
 */
export const ACCESS_TOKEN_TTL_S = 15 * 60;
/** How far the clock of whoever signed a token may be ahead of or behind ours. */
export const CLOCK_SKEW_S = 5;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

// One fixed algorithm: the verifier never lets the token header choose (no "none", no RS/HS confusion).
const ALGORITHM = "HS256";

export interface JwtKeySet {
  /** kid -> secret of at least 32 bytes (raw bytes, or a base64 string). */
  keys: Readonly<Record<string, string | Uint8Array>>;
  /** The kid new tokens are signed with; the others still verify until removed (rotation). */
  current: string;
}

export interface AccessClaims {
  userId: string;
  tenantId: string;
  role: Role;
  email: string;
  /** The refresh token family the token was issued from: logout and reuse detection end it. */
  sessionId: string;
}

export interface TokenIssuer {
  sign(claims: AccessClaims): Promise<{ token: string; expiresIn: number }>;
  /** Throws AppError UNAUTHENTICATED for any token that is not one of ours, valid now. */
  verify(token: string): Promise<AccessClaims>;
}

/** The claims we put in a token (jose has checked `iss`, `aud`, `exp` and the signature before). */
function claimsSchema(ttlS: number) {
  return z
    .object({
      sub: IdSchema,
      tid: TenantIdSchema,
      role: RoleSchema,
      email: z.string().max(320),
      sid: IdSchema,
      iat: z.number().int(),
      exp: z.number().int(),
    })
    .refine((claims) => claims.exp - claims.iat <= ttlS, "lifetime over the maximum");
}

export function createTokenIssuer(options: {
  keySet: JwtKeySet;
  issuer: string;
  audience: string;
  clock: () => Date;
  /** Lifetime of the tokens signed, and the longest accepted. Default ACCESS_TOKEN_TTL_S. */
  ttlS?: number;
}): TokenIssuer {
  const ttlS = options.ttlS ?? ACCESS_TOKEN_TTL_S;
  if (!Number.isInteger(ttlS) || ttlS <= 0) {
    throw new AppError("INVALID_CONFIG", "The access token lifetime must be a whole number of seconds above 0");
  }
  const ClaimsSchema = claimsSchema(ttlS);
  const keys = new Map<string, Uint8Array>();
  for (const [kid, secret] of Object.entries(options.keySet.keys)) {
    const bytes = typeof secret === "string" ? Buffer.from(secret, "base64") : secret;
    if (bytes.length < 32) throw new AppError("INVALID_CONFIG", `JWT key ${kid} must be at least 32 bytes`);
    keys.set(kid, new Uint8Array(bytes));
  }
  const currentKey = keys.get(options.keySet.current);
  if (!currentKey) throw new AppError("INVALID_CONFIG", `JWT key "${options.keySet.current}" is not among the keys`);
  const now = () => Math.floor(options.clock().getTime() / 1000);

  return {
    async sign(claims) {
      const iat = now();
      const token = await new SignJWT({
        tid: claims.tenantId,
        role: claims.role,
        email: claims.email,
        sid: claims.sessionId,
      })
        .setProtectedHeader({ alg: ALGORITHM, kid: options.keySet.current, typ: "JWT" })
        .setSubject(claims.userId)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlS)
        .setJti(randomUUID())
        .sign(currentKey);
      return { token, expiresIn: ttlS };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(
          token,
          (header) => {
            const key = header.kid ? keys.get(header.kid) : undefined;
            if (!key) throw new Error("unknown kid");
            return key;
          },
          {
            algorithms: [ALGORITHM],
            issuer: options.issuer,
            audience: options.audience,
            requiredClaims: ["sub", "exp", "iat", "tid", "role", "sid"],
            currentDate: options.clock(),
            clockTolerance: CLOCK_SKEW_S,
            // Also refuses an `iat` in the future beyond the skew.
            maxTokenAge: ttlS,
          },
        );
        const claims = ClaimsSchema.parse(payload);
        return {
          userId: claims.sub,
          tenantId: claims.tid,
          role: claims.role,
          email: claims.email,
          sessionId: claims.sid,
        };
      } catch (cause) {
        // One answer for every failure: which check failed helps an attacker more than a user.
        throw new AppError("UNAUTHENTICATED", "Invalid or expired access token", { cause });
      }
    },
  };
}

/** A random 32-byte secret, base64: the default-install JWT key when none is configured. */
export function generateKeySecret(): string {
  return randomBytes(32).toString("base64");
}

export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * Refresh tokens are opaque: `rt_<tenantId>.<32 random bytes, base64url>`. The tenant id in
 * clear lets the lookup stay tenant-scoped; only the SHA-256 of the whole token is stored.
 */
const REFRESH_TOKEN = /^rt_(ten_[a-z0-9]{4,40})\.[A-Za-z0-9_-]{43}$/;

export function newRefreshToken(tenantId: string): string {
  return `rt_${tenantId}.${randomBytes(32).toString("base64url")}`;
}

export function parseRefreshToken(token: string): { tenantId: string; hash: string } | null {
  const match = REFRESH_TOKEN.exec(token);
  return match?.[1] ? { tenantId: match[1], hash: sha256(token) } : null;
}
