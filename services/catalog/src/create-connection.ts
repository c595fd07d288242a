import { isUpstreamRefused, parseInput, type SecretBox } from "@varai/runtime";
import { AppError, newId } from "@varai/schema";
import type { z } from "zod";
import type { ConnectionDoc } from "./collections.ts";
import { type CatalogStore, routeKey } from "./connections-store.ts";
import type { AdapterRegistry } from "./registry.ts";
import { CreateConnectionSchema } from "./schemas.ts";
import type { SyncEngine } from "./sync.ts";
import { toPublicConnection } from "./views.ts";

/**
 * Creates a tenant's connection from an unparsed body (validated here with the API's schema) and
 * starts its first full sync: what `POST /v1/connections` answers, and the one path the demo's
 * simulated stores go through too, so their backfill and webhook registration are the real ones.
 */
export type CreateConnection = (
  tenantId: string,
  body: unknown,
  /**
   * `id`: the connection's id, chosen by the caller (platform app installs), which makes a
   * repeated call return the connection it already created instead of a second one.
   */
  options?: { id?: string },
) => Promise<ReturnType<typeof toPublicConnection>>;

export function createConnectionUseCase(x: {
  store: CatalogStore;
  registry: AdapterRegistry;
  sync: SyncEngine;
  secretBox: SecretBox;
  /** The guarded fetch's check: refuses a URL it would refuse to call (scheme, addresses). */
  checkUpstream: (url: string) => Promise<void>;
  clock: () => Date;
  webhookUrlOf: (c: Pick<ConnectionDoc, "id" | "platform">) => string;
  autoSync: boolean;
}): CreateConnection {
  const { store } = x;
  /**
   * The URL the adapter will call (apiBaseUrl, else a Woo or Magento storeUrl) is checked before
   * anything is written, so a refused one is a 400 now rather than a failed sync later.
   */
  const checkApiBase = async (input: z.infer<typeof CreateConnectionSchema>) => {
    const [field, url] = input.apiBaseUrl
      ? ["apiBaseUrl", input.apiBaseUrl]
      : "storeUrl" in input
        ? ["storeUrl", input.storeUrl]
        : [null, null];
    if (!field || !url) return;
    try {
      await x.checkUpstream(url);
    } catch (error) {
      if (!isUpstreamRefused(error)) throw error;
      throw new AppError("INVALID_INPUT", `${field}: ${error.message}`, {
        details: { ...error.details, issues: [{ path: field, message: error.message }] },
      });
    }
  };

  return async (tenantId, body, options = {}) => {
    const input = parseInput(CreateConnectionSchema, body);
    if (!x.registry.supports(input.platform))
      throw new AppError("UNSUPPORTED", `${input.platform} is not available yet`);
    if (options.id) {
      const existing = await store.connections.findById(tenantId, options.id);
      if (existing) return toPublicConnection(existing, x.webhookUrlOf(existing), null);
    }
    await checkApiBase(input);
    const t = x.clock().toISOString();
    const id = options.id ?? newId("connection");
    const doc: ConnectionDoc = {
      id,
      tenantId,
      platform: input.platform,
      name: input.name,
      ...("shopDomain" in input ? { shopDomain: input.shopDomain } : {}),
      ...("storeUrl" in input ? { storeUrl: input.storeUrl } : {}),
      ...("storeHash" in input ? { storeHash: input.storeHash } : {}),
      ...("storeCode" in input ? { storeCode: input.storeCode } : {}),
      ...(input.apiBaseUrl ? { apiBaseUrl: input.apiBaseUrl } : {}),
      ...(input.frameAttributeNames ? { frameAttributeNames: input.frameAttributeNames } : {}),
      credentialsCipher: x.secretBox.encrypt(JSON.stringify(input.credentials)),
      webhookSecretCipher: "webhookSecret" in input ? x.secretBox.encrypt(input.webhookSecret) : null,
      currency: null,
      status: "active",
      uninstalledAt: null,
      health: "unknown",
      lastSyncAt: null,
      lastSyncStartedAt: null,
      lastSyncRunId: null,
      lastDeliveryAt: null,
      webhookStats: { accepted: 0, duplicates: 0, rejectedSignatures: 0, malformed: 0 },
      webhookCheck: null,
      createdAt: t,
      updatedAt: t,
    };
    // A shop or store hash routes to one connection: claim the route first (unique id), then write.
    const identityRoute = doc.shopDomain
      ? routeKey.shop(doc.shopDomain)
      : doc.storeHash
        ? routeKey.storeHash(doc.storeHash)
        : null;
    if (identityRoute) {
      const existing = await store.routes.findById(identityRoute);
      if (existing) {
        const other = await store.connections.findById(existing.tenantId, existing.connectionId);
        if (other?.status === "active") throw new AppError("CONFLICT", "This store is already connected");
        await store.routes.deleteOne({ id: identityRoute });
      }
      await store.routes.insertOne({ id: identityRoute, tenantId, connectionId: id, platform: doc.platform });
    }
    // A caller-chosen id may meet its own route, left by a call that stopped before the insert below.
    if (!options.id || !(await store.routes.findById(routeKey.connection(id))))
      await store.routes.insertOne({ id: routeKey.connection(id), tenantId, connectionId: id, platform: doc.platform });
    await store.connections.insertOne(tenantId, doc);
    store.invalidate(doc);
    const run = x.autoSync ? await x.sync.startRun(doc, "full") : null;
    return toPublicConnection({ ...doc, lastSyncRunId: run?.id ?? null }, x.webhookUrlOf(doc), run);
  };
}
