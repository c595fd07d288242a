import { createServer } from "node:http";
import path from "node:path";
import { createInstallsClient } from "@varai/installs";
import {
  createEmbeddedStore,
  createFsBlobStore,
  createHttpApp,
  createLogger,
  createMemoryCache,
  createMemoryQueue,
  createMemoryRateLimiter,
  createPrivacyRegistry,
  createSecretBox,
  systemClock,
  withRawRoutes,
} from "@varai/runtime";
import { withAppErrors } from "./installs-errors.ts";
import { createShopifyAppModule } from "./module.ts";
import { parseStandaloneEnv } from "./standalone-env.ts";

/**
 * The Shopify app alone (`pnpm --filter @varai/shopify-app start`): the same module the gateway
 * mounts, over its own embedded store, provisioning through the VARAi API's installs endpoints
 * with its app key. In the default install the gateway mounts it instead (SHOPIFY_API_KEY set).
 */
const env = parseStandaloneEnv(process.env);
const logger = createLogger({ level: process.env.LOG_LEVEL === "debug" ? "debug" : "info" });
const deps = {
  store: createEmbeddedStore({ file: path.join(env.dataDir, "shopify-app.sqlite"), logger }),
  cache: createMemoryCache(),
  queue: createMemoryQueue(),
  rateLimiter: createMemoryRateLimiter(),
  blobs: createFsBlobStore({ dir: path.join(env.dataDir, "shopify-app-blobs") }),
  logger,
  clock: systemClock,
  privacy: createPrivacyRegistry(),
};
const installs = withAppErrors(createInstallsClient({ baseUrl: env.apiUrl, platform: "shopify", appKey: env.appKey }));
const module = createShopifyAppModule(deps, {
  config: env.shopify,
  installs,
  secretBox: createSecretBox(env.encryptionKeys),
  apiBaseUrl: () => env.apiUrl,
  testCharges: process.env.NODE_ENV !== "production",
});
const app = createHttpApp({ modules: [module], logger });
const server = createServer(withRawRoutes(app, [module]));
await module.start?.();
server.listen(env.port, env.host, () => logger.info({ port: env.port }, "shopify app listening"));

const stop = async () => {
  await module.stop?.();
  server.close();
  await deps.store.close();
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
