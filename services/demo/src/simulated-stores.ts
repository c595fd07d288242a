import { randomBytes } from "node:crypto";
import type { RuntimeDeps } from "@varai/runtime";
import { AppError } from "@varai/schema";
import {
  type PlatformSimulator,
  type PlatformSimulatorOptions,
  SIMULATED_PLATFORMS,
  type SimulatedPlatformName,
  type SimWebhook,
  startPlatformSimulator,
} from "@varai/simulator";

export interface SimulatedStoresOptions {
  /** The catalog's create-connection path (`POST /v1/connections` as a call): backfill and webhooks for real. */
  connect(tenantId: string, body: unknown): Promise<unknown>;
  logger: RuntimeDeps["logger"];
  /** The app secret the catalog verifies Shopify webhooks with; without it there is no simulated Shopify. */
  shopifyApiSecret?: string;
  /** The client secret the catalog verifies BigCommerce webhooks with; without it there is no simulated BigCommerce. */
  bigcommerceClientSecret?: string;
  /** Frames per simulated store. Default 36. */
  products?: number;
  /** Each simulated API call's latency, so a newcomer sees the sync move. Default 150 ms. */
  latencyMs?: number;
  /** How often a connected simulated store changes a frame and sends the signed webhook. Default 10 s; 0 = never. */
  activityIntervalMs?: number;
  /** Tenants with a simulator at once (each is a local server). Default 20. */
  maxTenants?: number;
}

export interface SimulatedStores {
  /** The platforms a simulated store can be connected for (those whose webhooks this install can verify). */
  readonly platforms: readonly SimulatedPlatformName[];
  /** True for exactly the origin of a running simulator: the guarded fetch lets these through. */
  isSimulatorOrigin(origin: string): boolean;
  /** Starts the tenant's simulator if needed and connects its `platform` store through the catalog. */
  connect(tenantId: string, platform: SimulatedPlatformName): Promise<unknown>;
  close(): Promise<void>;
}

const PLATFORM_NAMES: Record<SimulatedPlatformName, string> = {
  shopify: "Shopify",
  woocommerce: "WooCommerce",
  magento: "Magento",
  bigcommerce: "BigCommerce",
};

interface TenantSimulator {
  sim: PlatformSimulator;
  connected: Set<SimulatedPlatformName>;
  /** The next frame the store activity changes. */
  next: number;
}

const secret = () => randomBytes(18).toString("base64url");

/** A tenant's four simulated stores, each with fresh random credentials and the same seeded catalog. */
function simulatorConfig(
  id: string,
  store: { products: number; latencyMs: number; seed: number },
  options: Pick<SimulatedStoresOptions, "shopifyApiSecret" | "bigcommerceClientSecret">,
): PlatformSimulatorOptions {
  return {
    shopify: {
      ...store,
      shopDomain: `varai-sim-${id}.myshopify.com`,
      accessToken: `shpat_${secret()}`,
      apiSecret: options.shopifyApiSecret ?? secret(),
    },
    woocommerce: {
      ...store,
      // Pages of 12, so the backfill's progress moves a few times on screen.
      maxPageSize: 12,
      consumerKey: `ck_${secret()}`,
      consumerSecret: `cs_${secret()}`,
      webhookSecret: secret(),
    },
    magento: {
      ...store,
      consumerKey: secret(),
      consumerSecret: secret(),
      accessToken: secret(),
      accessTokenSecret: secret(),
      webhookSecret: secret(),
    },
    bigcommerce: {
      ...store,
      storeHash: `sim${id}`,
      accessToken: secret(),
      clientSecret: options.bigcommerceClientSecret ?? secret(),
    },
  };
}

/** The body of `POST /v1/connections` for one platform of a tenant's simulator. */
function connectionBody(sim: PlatformSimulator, platform: SimulatedPlatformName) {
  const name = `Simulated ${PLATFORM_NAMES[platform]}`;
  const apiBaseUrl = sim.baseUrl(platform);
  switch (platform) {
    case "shopify":
      return {
        platform,
        name,
        apiBaseUrl,
        shopDomain: sim.shopify.shopDomain,
        credentials: { accessToken: sim.shopify.accessToken },
      };
    case "woocommerce":
      return {
        platform,
        name,
        apiBaseUrl,
        storeUrl: "https://woocommerce.simulated.varai.test",
        credentials: { consumerKey: sim.woocommerce.consumerKey, consumerSecret: sim.woocommerce.consumerSecret },
        webhookSecret: sim.woocommerce.webhookSecret,
      };
    case "magento":
      return {
        platform,
        name,
        apiBaseUrl,
        storeUrl: "https://magento.simulated.varai.test",
        storeCode: sim.magento.storeCode,
        credentials: {
          consumerKey: sim.magento.consumerKey,
          consumerSecret: sim.magento.consumerSecret,
          accessToken: sim.magento.accessToken,
          accessTokenSecret: sim.magento.accessTokenSecret,
        },
        webhookSecret: sim.magento.webhookSecret,
      };
    case "bigcommerce":
      return {
        platform,
        name,
        apiBaseUrl,
        storeHash: sim.bigcommerce.storeHash,
        credentials: { accessToken: sim.bigcommerce.accessToken },
      };
  }
}

