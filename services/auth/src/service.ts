import { randomBytes, randomUUID } from "node:crypto";
import {
  COLLECTIONS,
  createLoggingNotifier,
  createSecretBox,
  createShopperIdentity,
  type Notifier,
  type PrivacySubject,
  type RuntimeDeps,
  type SecretBox,
  type ServiceModule,
  type ShopperIdentity,
  setPrincipal,
} from "@varai/runtime";
import {
  type ApiKey,
  type ApiKeyKind,
  AppError,
  type AuditEntry,
  newId,
  type Principal,
  type Region,
  type Role,
  type Tenant,
  TenantIdSchema,
  type User,
} from "@varai/schema";
import type { Request, RequestHandler, Response } from "express";
import { hashPresentedKey, newApiKey, originAllowed } from "./api-keys.ts";
import { type AuditLog, createAuditLog, REMOVED_DIGEST, subjectDigest, UNKEYED_DIGEST } from "./audit.ts";
import {
  type ApiKeyDoc,
  type ApiKeyIndexDoc,
  AUTH_COLLECTIONS,
  type AuditDoc,
  type IdentityDoc,
  PLATFORM_TENANT_ID,
  type RefreshTokenDoc,
  type UserDoc,
} from "./collections.ts";
import { createLoginThrottle } from "./login-throttle.ts";
import {
  createDecoyHash,
  generatePassword,
  hashPassword,
  needsRehash,
  SCRYPT_PARAMS,
  type ScryptParams,
  verifyPassword,
} from "./passwords.ts";
import type { PrivacyExport, PrivacyRedaction } from "./privacy.ts";
import { expandSubject, walkParticipants } from "./privacy.ts";
import {
  createPrivacyExports,
  PRIVACY_EXPORTS,
  type PrivacyExportDoc,
  type PrivacyExportSummary,
} from "./privacy-exports.ts";
import { createRateLimitMiddleware, DEFAULT_RATE_LIMITS, enforce, type RateLimitPolicies } from "./rate-limits.ts";
import { authOpenApi, createAuthRouter } from "./routes.ts";
import { createSessionCheck } from "./session-check.ts";
import {
  createTokenIssuer,
  generateKeySecret,
  type JwtKeySet,
  newRefreshToken,
  parseRefreshToken,
  REFRESH_TOKEN_TTL_MS,
  sha256,
} from "./tokens.ts";

export type AuthDeps = Pick<RuntimeDeps, "store" | "cache" | "rateLimiter" | "logger" | "clock" | "privacy">;

export interface AuthServiceOptions {
  /** JWT signing keys by kid (`parseEncryptionKeys` reads the same `kid:base64,…` format). Default: one random key per process, so tokens die with it. */
  jwtKeys?: JwtKeySet;
  /** Default `varai`. */
  issuer?: string;
  /** Default `varai-api`. */
  audience?: string;
  /** This deployment's region; tenants of another region are refused. null = serve every region (default install). */
  region?: Region | null;
  /** Platform admin created by `bootstrap()`. Default `admin@varai.local`. */
  adminEmail?: string;
  /** When absent, `bootstrap()` generates one and returns it once. */
  adminPassword?: string;
  rateLimits?: Partial<RateLimitPolicies>;
  /**
   * scrypt cost. Default (and the production floor) N = 2^15, r = 8, p = 1. Tests lower N to
   * stay fast on small machines; hashes record their parameters, so they still verify.
   */
  passwordHashing?: ScryptParams;
  /** How long a resolved API key or tenant is cached. Default 30 s (a revoked key dies within this on other processes). */
  lookupCacheTtlMs?: number;
  /**
   * How long a checked session (refresh family live, user active, current role) is trusted.
   * Default `SESSION_CHECK_TTL_MS` (5 s), at most 60 s: the bound on how long an access token
   * keeps working after logout, revocation, or its user's removal, and on a role change.
   */
  sessionCheckTtlMs?: number;
  /** Access token lifetime in seconds, also the longest `exp - iat` accepted. Default `ACCESS_TOKEN_TTL_S` (15 min). */
  accessTokenTtlS?: number;
  /**
   * The server secret (at least 32 bytes) of the audit log's shopper digests (HMAC). Default: a
   * random per-process key, so digests match only within one run. The gateway derives it from
   * the encryption keys.
   */
  subjectDigestKey?: Uint8Array;
  /**
   * How shoppers are known (shopper-identity.ts), shared with the services that store shopper
   * ids. Default: one with a random per-process key (links die with the process).
   */
  shoppers?: ShopperIdentity;
  /** Seals stored privacy exports (the configured encryption keys). Default: a random per-process key. */
  secretBox?: SecretBox;
  /** Tells the merchant a platform-requested export is ready. Default: logs. */
  notifier?: Notifier;
  /** How long a platform-requested export is kept for download. Default 30 days. */
  privacyExportTtlMs?: number;
}

