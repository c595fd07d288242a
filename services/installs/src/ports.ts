import type { ApiKey, AuditEntry, InstallPlatform, InstallSession, Region, Tenant } from "@varai/schema";

/**
 * What installs needs from auth and catalog, as the gateway wires it (services.ts). Installs
 * owns no tenant, key or connection logic: it decides when to call these, idempotently.
 */
export interface InstallsDeps {
  tenants: {
    /** Idempotent for a fixed id (auth's provisionTenant). */
    provision(input: { id: string; name: string; region: Region }): Promise<Tenant>;
    /** NOT_FOUND for an unknown tenant. */
    get(tenantId: string): Promise<Tenant>;
  };
  keys: {
    createPublishable(input: { tenantId: string; allowedOrigins: string[]; createdBy: string }): Promise<{
      apiKey: ApiKey;
      key: string;
    }>;
    revoke(tenantId: string, keyId: string): Promise<unknown>;
  };
  connections: {
    /** Catalog's create-connection path (validates the body, starts the backfill); idempotent for a fixed id. */
    create(tenantId: string, body: unknown, options: { id: string }): Promise<unknown>;
    get(tenantId: string, connectionId: string): Promise<{ status: "active" | "uninstalled" } | null>;
    reinstall(
      tenantId: string,
      connectionId: string,
      input: { credentials: Record<string, string>; webhookSecret?: string },
    ): Promise<{ reactivated: boolean }>;
    uninstall(tenantId: string, connectionId: string): Promise<{ changed: boolean }>;
  };
  users: {
    openSession(user: PlatformUserRef): Promise<InstallSession>;
    remove(user: PlatformUserRef): Promise<{ removed: boolean }>;
  };
  audit: {
    record(input: {
      tenantId: string;
      actor: AuditEntry["actor"];
      action: string;
      target?: AuditEntry["target"];
      outcome: AuditEntry["outcome"];
      requestId?: string;
    }): Promise<void>;
  };
}

export interface PlatformUserRef {
  tenantId: string;
  app: InstallPlatform;
  storeId: string;
  platformUserId: string;
}
