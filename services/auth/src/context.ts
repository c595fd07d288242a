import { randomBytes } from "node:crypto";
import {
  type Cache,
  type Clock,
  createLoggingNotifier,
  createSecretBox,
  createShopperIdentity,
  type DocumentStore,
  type Logger,
  type PrivacyRegistry,
  type RateLimiter,
  type ShopperIdentity,
} from "@varai/runtime";
import { AppError, type Region } from "@varai/schema";
import { type AuditLog, createAuditLog } from "./audit.ts";
import { AUTH_COLLECTIONS, type AuditDoc, type AuthCollections, openAuthCollections } from "./collections.ts";
import { createLoginThrottle, type LoginThrottle } from "./login-throttle.ts";
import { createDecoyHash, SCRYPT_PARAMS, type ScryptParams } from "./passwords.ts";
import {
  createPrivacyExports,
  PRIVACY_EXPORTS,
  type PrivacyExportDoc,
  type PrivacyExports,
} from "./privacy-exports.ts";
import { DEFAULT_RATE_LIMITS, type RateLimitPolicies } from "./rate-limits.ts";
import { createSessionCheck, type SessionCheck } from "./session-check.ts";
import { createTokenIssuer, generateKeySecret, type TokenIssuer } from "./tokens.ts";
import type { AuthDeps, AuthServiceOptions } from "./types.ts";

/** What the use cases share; service.ts builds one per service instance. */
export interface AuthContext {
  store: DocumentStore;
  cache: Cache;
  rateLimiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  privacy: PrivacyRegistry;
  collections: AuthCollections;
  /** This deployment's region; null serves every region. */
  region: Region | null;
  /** How long a resolved API key or tenant is cached. */
  lookupCacheTtlMs: number;
  policies: RateLimitPolicies;
  loginThrottle: LoginThrottle;
  tokens: TokenIssuer;
  sessionCheck: SessionCheck;
  scrypt: ScryptParams;
  /** A hash to verify unknown emails against, so they cost the same scrypt time as a wrong password. */
  decoyHash: () => Promise<string>;
  auditLog: AuditLog;
  shoppers: ShopperIdentity;
  privacyExports: PrivacyExports;
  /** The HMAC key of the audit log's shopper digests. */
  digestKey: Uint8Array;
}

/** Now as stored in documents. */
export const nowIso = (ctx: Pick<AuthContext, "clock">) => ctx.clock().toISOString();

/**
 * Builds the context from the deps and options: collections, audit log, shopper identity, stored
 * exports (both registered as privacy participants), token issuer, session check, password cost.
 */
export function createAuthContext(deps: AuthDeps, options: AuthServiceOptions): AuthContext {
  const { store, cache, rateLimiter, clock } = deps;
  const logger = deps.logger.child({ service: "auth" });
  const policies: RateLimitPolicies = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const collections = openAuthCollections(store);
  const auditLog = createAuditLog({
    collection: store.tenantCollection<AuditDoc>(AUTH_COLLECTIONS.audit),
    clock,
    logger,
  });
  const shoppers = options.shoppers ?? createShopperIdentity({ hashKey: randomBytes(32), store, clock });
  const privacyExports = createPrivacyExports({
    collection: store.tenantCollection<PrivacyExportDoc>(PRIVACY_EXPORTS),
    box:
      options.secretBox ??
      createSecretBox({ keys: { ephemeral: randomBytes(32).toString("base64") }, current: "ephemeral" }),
    shoppers,
    notifier: options.notifier ?? createLoggingNotifier(logger),
    clock,
    ...(options.privacyExportTtlMs !== undefined ? { ttlMs: options.privacyExportTtlMs } : {}),
  });
  // Shopper links and stored exports are shopper data like any other: exported and erased with it.
  deps.privacy.register(shoppers.participant);
  deps.privacy.register(privacyExports.participant);

  let keySet = options.jwtKeys;
  if (!keySet) {
    logger.warn({}, "no JWT keys configured: using a random per-process key (sessions end on restart)");
    keySet = { keys: { ephemeral: generateKeySecret() }, current: "ephemeral" };
  }
  const scrypt = options.passwordHashing ?? SCRYPT_PARAMS;
  const digestKey = options.subjectDigestKey ?? randomBytes(32);
  const ctx: AuthContext = {
    store,
    cache,
    rateLimiter,
    clock,
    logger,
    privacy: deps.privacy,
    collections,
    policies,
    region: options.region ?? null,
    lookupCacheTtlMs: options.lookupCacheTtlMs ?? 30_000,
    loginThrottle: createLoginThrottle(rateLimiter, policies),
    tokens: createTokenIssuer({
      keySet,
      issuer: options.issuer ?? "varai",
      audience: options.audience ?? "varai-api",
      clock,
      ...(options.accessTokenTtlS !== undefined ? { ttlS: options.accessTokenTtlS } : {}),
    }),
    sessionCheck: createSessionCheck({
      users: collections.users,
      refreshTokens: collections.refreshTokens,
      cache,
      clock,
      ...(options.sessionCheckTtlMs !== undefined ? { ttlMs: options.sessionCheckTtlMs } : {}),
    }),
    scrypt,
    decoyHash: createDecoyHash(scrypt),
    auditLog,
    shoppers,
    privacyExports,
    digestKey,
  };
  if (digestKey.length < 32) throw new AppError("INVALID_CONFIG", "subjectDigestKey needs at least 32 bytes");
  return ctx;
}
