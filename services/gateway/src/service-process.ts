import type { RequestListener } from "node:http";
import {
  createHttpApp,
  internalAuthentication,
  type RuntimeDeps,
  type ServiceModule,
  sendProblem,
  withRawRoutes,
} from "@varai/runtime";
import { AppError } from "@varai/schema";
import { exposeAuditContext } from "./remote/audit-context.ts";
import type { ServiceRole } from "./service-env.ts";

export interface ServiceProcessAppOptions {
  role: ServiceRole;
  /** The modules whose routes this process serves (none for `catalog-workers`). */
  served: readonly ServiceModule[];
  /** Their readiness counts too when they only run consumers. */
  running: readonly ServiceModule[];
  deps: RuntimeDeps;
  internalKey: Uint8Array;
  /** Fails while start-up runs and once shutdown began (lifecycle.ts). */
  startup: () => Promise<void>;
}

/**
 * One service's process as the gateway reaches it: its routes (and raw webhook routes) behind
 * internal authentication, so a principal exists only when the gateway signed it; `/healthz`,
 * `/readyz` (its ports, its modules, start-up) and `/metrics` (from the shared skeleton).
 */
export function createServiceProcessApp(options: ServiceProcessAppOptions): RequestListener {
  const { deps } = options;
  const checks: Record<string, () => Promise<void>> = {
    store: () => deps.store.ping(),
    cache: () => deps.cache.ping(),
    queue: () => deps.queue.ping(),
    blobs: () => deps.blobs.ping(),
    startup: options.startup,
  };
  for (const module of new Set([...options.served, ...options.running])) {
    if (module.ready) checks[`service:${module.name}`] = () => module.ready!();
  }
  const app = createHttpApp({
    modules: options.served,
    logger: deps.logger,
    authenticate: internalAuthentication(options.internalKey),
    before: [exposeAuditContext],
    routes: (app) => {
      app.get("/healthz", (_req, res) => {
        res.setHeader("Cache-Control", "no-store");
        res.json({ status: "ok", service: options.role });
      });
      app.get("/readyz", async (_req, res) => {
        res.setHeader("Cache-Control", "no-store");
        const names = Object.keys(checks);
        const results = await Promise.allSettled(names.map((name) => checks[name]!()));
        const failed = names.filter((_, i) => results[i]!.status === "rejected");
        if (failed.length > 0) {
          deps.logger.warn({ failed }, "not ready");
          sendProblem(
            res,
            new AppError("UPSTREAM_UNAVAILABLE", `Not ready: ${failed.join(", ")}`, { details: { failed } }),
          );
          return;
        }
        res.json({ status: "ok", service: options.role });
      });
    },
  });
  return withRawRoutes(app, options.served);
}
