import { createHttpApp, type RuntimeDeps, type SecretBox, type ServiceModule } from "@varai/runtime";
import { Router } from "express";
import type { ShopifyAppConfig } from "./config.ts";
import { type ConnectionReader, createApiConnectionReader } from "./connection-reader.ts";
import type { InstallsPort } from "./installs-port.ts";
import { createShopifyRouter } from "./routes.ts";
import { DocumentSessionStorage } from "./session-storage.ts";
import { createShopAuth, type ShopAuth } from "./shop-auth.ts";
import { openShopRecords } from "./shops.ts";

export interface ShopifyAppOptions {
  config: ShopifyAppConfig;
  installs: InstallsPort;
  /** The runtime's secret box: seals the offline access and refresh tokens at rest. */
  secretBox: SecretBox;
  /** The VARAi API's public base URL (the embedded UI's `/v1` API, the widget loader). */
  apiBaseUrl: () => string;
  /** For Shopify's token endpoint and Admin API. Default: global fetch. */
  fetch?: typeof fetch;
  /** Default: through the public API with a session from `installs`. */
  connections?: ConnectionReader;
  /** Billing test charges; default true (only a production deployment turns them off). */
  testCharges?: boolean;
  /** Where the built UI is; default `apps/shopify-app/ui/dist`. */
  uiDistDir?: string;
  /** How often access tokens close to expiry are refreshed unattended. Default 5 min; 0 = never. */
  refreshEveryMs?: number;
}

export interface ShopifyAppModule extends ServiceModule {
  auth: ShopAuth;
}

/**
 * The Shopify app's server as a service module. Everything under `/shopify/` is a raw route: it
 * runs ahead of the gateway's authentication, because `/shopify/api` carries Shopify session
 * tokens (not VARAi tokens) and `/shopify/proxy` is signed by Shopify.
 */
export function createShopifyAppModule(deps: RuntimeDeps, options: ShopifyAppOptions): ShopifyAppModule {
  const fetchImpl = options.fetch ?? fetch;
  const shops = openShopRecords(deps.store);
  const auth = createShopAuth({
    config: options.config,
    sessions: new DocumentSessionStorage(deps.store, options.secretBox, deps.clock),
    shops,
    installs: options.installs,
    fetch: fetchImpl,
    clock: deps.clock,
    logger: deps.logger.child({ component: "shopify-app" }),
    apiBaseUrl: options.apiBaseUrl,
  });
  const router = createShopifyRouter({
    config: options.config,
    auth,
    installs: options.installs,
    shops,
    billing: {
      config: options.config,
      fetch: fetchImpl,
      shops,
      clock: deps.clock,
      testCharges: options.testCharges ?? true,
    },
    connections:
      options.connections ??
      createApiConnectionReader({ installs: options.installs, apiBaseUrl: options.apiBaseUrl, fetch: fetchImpl }),
    apiBaseUrl: options.apiBaseUrl,
    clock: deps.clock,
    ...(options.uiDistDir ? { uiDistDir: options.uiDistDir } : {}),
  });
  const app = createHttpApp({ modules: [{ name: "shopify-app", router }], logger: deps.logger });
  let timer: NodeJS.Timeout | undefined;
  return {
    name: "shopify-app",
    router: Router(),
    rawRoutes: [{ prefix: "/shopify/", handle: (req, res) => app(req, res) }],
    auth,
    async start() {
      const every = options.refreshEveryMs ?? 5 * 60_000;
      if (every > 0) {
        timer = setInterval(() => void auth.refreshDue().catch(() => undefined), every);
        timer.unref();
      }
    },
    async stop() {
      clearInterval(timer);
    },
  };
}