export interface Session {
  tokenType: "Bearer";
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  user: User;
}

export interface AuditActor {
  actor: AuditEntry["actor"];
  requestId?: string;
}

export interface AuthService extends ServiceModule {
  /** Resolves `Authorization: Bearer <jwt>` or `X-VARAi-Key` to `res.locals.principal`. */
  authenticate: RequestHandler;
  /** Per-IP and per-key/user budgets with `RateLimit-*` headers; mount after `authenticate`. */
  rateLimit: RequestHandler;
  /** Records mutating calls of users and secret keys after the response; mount after `authenticate`. */
  auditTrail: RequestHandler;
  audit: Pick<AuditLog, "record" | "list">;
  bootstrap(): Promise<{ adminEmail: string; generatedPassword: string | null }>;
  login(input: { email: string; password: string; ip: string }): Promise<Session>;
  refresh(refreshToken: string): Promise<Session>;
  logout(refreshToken: string): Promise<void>;
  provisionTenant(input: { name: string; region: Region; id?: string }): Promise<Tenant>;
  /** The tenant, or NOT_FOUND; FORBIDDEN when it lives in another region than this deployment. */
  getTenant(tenantId: string): Promise<Tenant>;
  createUser(input: {
    tenantId: string;
    email: string;
    role: Role;
    password?: string;
  }): Promise<{ user: User; generatedPassword: string | null }>;
  /** The tenant's users, oldest first (never a password hash). */
  listUsers(tenantId: string): Promise<User[]>;
  /**
   * Gives a user another tenant role; NOT_FOUND for a user of another tenant, CONFLICT for the
   * caller's own account (so an admin cannot lock the tenant out by demoting themself). Takes
   * effect within the session check's TTL, with no new sign-in.
   */
  changeUserRole(input: { tenantId: string; userId: string; role: Role; changedBy: string }): Promise<User>;
  createApiKey(input: {
    tenantId: string;
    kind: ApiKeyKind;
    allowedOrigins: string[];
    createdBy: string;
  }): Promise<{ apiKey: ApiKey; key: string }>;
  listApiKeys(tenantId: string): Promise<ApiKey[]>;
  revokeApiKey(tenantId: string, keyId: string): Promise<ApiKey>;
  exportShopper(subject: PrivacySubject, by: AuditActor): Promise<PrivacyExport>;
  redactShopper(subject: PrivacySubject, by: AuditActor): Promise<PrivacyRedaction>;
  /**
   * A platform's data request (Shopify `customers/data_request`): the export is stored sealed
   * for the merchant to download, the merchant is notified, and both steps are audited.
   */
  storePlatformExport(
    subject: PrivacySubject,
    by: AuditActor,
    source: Record<string, string>,
  ): Promise<PrivacyExportSummary>;
  listPrivacyExports(tenantId: string): Promise<PrivacyExportSummary[]>;
  getPrivacyExport(tenantId: string, id: string): Promise<PrivacyExportSummary>;
  downloadPrivacyExport(tenantId: string, id: string, by: AuditActor): Promise<PrivacyExport>;
}

type CachedKey =
  | { missing: true }
  | { missing: false; tenantId: string; keyId: string; kind: ApiKeyKind; allowedOrigins: string[]; revoked: boolean };
type CachedTenant = { missing: true } | { missing: false; tenant: Tenant };

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function publicUser(doc: UserDoc): User {
  const { passwordHash: _hash, ...user } = doc;
  return user;
}

