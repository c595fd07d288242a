// Test-only: builds RuntimeDeps on in-process ports and an app with a test principal.
// (testkit's createTestRuntime is not there yet; swap to it when it lands.)
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Cache,
  createEmbeddedStore,
  createFsBlobStore,
  createHttpApp,
  createMemoryCache,
  createMemoryQueue,
  createMemoryRateLimiter,
  createPrivacyRegistry,
  type DocumentStore,
  noopLogger,
  type Queue,
  type RuntimeDeps,
  type ServiceModule,
  setPrincipal,
} from "@varai/runtime";
import type { Principal } from "@varai/schema";
import type { RequestHandler } from "express";

export function createDeps(
  overrides: { store?: DocumentStore; queue?: Queue; cache?: Cache; now?: () => Date } = {},
): RuntimeDeps {
  return {
    store: overrides.store ?? createEmbeddedStore({ file: null }),
    cache: overrides.cache ?? createMemoryCache(),
    queue: overrides.queue ?? createMemoryQueue(),
    rateLimiter: createMemoryRateLimiter(),
    blobs: createFsBlobStore({ dir: join(tmpdir(), "varai-analytics-test-blobs") }),
    logger: noopLogger,
    clock: overrides.now ?? (() => new Date()),
    privacy: createPrivacyRegistry(),
  };
}

/** Principal from test headers: `x-test-storefront: <tenant>` or `x-test-user: <tenant>:<role>`. */
export const testAuthenticate: RequestHandler = (req, res, next) => {
  const storefront = req.header("x-test-storefront");
  const user = req.header("x-test-user");
  let principal: Principal | undefined;
  if (storefront) principal = { kind: "storefront", tenantId: storefront, keyId: "key_test", origin: null };
  else if (user) {
    const [tenantId = "", role = "viewer"] = user.split(":");
    principal = { kind: "user", tenantId, userId: "usr_test", role: role as "viewer", email: "t@example.com" };
  }
  if (principal) setPrincipal(res, principal);
  next();
};

export function createTestApp(module: ServiceModule) {
  return createHttpApp({ modules: [module], logger: noopLogger, authenticate: testAuthenticate });
}
