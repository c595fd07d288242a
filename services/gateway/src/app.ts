import type { RequestListener } from "node:http";
import { createHttpApp, type RuntimeDeps, type ServiceModule, sendProblem, withRawRoutes } from "@varai/runtime";
import { AppError } from "@varai/schema";
import type { RequestHandler } from "express";
import { storefrontCorsMiddleware } from "./cors.ts";
import { buildOpenApiDocument } from "./openapi.ts";

export const API_VERSION = "1.0.0";

export interface GatewayAppOptions {
  deps: RuntimeDeps;
  modules: readonly ServiceModule[];
  /** Base of the absolute URLs we hand out; a function because with PORT=0 it is known only after listen. */
  publicBaseUrl: () => string;
  /**
   * The auth service's middleware: verifies `Authorization: Bearer` / `X-VARAi-Key` and sets
   * `res.locals.principal`. Plugged in by services.ts once the auth service exists.
   */
  authenticate?: RequestHandler;
  /** Rate-limit middleware, run after `authenticate` (so it can key on the principal) and before every route. */
  rateLimit?: RequestHandler;
  /** Audit middleware (records mutating calls after the response), run after `authenticate`. */
  auditTrail?: RequestHandler;
  /** Extra readiness checks by name (main adds `startup`, failing until the demo seed is done). */
  readinessChecks?: Record<string, () => Promise<void>>;
  /** JSON body limit. Default 1 MB. */
  jsonLimit?: string;
  /** Each readiness check fails after this long. Default 2 s. */
  readinessTimeoutMs?: number;
}

/** Probes stay cheap and always answer: orchestrators call them without credentials, many times a minute. */
const PROBES = new Set(["/healthz", "/readyz"]);
const exceptProbes =
  (middleware: RequestHandler): RequestHandler =>
  (req, res, next) =>
    PROBES.has(req.path) ? next() : middleware(req, res, next);

function withTimeout(check: () => Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([Promise.resolve().then(check), timeout]).finally(() => clearTimeout(timer));
}

/**
 * The gateway's request listener: the services' raw routes (platform webhooks), then the express
 * app (the shared skeleton plus probes, OpenAPI and every service router).
 */
export function createGatewayApp(options: GatewayAppOptions): RequestListener {
  const { deps, modules } = options;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 2000;
  const checks: Record<string, () => Promise<void>> = {
    store: () => deps.store.ping(),
    cache: () => deps.cache.ping(),
    queue: () => deps.queue.ping(),
    blobs: () => deps.blobs.ping(),
  };
  for (const module of modules) {
    const ready = module.ready?.bind(module);
    if (ready) checks[`service:${module.name}`] = ready;
  }
  Object.assign(checks, options.readinessChecks);

  // Built once per base URL (fixed after start); a wiring conflict between modules throws here, at start.
  let openapi: { base: string; json: string } | null = null;
  const openapiJson = () => {
    const base = options.publicBaseUrl();
    if (openapi?.base !== base) {
      openapi = {
        base,
        json: JSON.stringify(buildOpenApiDocument(modules, { publicBaseUrl: base, version: API_VERSION })),
      };
    }
    return openapi.json;
  };
  openapiJson();

  const app = createHttpApp({
    modules,
    logger: deps.logger,
    beforeAuth: [storefrontCorsMiddleware],
    authenticate: options.authenticate ? exceptProbes(options.authenticate) : undefined,
    before: [options.rateLimit, options.auditTrail].filter((m) => m !== undefined).map(exceptProbes),
    jsonLimit: options.jsonLimit ?? "1mb",
    routes: (app) => {
      app.get("/healthz", (_req, res) => {
        res.setHeader("Cache-Control", "no-store");
        res.json({ status: "ok" });
      });

      app.get("/readyz", async (_req, res) => {
        const names = Object.keys(checks);
        const results = await Promise.allSettled(names.map((name) => withTimeout(checks[name]!, readinessTimeoutMs)));
        const status: Record<string, "ok" | "failed"> = {};
        const failed: string[] = [];
        results.forEach((result, i) => {
          const name = names[i]!;
          status[name] = result.status === "fulfilled" ? "ok" : "failed";
          if (result.status === "rejected") {
            failed.push(name);
            // The reason goes to the log only: it may name hosts or internals.
            const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
            deps.logger.warn({ check: name, reason }, "readiness check failed");
          }
        });
        res.setHeader("Cache-Control", "no-store");
        if (failed.length > 0) {
          sendProblem(
            res,
            new AppError("UPSTREAM_UNAVAILABLE", `Not ready: ${failed.join(", ")}`, {
              details: { failed, checks: status },
            }),
          );
          return;
        }
        res.json({ status: "ok", checks: status });
      });

      app.get("/openapi.json", (_req, res) => {
        res.type("application/json").send(openapiJson());
      });
    },
  });
  return withRawRoutes(app, modules);
}
