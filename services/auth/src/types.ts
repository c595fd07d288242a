import type { Notifier, PrivacySubject, RuntimeDeps, SecretBox, ServiceModule, ShopperIdentity } from "@varai/runtime";
import type {
  ApiKey,
  ApiKeyKind,
  AuditEntry,
  InstallPlatform,
  InstallSession,
  Region,
  Role,
  Tenant,
  User,
} from "@varai/schema";
import type { RequestHandler } from "express";
import type { AuditLog } from "./audit.ts";
import type { ScryptParams } from "./passwords.ts";
import type { PrivacyExport, PrivacyRedaction } from "./privacy.ts";
import type { PrivacyExportSummary } from "./privacy-exports.ts";
import type { RateLimitPolicies } from "./rate-limits.ts";
import type { JwtKeySet } from "./tokens.ts";

// The service's public types, apart from service.ts so routes.ts and the use cases can name
// them without importing the composition (which imports them).

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

/** A store's user as their platform knows them (platform-users.ts). */
export interface PlatformUser {
  tenantId: string;
  app: InstallPlatform;
  storeId: string;
  /** The platform's user id; `owner` when the platform names none. */
  platformUserId: string;
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

/** What the routes (and the gateway) call. */
export interface AuthUseCases {
  audit: Pick<AuditLog, "record" | "list">;
  bootstrap(): Promise<{ adminEmail: string; generatedPassword: string | null }>;
  login(input: { email: string; password: string; ip: string }): Promise<Session>;
  refresh(refreshToken: string): Promise<Session>;
  logout(refreshToken: string): Promise<void>;
  provisionTenant(input: { name: string; region: Region; id?: string }): Promise<Tenant>;
  /** The tenant, or NOT_FOUND; FORBIDDEN when it lives in another region than this deployment. */
  getTenant(tenantId: string): Promise<Tenant>;
  listTenants(): Promise<Tenant[]>;
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
  /** A platform app's user (embedded admin, control panel) gets a short-lived access token for the store's tenant. */
  openPlatformUserSession(user: PlatformUser): Promise<InstallSession>;
  /** That platform user's link removed (BigCommerce `remove_user`); unknown users are a no-op. */
  removePlatformUser(user: PlatformUser): Promise<{ removed: boolean }>;
}

export interface AuthService extends ServiceModule, AuthUseCases {
  /** Resolves `Authorization: Bearer <jwt>` or `X-VARAi-Key` to `res.locals.principal`. */
  authenticate: RequestHandler;
  /** Per-IP and per-key/user budgets with `RateLimit-*` headers; mount after `authenticate`. */
  rateLimit: RequestHandler;
  /** Records mutating calls of users and secret keys after the response; mount after `authenticate`. */
  auditTrail: RequestHandler;
}
