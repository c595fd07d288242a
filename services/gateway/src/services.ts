import type { RuntimeDeps, ServiceModule } from "@varai/runtime";
import type { RequestHandler } from "express";
import type { GatewayEnv } from "./env.ts";

/**
 * Composition: the one place that decides which services the gateway runs, in one
 * process, over one set of ports. Each line is `await create<Name>Service(deps, options)`
 * with options taken from `env`; the order is the mount order (first match wins).
 */
export async function createServices(_deps: RuntimeDeps, _env: GatewayEnv): Promise<ServiceModule[]> {
  const modules: ServiceModule[] = [];
  // modules.push(await createAuthService(deps, { ... }));
  // modules.push(await createCatalogService(deps, { ... }));
  // modules.push(await createStorageService(deps, { ... }));
  // modules.push(await createMlService(deps, { workers: env.mlWorkers }));
  // modules.push(await createRecommendationsService(deps, { ... }));
  // modules.push(await createAnalyticsService(deps, { ... }));
  return modules;
}

export interface GatewayMiddleware {
  /** Sets `res.locals.principal` from a bearer JWT or an `X-VARAi-Key` (the auth service provides it). */
  authenticate?: RequestHandler;
  /** Per-key / per-IP limits on `deps.rateLimiter`, after authenticate so it can key on the principal. */
  rateLimit?: RequestHandler;
}

/** The cross-cutting middleware handed to createGatewayApp; empty until the auth service lands. */
export function createMiddleware(_deps: RuntimeDeps, _env: GatewayEnv, _modules: ServiceModule[]): GatewayMiddleware {
  return {
    // authenticate: createAuthenticate(deps, { ... }),
    // rateLimit: createRateLimitMiddleware(deps.rateLimiter, { ... }),
  };
}
