import type { SecretBox } from "@varai/runtime";
import { AppError } from "@varai/schema";
import type { ConnectionDoc } from "./collections.ts";
import { type CatalogStore, routeKey } from "./connections-store.ts";
import type { SyncEngine } from "./sync.ts";

/**
 * What a platform app's install and uninstall do to a connection the installs service created
 * (services/installs): new credentials (an expiring token refreshed, the app installed again),
 * and the uninstall callback. Webhook-driven uninstalls (Shopify's `app/uninstalled`) reach the
 * same state through the worker's `handleUninstall`.
 */
export interface ConnectionInstalls {
  /** The connection, or null. */
  get(tenantId: string, connectionId: string): Promise<ConnectionDoc | null>;
  /**
   * Stores new credentials (and webhook secret). An uninstalled connection becomes active again,
   * takes its store's webhook route back and starts a full sync; an active one just keeps going
   * with the new token.
   */
  reinstall(
    tenantId: string,
    connectionId: string,
    /** Already validated (the install's connection body): stored as given. */
    input: { credentials: Record<string, string>; webhookSecret?: string },
  ): Promise<{ reactivated: boolean }>;
  /** Stops every call to the store: uninstalled, credentials erased. A replay changes nothing. */
  uninstall(tenantId: string, connectionId: string): Promise<{ changed: boolean }>;
}

/** What stands in for erased credentials: sealed like any, and no adapter can call with it. */
export const ERASED_CREDENTIALS = "{}";

export function createConnectionInstalls(x: {
  store: CatalogStore;
  sync: SyncEngine;
  secretBox: SecretBox;
  clock: () => Date;
}): ConnectionInstalls {
  const { store } = x;
  const mustGet = async (tenantId: string, connectionId: string) => {
    const doc = await store.connections.findById(tenantId, connectionId);
    if (!doc) throw new AppError("NOT_FOUND", "Connection not found");
    return doc;
  };

  return {
    get: (tenantId, connectionId) => store.connections.findById(tenantId, connectionId),

    async reinstall(tenantId, connectionId, input) {
      const doc = await mustGet(tenantId, connectionId);
      const t = x.clock().toISOString();
      const reactivated = doc.status !== "active";
      if (reactivated) await claimIdentityRoute(store, doc);
      await store.connections.updateOne(
        tenantId,
        { id: connectionId },
        {
          $set: {
            credentialsCipher: x.secretBox.encrypt(JSON.stringify(input.credentials)),
            ...(input.webhookSecret ? { webhookSecretCipher: x.secretBox.encrypt(input.webhookSecret) } : {}),
            status: "active",
            uninstalledAt: null,
            updatedAt: t,
          },
        },
      );
      store.invalidate(doc);
      if (reactivated) await x.sync.startRun({ ...doc, status: "active", uninstalledAt: null }, "full");
      return { reactivated };
    },

    async uninstall(tenantId, connectionId) {
      const doc = await mustGet(tenantId, connectionId);
      if (doc.status === "uninstalled" && x.secretBox.decrypt(doc.credentialsCipher) === ERASED_CREDENTIALS)
        return { changed: false };
      const t = x.clock().toISOString();
      await store.connections.updateOne(
        tenantId,
        { id: connectionId },
        {
          $set: {
            status: "uninstalled",
            uninstalledAt: doc.uninstalledAt ?? t,
            credentialsCipher: x.secretBox.encrypt(ERASED_CREDENTIALS),
            health: "unknown",
            updatedAt: t,
          },
        },
      );
      store.invalidate(doc);
      return { changed: true };
    },
  };
}

/**
 * The store's webhook route (shop domain, store hash) points at this connection again, unless
 * another active connection took the store meanwhile (connected by hand elsewhere): CONFLICT.
 */
async function claimIdentityRoute(store: CatalogStore, doc: ConnectionDoc): Promise<void> {
  const id = doc.shopDomain ? routeKey.shop(doc.shopDomain) : doc.storeHash ? routeKey.storeHash(doc.storeHash) : null;
  if (!id) return;
  const route = await store.routes.findById(id);
  if (route?.connectionId === doc.id) return;
  if (route) {
    const other = await store.connections.findById(route.tenantId, route.connectionId);
    if (other?.status === "active") throw new AppError("CONFLICT", "This store is connected to another connection");
    await store.routes.deleteOne({ id });
  }
  await store.routes.insertOne({ id, tenantId: doc.tenantId, connectionId: doc.id, platform: doc.platform });
}
