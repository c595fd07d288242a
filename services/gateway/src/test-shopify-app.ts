import type { ShopifyAppModule } from "@varai/shopify-app";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "./test-helpers.ts";

/**
 * Tests only: the whole gateway with the Shopify app mounted (SHOPIFY_API_KEY + SHOPIFY_API_SECRET
 * set), SHOPIFY_ADMIN_BASE_URL pointed at the platform simulator's Shopify, and helpers to call
 * the app's paths as App Bridge and Shopify's app proxy do.
 */
export interface ShopifyAppGateway {
  gateway: TestGateway;
  sim: PlatformSimulator;
  app: ShopifyAppModule;
  shop: string;
  apiKey: string;
  get(path: string, sessionToken?: string): Promise<Response>;
  post(path: string, sessionToken: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export const SHOPIFY_TEST_API_KEY = "test-api-key";

export async function startShopifyAppGateway(options: { products?: number } = {}): Promise<ShopifyAppGateway> {
  const sim = await startPlatformSimulator({
    shopify: { products: options.products ?? 4, app: { apiKey: SHOPIFY_TEST_API_KEY } },
  });
  const gateway = await startTestGateway({
    PORT: String(await freePort()),
    SHOPIFY_API_KEY: SHOPIFY_TEST_API_KEY,
    SHOPIFY_API_SECRET: sim.shopify.apiSecret,
    SHOPIFY_APP_URL: "https://varai-app.example",
    SHOPIFY_ADMIN_BASE_URL: sim.baseUrl("shopify"),
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  const app = gateway.modules.find((m) => m.name === "shopify-app") as ShopifyAppModule | undefined;
  if (!app) throw new Error("the gateway did not mount the Shopify app");
  const bearer = (token?: string): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  return {
    gateway,
    sim,
    app,
    shop: sim.shopify.shopDomain,
    apiKey: SHOPIFY_TEST_API_KEY,
    get: (path, token) => fetch(`${gateway.base}${path}`, { headers: bearer(token), redirect: "manual" }),
    post: (path, token, body) =>
      fetch(`${gateway.base}${path}`, {
        method: "POST",
        headers: { ...bearer(token), "content-type": "application/json" },
        body: JSON.stringify(body ?? {}),
      }),
    async close() {
      await stopTestGateway(gateway);
      await sim.close();
    },
  };
}
