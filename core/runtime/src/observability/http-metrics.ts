import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, RequestHandler } from "express";
import { metrics } from "./metrics.ts";

/** The matched route's template (`/v1/products/:id`), never the raw path: ids would explode the series. */
function routeOf(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  return typeof route?.path === "string" ? `${req.baseUrl}${route.path}` : "unmatched";
}

function record(method: string, route: string, res: ServerResponse, started: bigint) {
  const labels = { method, route, status: String(res.statusCode) };
  metrics.httpRequests.inc(labels);
  metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
}

/** Express middleware: rate, errors (status) and latency per route template. */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const started = process.hrtime.bigint();
  res.once("finish", () => record(req.method, routeOf(req), res, started));
  next();
};

/** The same for a raw route (platform webhooks), labelled with its prefix. */
export function recordRawRoute(req: IncomingMessage, res: ServerResponse, prefix: string): void {
  const started = process.hrtime.bigint();
  res.once("finish", () => record(req.method ?? "GET", `${prefix}*`, res, started));
}
