import { randomUUID } from "node:crypto";
import type { RequestListener } from "node:http";
import express, { type Express, type RequestHandler } from "express";
import type { ServiceModule } from "./deps.ts";
import { createErrorHandler, notFoundHandler } from "./http.ts";
import { httpMetrics, recordRawRoute } from "./observability/http-metrics.ts";
import { traceRawRoute, traceRequests } from "./observability/http-tracing.ts";
import { renderMetrics } from "./observability/metrics.ts";
import type { Logger } from "./ports/logger.ts";

export interface HttpAppOptions {
  modules: readonly ServiceModule[];
  logger: Logger;
  /** Middleware before authentication (CORS preflights carry no credentials). */
  beforeAuth?: RequestHandler[];
  /** Sets `res.locals.principal` (the auth service's middleware in the gateway; a test double in service tests). */
  authenticate?: RequestHandler;
  /** Extra middleware after authentication and before the service routers (rate limits). */
  before?: RequestHandler[];
  /** Routes mounted before the services (health, openapi, demo). */
  routes?: (app: Express) => void;
  /** JSON body limit. Default 1 MB. */
  jsonLimit?: string;
}

/**
 * The express skeleton every deployable and every service test uses, so that request
 * ids, body limits and problem+json errors behave the same everywhere.
 *
 * Serve it with `withRawRoutes`, which puts the modules' raw routes (platform webhooks) in
 * front of it.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.set("query parser", "simple");

  // Prometheus scrapes every process here, without credentials (the scrape is not counted).
  // Labels hold route templates and queue names only; the edge does not route /metrics publicly.
  app.get("/metrics", async (_req, res, next) => {
    try {
      const { contentType, body } = await renderMetrics();
      res.setHeader("Cache-Control", "no-store");
      res.type(contentType).send(body);
    } catch (error) {
      next(error);
    }
  });
  app.use(httpMetrics);
  app.use(traceRequests);

  app.use((req, res, next) => {
    const requestId = requestIdFor(req.headers["x-request-id"]);
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    next();
  });

  // text/plain too: `navigator.sendBeacon` sends a CORS-simple text/plain body (no preflight).
  app.use(express.json({ limit: options.jsonLimit ?? "1mb", type: ["application/json", "text/plain"] }));

  for (const middleware of options.beforeAuth ?? []) app.use(middleware);
  if (options.authenticate) app.use(options.authenticate);
  for (const middleware of options.before ?? []) app.use(middleware);
  options.routes?.(app);
  for (const module of options.modules) app.use(module.router);

  app.use(notFoundHandler);
  app.use(createErrorHandler(options.logger));
  return app;
}

/** The caller's X-Request-Id when it is a plain token, else a new one. */
export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === "string" && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

/**
 * The listener for `http.createServer`: a request under a module's raw route (deps.ts RawRoute)
 * goes to it directly; everything else to the express app.
 */
export function withRawRoutes(app: Express, modules: readonly ServiceModule[]): RequestListener {
  const routes = modules.flatMap((module) => module.rawRoutes ?? []);
  if (routes.length === 0) return app;
  return (req, res) => {
    const url = req.url ?? "/";
    const route = routes.find((r) => url.startsWith(r.prefix));
    if (!route) return app(req, res);
    const requestId = requestIdFor(req.headers["x-request-id"]);
    res.setHeader("X-Request-Id", requestId);
    recordRawRoute(req, res, route.prefix);
    traceRawRoute(req, res, route.prefix, () => route.handle(req, res, requestId));
  };
}
