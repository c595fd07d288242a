import { COLLECTIONS, type CollectionDefinition, type DocumentStore } from "@varai/runtime";
import type { ApiKey, ApiKeyKind, AuditEntry, Role, Tenant } from "@varai/schema";

/**
 * The tenant id platform administrators carry. It names no stored tenant: platform admins
 * act on a tenant by naming it (path or `X-VARAi-Tenant`), and their own user record is
 * kept under this scope so that it belongs to no merchant.
 */
export const PLATFORM_TENANT_ID = "ten_platform";

/** A merchant's staff member. Tenant-scoped; login finds it through `identities`. */
export interface UserDoc {
  id: string;
  tenantId: string;
  email: string;
  role: Role;
  status: "active" | "disabled";
  passwordHash: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Global: normalised email -> user. Login starts from an email alone, so this index cannot be
 * tenant-scoped; its `_id` being the email is what makes emails unique across tenants.
 */
export interface IdentityDoc {
  id: string;
  tenantId: string;
  userId: string;
}

/** One refresh token, stored by the SHA-256 of its value (the value itself is never stored). */
export interface RefreshTokenDoc {
  id: string;
  tenantId: string;
  userId: string;
  familyId: string;
  status: "active" | "rotated" | "revoked";
  createdAt: string;
  expiresAt: Date;
}

export type ApiKeyDoc = ApiKey & { hash: string };

/** Global: SHA-256 of an API key -> the tenant and key it belongs to (the only unscoped key lookup). */
export interface ApiKeyIndexDoc {
  id: string;
  tenantId: string;
  keyId: string;
  kind: ApiKeyKind;
}

export type AuditDoc = AuditEntry & { expiresAt?: Date };

export type TenantDoc = Tenant;

export const AUTH_COLLECTIONS = {
  users: { name: "auth_users", scope: "tenant", indexes: [{ fields: { role: 1 }, name: "by_role" }] },
  identities: { name: "auth_identities", scope: "global", indexes: [{ fields: { userId: 1 }, name: "by_user" }] },
  refreshTokens: {
    name: "auth_refresh_tokens",
    scope: "tenant",
    indexes: [{ fields: { familyId: 1 }, name: "by_family" }],
    ttlField: "expiresAt",
  },
  apiKeys: { name: "auth_api_keys", scope: "tenant", indexes: [{ fields: { createdAt: -1 }, name: "by_created" }] },
  apiKeyIndex: { name: "auth_api_key_index", scope: "global", indexes: [{ fields: { keyId: 1 }, name: "by_key" }] },
  audit: { name: "audit_log", scope: "tenant", indexes: [{ fields: { at: -1 }, name: "by_time" }] },
  /** One-time data migrations done on this store (id = the migration). */
  migrations: { name: "auth_migrations", scope: "global" },
} as const satisfies Record<string, CollectionDefinition>;

/** The collections the use cases read and write (tenants are shared: COLLECTIONS.tenants). */
export function openAuthCollections(store: DocumentStore) {
  return {
    tenants: store.globalCollection<Tenant>(COLLECTIONS.tenants),
    users: store.tenantCollection<UserDoc>(AUTH_COLLECTIONS.users),
    identities: store.globalCollection<IdentityDoc>(AUTH_COLLECTIONS.identities),
    refreshTokens: store.tenantCollection<RefreshTokenDoc>(AUTH_COLLECTIONS.refreshTokens),
    apiKeys: store.tenantCollection<ApiKeyDoc>(AUTH_COLLECTIONS.apiKeys),
    apiKeyIndex: store.globalCollection<ApiKeyIndexDoc>(AUTH_COLLECTIONS.apiKeyIndex),
  };
}
export type AuthCollections = ReturnType<typeof openAuthCollections>;