function publicKey(doc: ApiKeyDoc): ApiKey {
  const { hash: _hash, ...key } = doc;
  return key;
}

export function createAuthService(deps: AuthDeps, options: AuthServiceOptions = {}): AuthService {
  const { store, cache, rateLimiter, clock } = deps;
  const logger = deps.logger.child({ service: "auth" });
  const region = options.region ?? null;
  const cacheTtl = options.lookupCacheTtlMs ?? 30_000;
  const policies: RateLimitPolicies = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const loginThrottle = createLoginThrottle(rateLimiter, policies);

  const tenants = store.globalCollection<Tenant>(COLLECTIONS.tenants);
  const users = store.tenantCollection<UserDoc>(AUTH_COLLECTIONS.users);
  const identities = store.globalCollection<IdentityDoc>(AUTH_COLLECTIONS.identities);
  const refreshTokens = store.tenantCollection<RefreshTokenDoc>(AUTH_COLLECTIONS.refreshTokens);
  const apiKeys = store.tenantCollection<ApiKeyDoc>(AUTH_COLLECTIONS.apiKeys);
  const apiKeyIndex = store.globalCollection<ApiKeyIndexDoc>(AUTH_COLLECTIONS.apiKeyIndex);
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
  const tokens = createTokenIssuer({
    keySet,
    issuer: options.issuer ?? "varai",
    audience: options.audience ?? "varai-api",
    clock,
    ...(options.accessTokenTtlS !== undefined ? { ttlS: options.accessTokenTtlS } : {}),
  });
  const sessions = createSessionCheck({
    users,
    refreshTokens,
    cache,
    clock,
    ...(options.sessionCheckTtlMs !== undefined ? { ttlMs: options.sessionCheckTtlMs } : {}),
  });
  const scrypt = options.passwordHashing ?? SCRYPT_PARAMS;
  const decoyHash = createDecoyHash(scrypt);
  const now = () => clock().toISOString();
  const digestKey = options.subjectDigestKey ?? randomBytes(32);
  if (digestKey.length < 32) throw new AppError("INVALID_CONFIG", "subjectDigestKey needs at least 32 bytes");

  const tenantCacheKey = (id: string) => `auth:tenant:${id}`;
  const keyCacheKey = (hash: string) => `auth:key:${hash}`;

  async function findTenant(tenantId: string): Promise<Tenant | null> {
    if (!TenantIdSchema.safeParse(tenantId).success) return null;
    const cached = await cache.get<CachedTenant>(tenantCacheKey(tenantId));
    if (cached) return cached.missing ? null : cached.tenant;
    const tenant = await tenants.findById(tenantId);
    await cache.set(tenantCacheKey(tenantId), tenant ? { missing: false, tenant } : { missing: true }, cacheTtl);
    return tenant;
  }

  function assertRegion(tenant: Tenant): void {
    if (region !== null && tenant.region !== region) {
      throw new AppError("FORBIDDEN", `tenant lives in region ${tenant.region}`, {
        details: { tenantRegion: tenant.region, deploymentRegion: region },
      });
    }
  }

  async function getTenant(tenantId: string): Promise<Tenant> {
    const tenant = await findTenant(tenantId);
    if (!tenant) throw new AppError("NOT_FOUND", "Tenant not found");
    assertRegion(tenant);
    return tenant;
  }

  /** The checks every tenant principal passes on every call: the tenant exists, is active and is served here. */
  async function admitTenant(tenantId: string): Promise<void> {
    if (tenantId === PLATFORM_TENANT_ID) return;
    const tenant = await findTenant(tenantId);
    if (!tenant) throw new AppError("UNAUTHENTICATED", "Credentials of an unknown tenant");
    assertRegion(tenant);
    if (tenant.status !== "active") throw new AppError("FORBIDDEN", "Tenant is suspended");
  }

  async function resolveKey(presented: string, origin: string | undefined): Promise<Principal> {
    const parsed = hashPresentedKey(presented);
    if (!parsed) throw new AppError("UNAUTHENTICATED", "Invalid API key");
    let entry = await cache.get<CachedKey>(keyCacheKey(parsed.hash));
    if (!entry) {
      const index = await apiKeyIndex.findById(parsed.hash);
      const doc = index ? await apiKeys.findById(index.tenantId, index.keyId) : null;
      entry = doc
        ? {
            missing: false,
            tenantId: doc.tenantId,
            keyId: doc.id,
            kind: doc.kind,
            allowedOrigins: doc.allowedOrigins,
            revoked: doc.revokedAt !== null,
          }
        : { missing: true };
      await cache.set(keyCacheKey(parsed.hash), entry, cacheTtl);
    }
    if (entry.missing || entry.revoked) throw new AppError("UNAUTHENTICATED", "Invalid API key");
    if (entry.kind === "secret") {
      // A browser always sends Origin on cross-origin calls: a secret key there has leaked into a page.
      if (origin !== undefined) throw new AppError("FORBIDDEN", "Secret keys are for servers, not browsers");
      return { kind: "secret-key", tenantId: entry.tenantId, keyId: entry.keyId };
    }
    if (!originAllowed(entry.allowedOrigins, origin)) {
      throw new AppError("FORBIDDEN", "This key is not allowed from this origin");
    }
    return { kind: "storefront", tenantId: entry.tenantId, keyId: entry.keyId, origin: origin ?? null };
  }

  const authenticate: RequestHandler = async (req, res, next) => {
    try {
      await resolvePrincipal(req, res);
    } catch (error) {
      // Each refused credential spends the caller's failure budget; once spent, the answer is
      // 429 whatever is presented, so keys and tokens cannot be guessed at request rate.
      if (error instanceof AppError && error.code === "UNAUTHENTICATED") {
        await enforce(rateLimiter, res, [[policies.authFailureIp, req.ip ?? "unknown"]]);
      }
      throw error;
    }
    next();
  };

  /**
   * `navigator.sendBeacon` (events flushed on page hide) cannot set headers, so `POST /v1/events`
   * alone also takes the publishable key as `?key=`.
   */
  function beaconKey(req: Request): string | undefined {
    if (req.method !== "POST" || req.path !== "/v1/events") return undefined;
    const key = req.query.key;
    return typeof key === "string" ? key : undefined;
  }

  async function resolvePrincipal(req: Request, res: Response): Promise<void> {
    const authorization = req.header("authorization");
    const key = req.header("x-varai-key") ?? beaconKey(req);
    let principal: Principal;
    if (authorization !== undefined) {
      const match = BEARER.exec(authorization);
      if (!match?.[1]) throw new AppError("UNAUTHENTICATED", "Authorization must be Bearer <access token>");
      const user = await sessions.principal(await tokens.verify(match[1]));
      principal = user;
      // A platform admin acting on a tenant is held to that tenant's region too.
      const acting = user.role === "platform_admin" ? req.header("x-varai-tenant") : undefined;
      if (acting) {
        const tenant = await findTenant(acting);
        if (tenant) assertRegion(tenant);
      }
    } else if (key !== undefined) {
      principal = await resolveKey(key, req.header("origin"));
      // A key in a URL ends up in access logs: only the public kind may travel there.
      if (req.header("x-varai-key") === undefined && principal.kind !== "storefront") {
        throw new AppError("FORBIDDEN", "Only publishable keys may be sent as ?key=");
      }
    } else {
      return;
    }
    await admitTenant(principal.tenantId);
    // Only platform admins may name a tenant. Anyone else naming a foreign one gets the same
    // 404 as a foreign id in a path, on every route, rather than silently acting on their own.
    const named = req.header("x-varai-tenant");
    const isPlatformAdmin = principal.kind === "user" && principal.role === "platform_admin";
    if (named !== undefined && !isPlatformAdmin && named !== principal.tenantId) {
      throw new AppError("NOT_FOUND", "Tenant not found");
    }
    setPrincipal(res, principal);
  }

  async function issueSession(user: UserDoc, familyId: string): Promise<Session> {
    const access = await tokens.sign({
      userId: user.id,
      tenantId: user.tenantId,
      role: user.role,
      email: user.email,
      sessionId: familyId,
    });
    const refreshToken = newRefreshToken(user.tenantId);
    await refreshTokens.insertOne(user.tenantId, {
      id: sha256(refreshToken),
      userId: user.id,
      familyId,
      status: "active",
      createdAt: now(),
      expiresAt: new Date(clock().getTime() + REFRESH_TOKEN_TTL_MS),
    });
    return {
      tokenType: "Bearer",
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken,
      user: publicUser(user),
    };
  }

  async function revokeFamily(tenantId: string, familyId: string): Promise<void> {
    await refreshTokens.updateMany(tenantId, { familyId }, { $set: { status: "revoked" } });
    await sessions.forget(tenantId, familyId);
  }

  const unauthenticatedLogin = () => new AppError("UNAUTHENTICATED", "Invalid email or password");

  async function createUser(input: {
    tenantId: string;
    email: string;
    role: Role;
    password?: string;
  }): Promise<{ user: User; generatedPassword: string | null }> {
    const email = normaliseEmail(input.email);
    const generatedPassword = input.password === undefined ? generatePassword() : null;
    const passwordHash = await hashPassword(input.password ?? (generatedPassword as string), scrypt);
    const id = newId("user");
    // The identity insert is the uniqueness check (its id is the email): it goes first, so a
    // clash leaves nothing behind, and a failed user insert takes it back out.
    await identities.insertOne({ id: email, tenantId: input.tenantId, userId: id });
    const at = now();
    try {
      const doc = await users.insertOne(input.tenantId, {
        id,
        email,
        role: input.role,
        status: "active",
        passwordHash,
        createdAt: at,
        updatedAt: at,
      });
      return { user: publicUser(doc), generatedPassword };
    } catch (error) {
      await identities.deleteOne({ id: email });
      throw error;
    }
  }

  async function createApiKey(input: {
    tenantId: string;
    kind: ApiKeyKind;
    allowedOrigins: string[];
    createdBy: string;
  }): Promise<{ apiKey: ApiKey; key: string }> {
    if (input.kind === "secret" && input.allowedOrigins.length > 0) {
      throw new AppError("INVALID_INPUT", "Secret keys take no allowed origins: they are refused from browsers");
    }
    const { key, hash, prefix } = newApiKey(input.kind);
    const id = newId("apiKey");
    // Index first: a key the index does not know cannot authenticate, so a crash in between leaves no usable key.
    await apiKeyIndex.insertOne({ id: hash, tenantId: input.tenantId, keyId: id, kind: input.kind });
    const doc = await apiKeys.insertOne(input.tenantId, {
      id,
      kind: input.kind,
      prefix,
      allowedOrigins: input.allowedOrigins,
      createdBy: input.createdBy,
      revokedAt: null,
      createdAt: now(),
      hash,
    });
    return { apiKey: publicKey(doc), key };
  }

  /**
   * Audit entries written before the digests were keyed hold a plain SHA-256 of tenant and
   * shopper id, which anyone can recompute: their target id is replaced (once; cheap after).
   */
  async function removeUnkeyedDigests(): Promise<void> {
    const migrations = store.globalCollection<{ id: string; at: string }>(AUTH_COLLECTIONS.migrations);
    if (await migrations.findById("audit-keyed-digests")) return;
    const audit = store.tenantCollection<AuditDoc>(AUTH_COLLECTIONS.audit);
    let changed = 0;
    for (const { id } of await tenants.find({}, { projection: { id: 1 } })) {
      changed += (
        await audit.updateMany(
          id,
          { "target.type": "shopper", "target.id": { $regex: UNKEYED_DIGEST.source } },
          { $set: { "target.id": REMOVED_DIGEST } },
        )
      ).modified;
    }
    if (changed > 0) {
      await store.checkpoint();
      logger.info({ entries: changed }, "removed unkeyed shopper digests from the audit log");
    }
    // Entries written from now on are keyed: the scan runs once per store.
    await migrations.updateOne({ id: "audit-keyed-digests" }, { $set: { at: now() } }, { upsert: true });
  }

  async function privacyAudit(subject: PrivacySubject, action: string, by: AuditActor, ok: boolean) {
    const target =
      subject.kind === "tenant"
        ? { type: "tenant", id: subject.tenantId }
        : { type: "shopper", id: subjectDigest(digestKey, subject.tenantId, subject.shopperId ?? subject.email ?? "") };
    await auditLog.record({
      tenantId: subject.tenantId,
      actor: by.actor,
      action,
      target,
      outcome: ok ? "success" : "failure",
      ...(by.requestId ? { requestId: by.requestId } : {}),
    });
  }

  async function withPrivacyAudit<T>(subject: PrivacySubject, action: string, by: AuditActor, run: () => Promise<T>) {
    try {
      const result = await run();
      await privacyAudit(subject, action, by, true);
      return result;
    } catch (error) {
      await privacyAudit(subject, action, by, false);
      throw error;
    }
  }

  const service: AuthService = {
    name: "auth",
    router: undefined as never,
    authenticate,
    rateLimit: createRateLimitMiddleware(rateLimiter, policies),
    auditTrail: auditLog.middleware,
    audit: { record: auditLog.record, list: auditLog.list },

    async bootstrap() {
      await removeUnkeyedDigests();
      const adminEmail = normaliseEmail(options.adminEmail ?? "admin@varai.local");
      if (await identities.findById(adminEmail)) return { adminEmail, generatedPassword: null };
      try {
        const { generatedPassword } = await createUser({
          tenantId: PLATFORM_TENANT_ID,
          email: adminEmail,
          role: "platform_admin",
          ...(options.adminPassword ? { password: options.adminPassword } : {}),
        });
        logger.info({ tenantId: PLATFORM_TENANT_ID }, "platform admin created");
        return { adminEmail, generatedPassword };
      } catch (error) {
        // Another process bootstrapped first.
        if (error instanceof AppError && error.code === "CONFLICT") return { adminEmail, generatedPassword: null };
        throw error;
      }
    },

    async login({ email: rawEmail, password, ip }) {
      const email = normaliseEmail(rawEmail);
      // Throttled before any password work, so a flood costs no scrypt time.
      const attempt = await loginThrottle.admit(email, ip);
      const identity = await identities.findById(email);
      const user = identity ? await users.findById(identity.tenantId, identity.userId) : null;
      // Unknown emails verify against a decoy hash: the same scrypt time as a wrong password.
      const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      if (!user || !valid || user.status !== "active") {
        logger.info({ ip, tenantId: user?.tenantId ?? null }, "login refused");
        throw unauthenticatedLogin();
      }
      await admitTenant(user.tenantId);
      await attempt.succeeded();
      if (needsRehash(user.passwordHash, scrypt)) {
        const passwordHash = await hashPassword(password, scrypt);
        await users.updateOne(user.tenantId, { id: user.id }, { $set: { passwordHash } });
      }
      logger.info({ userId: user.id, tenantId: user.tenantId }, "login");
      return issueSession(user, `fam_${randomUUID()}`);
    },

    async refresh(presented) {
      const parsed = parseRefreshToken(presented);
      const refused = new AppError("UNAUTHENTICATED", "Invalid refresh token");
      if (!parsed) throw refused;
      const doc = await refreshTokens.findById(parsed.tenantId, parsed.hash);
      if (!doc || doc.expiresAt.getTime() <= clock().getTime()) throw refused;
      // Claim the token atomically: of two concurrent uses, one wins and the other is a reuse.
      const claimed =
        doc.status === "active"
          ? await refreshTokens.findOneAndUpdate(
              parsed.tenantId,
              { id: parsed.hash, status: "active" },
              { $set: { status: "rotated" } },
            )
          : null;
      if (!claimed) {
        // A rotated token presented again means two holders: the thief or the user. Ending the
        // whole family signs both out (OAuth 2.0 Security BCP, refresh token rotation).
        await revokeFamily(parsed.tenantId, doc.familyId);
        logger.warn({ tenantId: parsed.tenantId, userId: doc.userId }, "refresh token reuse: family revoked");
        await auditLog.record({
          tenantId: parsed.tenantId,
          actor: { kind: "user", id: doc.userId },
          action: "auth.refresh-token-reuse",
          target: { type: "user", id: doc.userId },
          outcome: "failure",
        });
        throw refused;
      }
      const user = await users.findById(parsed.tenantId, doc.userId);
      if (user?.status !== "active") throw refused;
      await admitTenant(user.tenantId);
      return issueSession(user, doc.familyId);
    },

    async logout(presented) {
      const parsed = parseRefreshToken(presented);
      if (!parsed) return;
      const doc = await refreshTokens.findById(parsed.tenantId, parsed.hash);
      if (doc) await revokeFamily(parsed.tenantId, doc.familyId);
    },

    async provisionTenant(input) {
      if (input.id !== undefined) {
        TenantIdSchema.parse(input.id);
        // Fixed ids are for seeds: provisioning the same one again returns it unchanged.
        const existing = await tenants.findById(input.id);
        if (existing) return existing;
      }
      if (region !== null && input.region !== region) {
        throw new AppError("FORBIDDEN", `tenant lives in region ${input.region}`, {
          details: { tenantRegion: input.region, deploymentRegion: region },
        });
      }
      const at = now();
      const tenant = await tenants.insertOne({
        id: input.id ?? newId("tenant"),
        name: input.name,
        region: input.region,
        status: "active",
        createdAt: at,
        updatedAt: at,
      });
      await cache.delete(tenantCacheKey(tenant.id));
      return tenant;
    },

    getTenant,
    createUser,
    createApiKey,

    async listUsers(tenantId) {
      const docs = await users.find(tenantId, {}, { sort: { createdAt: 1 }, limit: 1000 });
      return docs.map(publicUser);
    },

    async changeUserRole({ tenantId, userId, role, changedBy }) {
      if (role === "platform_admin") throw new AppError("INVALID_INPUT", "A tenant user cannot be a platform admin");
      const doc = await users.findById(tenantId, userId);
      if (!doc) throw new AppError("NOT_FOUND", "User not found");
      if (userId === changedBy) throw new AppError("CONFLICT", "You cannot change your own role");
      if (doc.role !== role) await users.updateOne(tenantId, { id: userId }, { $set: { role, updatedAt: now() } });
      return publicUser((await users.findById(tenantId, userId)) as UserDoc);
    },

    async listApiKeys(tenantId) {
      const docs = await apiKeys.find(tenantId, {}, { sort: { createdAt: -1 }, limit: 500 });
      return docs.map(publicKey);
    },

    async revokeApiKey(tenantId, keyId) {
      const doc = await apiKeys.findById(tenantId, keyId);
      if (!doc) throw new AppError("NOT_FOUND", "API key not found");
      if (doc.revokedAt === null) {
        await apiKeys.updateOne(tenantId, { id: keyId }, { $set: { revokedAt: now() } });
        await cache.delete(keyCacheKey(doc.hash));
      }
      return publicKey((await apiKeys.findById(tenantId, keyId)) as ApiKeyDoc);
    },

    exportShopper(subject, by) {
      return withPrivacyAudit(subject, "privacy.export", by, async () => ({
        subject,
        data: await walkParticipants(deps.privacy, logger, "export", await expandSubject(subject, shoppers)),
      }));
    },

    redactShopper(subject, by) {
      return withPrivacyAudit(subject, "privacy.redact", by, async () => {
        const erased = await walkParticipants(deps.privacy, logger, "erase", await expandSubject(subject, shoppers));
        // Gone from every file of the store before we answer (embedded: WAL checkpoint), so a
        // backup taken a second later holds none of it. A busy database answers 503: retry.
        await store.checkpoint();
        return { subject, erased };
      });
    },

    async storePlatformExport(subject, by, source) {
      const exported = await service.exportShopper(subject, by);
      return withPrivacyAudit(subject, "privacy.export.stored", by, () =>
        privacyExports.store(subject, exported, source),
      );
    },

    listPrivacyExports: (tenantId) => privacyExports.list(tenantId),
    getPrivacyExport: (tenantId, id) => privacyExports.get(tenantId, id),

    async downloadPrivacyExport(tenantId, id, by) {
      const exported = await privacyExports.download(tenantId, id);
      await auditLog.record({
        tenantId,
        actor: by.actor,
        action: "privacy.export.download",
        target: { type: "privacy-export", id },
        outcome: "success",
        ...(by.requestId ? { requestId: by.requestId } : {}),
      });
      return exported;
    },
  };
  service.router = createAuthRouter(service);
  service.openapi = authOpenApi();
  return service;
}
