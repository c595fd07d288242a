import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import { context, endSpan, extractContext, SpanKind, trace, tracer, tracingEnabled } from "./tracing.ts";

/** The route template express matched, as the metrics use it. */
const routeTemplate = (req: { baseUrl: string; route?: { path?: unknown } }) =>
  typeof req.route?.path === "string" ? `${req.baseUrl}${req.route.path}` : "unmatched";

/** One SERVER span per request, continuing the caller's trace; route template and status on it. */
export const traceRequests: RequestHandler = (req, res, next) => {
  if (!tracingEnabled()) return next();
  const parent = extractContext(req.headers);
  const span = tracer().startSpan(
    req.method,
    { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method, "url.path": req.path } },
    parent,
  );
  res.once("finish", () => {
    const route = routeTemplate(req);
    span.updateName(`${req.method} ${route}`);
    span.setAttribute("http.route", route);
    span.setAttribute("http.response.status_code", res.statusCode);
    endSpan(span, res.statusCode >= 500 ? `HTTP ${res.statusCode}` : undefined);
  });
  context.with(trace.setSpan(parent, span), next);
};

/** The same for a raw route (platform webhooks): runs `handle` inside the request's span. */
export function traceRawRoute(req: IncomingMessage, res: ServerResponse, prefix: string, handle: () => void): void {
  if (!tracingEnabled()) {
    handle();
    return;
  }
  const parent = extractContext(req.headers);
  const span = tracer().startSpan(
    `${req.method} ${prefix}*`,
    { kind: SpanKind.SERVER, attributes: { "http.route": `${prefix}*` } },
    parent,
  );
  res.once("finish", () => {
    span.setAttribute("http.response.status_code", res.statusCode);
    endSpan(span, res.statusCode >= 500 ? `HTTP ${res.statusCode}` : undefined);
  });
  context.with(trace.setSpan(parent, span), handle);
}
