import { randomUUID } from "node:crypto";
import express, { type Express, type RequestHandler } from "express";
import type { ServiceModule } from "./deps.ts";
import { createErrorHandler, notFoundHandler } from "./http.ts";
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
 * JSON is parsed for every path except `/webhooks/*`: webhook routers read the raw body
 * themselves because signatures are computed over the exact bytes.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.set("query parser", "simple");

  app.use((req, res, next) => {
    const incoming = req.header("x-request-id");
    const requestId = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    next();
  });

  // text/plain too: `navigator.sendBeacon` sends a CORS-simple text/plain body (no preflight).
  const json = express.json({ limit: options.jsonLimit ?? "1mb", type: ["application/json", "text/plain"] });
  app.use((req, res, next) => (req.path.startsWith("/webhooks/") ? next() : json(req, res, next)));

  for (const middleware of options.beforeAuth ?? []) app.use(middleware);
  if (options.authenticate) app.use(options.authenticate);
  for (const middleware of options.before ?? []) app.use(middleware);
  options.routes?.(app);
  for (const module of options.modules) app.use(module.router);

  app.use(notFoundHandler);
  app.use(createErrorHandler(options.logger));
  return app;
}