/**
 * A live store changes: one frame is updated and the platform's signed webhook goes to every
 * subscription the catalog registered (Magento registers none: its module is configured by hand).
 */
async function storeActivity(tenant: TenantSimulator, products: number): Promise<void> {
  const { sim } = tenant;
  const index = tenant.next++ % products;
  const deliveries: Array<[string, SimWebhook]> = [];
  if (tenant.connected.has("shopify"))
    for (const s of sim.shopify.subscriptions.filter((s) => s.topic === "PRODUCTS_UPDATE"))
      deliveries.push([s.callbackUrl, sim.shopify.webhook("products/update", { index })]);
  if (tenant.connected.has("woocommerce"))
    for (const w of sim.woocommerce.webhooks.filter((w) => w.topic === "product.updated" && w.status === "active"))
      for (const webhook of sim.woocommerce.webhooksFor("product.updated", { index }))
        deliveries.push([w.delivery_url, webhook]);
  if (tenant.connected.has("bigcommerce"))
    for (const h of sim.bigcommerce.hooks.filter((h) => h.scope === "store/product/updated" && h.is_active))
      deliveries.push([h.destination, sim.bigcommerce.webhook("store/product/updated", { index })]);
  if (deliveries.length === 0) return;
  for (const store of [sim.shopify.store, sim.woocommerce.store, sim.bigcommerce.store])
    if (store.products.has(index)) store.updateProduct(index);
  for (const [target, webhook] of deliveries) await sim.send(target, webhook);
}

/**
 * "Connect a simulated store" for the default install: one platform simulator per tenant (so
 * tenants never share a shop, and its credentials are random), started on first use on
 * 127.0.0.1, port 0. The connection is made through the catalog's own path, so the backfill,
 * webhook registration and signed webhook deliveries are the real ones. Simulators live in
 * memory: after a restart their connections point at a closed port and show as unhealthy.
 */
export function createSimulatedStores(options: SimulatedStoresOptions): SimulatedStores {
  const products = options.products ?? 36;
  const latencyMs = options.latencyMs ?? 150;
  const maxTenants = options.maxTenants ?? 20;
  const platforms = SIMULATED_PLATFORMS.filter(
    (p) =>
      (p !== "shopify" || options.shopifyApiSecret !== undefined) &&
      (p !== "bigcommerce" || options.bigcommerceClientSecret !== undefined),
  );
  const tenants = new Map<string, Promise<TenantSimulator>>();
  const origins = new Set<string>();
  let closed = false;

  const startFor = async (tenantId: string): Promise<TenantSimulator> => {
    const id = randomBytes(5).toString("hex");
    const store = { products, latencyMs, seed: Number.parseInt(id.slice(0, 6), 16) };
    const sim = await startPlatformSimulator(simulatorConfig(id, store, options));
    origins.add(sim.url);
    options.logger.info({ tenantId, origin: sim.url }, "platform simulator started");
    return { sim, connected: new Set(), next: 0 };
  };

  const simulatorOf = (tenantId: string): Promise<TenantSimulator> => {
    const existing = tenants.get(tenantId);
    if (existing) return existing;
    if (tenants.size >= maxTenants)
      throw new AppError("RATE_LIMITED", `At most ${maxTenants} tenants can run simulated stores at once`);
    const started = startFor(tenantId);
    tenants.set(tenantId, started);
    started.catch(() => tenants.delete(tenantId));
    return started;
  };

  const intervalMs = options.activityIntervalMs ?? 10_000;
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          for (const started of tenants.values())
            void started
              .then((tenant) => storeActivity(tenant, products))
              .catch((error: unknown) => options.logger.warn({ err: error }, "simulated store activity failed"));
        }, intervalMs)
      : null;
  timer?.unref();

  return {
    platforms,
    isSimulatorOrigin: (origin) => origins.has(origin),
    async connect(tenantId, platform) {
      if (closed) throw new AppError("UPSTREAM_UNAVAILABLE", "Simulated stores are shutting down");
      if (!platforms.includes(platform))
        throw new AppError("UNSUPPORTED", `A simulated ${PLATFORM_NAMES[platform]} store is not offered here`);
      const tenant = await simulatorOf(tenantId);
      if (tenant.connected.has(platform))
        throw new AppError("CONFLICT", `A simulated ${PLATFORM_NAMES[platform]} store is already connected`);
      tenant.connected.add(platform);
      try {
        return await options.connect(tenantId, connectionBody(tenant.sim, platform));
      } catch (error) {
        tenant.connected.delete(platform);
        throw error;
      }
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      const all = [...tenants.values()];
      tenants.clear();
      await Promise.allSettled(all.map(async (started) => (await started).sim.close()));
      origins.clear();
    },
  };
}
