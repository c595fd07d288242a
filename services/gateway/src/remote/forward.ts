import {
  endSpan,
  type InternalIdentity,
  injectContext,
  type Logger,
  SpanKind,
  signInternalCall,
  tracer,
  tracingEnabled,
} from "@varai/runtime";
import { AppError } from "@varai/schema";
import type { Request, Response } from "express";

/** Trace context headers (W3C): with tracing off, passed on to the service process as they came. */
const TRACE_HEADERS = ["traceparent", "tracestate"] as const;

export interface ServiceTarget {
  /** The service's base URL (RECS_URL_EU, SERVICE_URL_<NAME>). */
  baseUrl: string;
  /** What the refusal names when the service cannot be reached ("recommendations (eu)"). */
  label: string;
}

export interface ForwardOptions {
  internalKey: Uint8Array;
  logger: Logger;
  /** Per call; a service that does not answer in time is unavailable. Default 10 s. */
  timeoutMs?: number;
}

/**
 * One call of the gateway to a service process: the request id, the trace context and the
 * principal (signed, with the tenant's region) go along; the answer comes back as it is. A
 * service that cannot be reached is a 503 `UPSTREAM_UNAVAILABLE` naming it: never a silent
 * fallback to another instance or region.
 */
export async function callService(
  target: ServiceTarget,
  req: Request,
  res: Response,
  call: { method: string; path: string; body?: unknown } & InternalIdentity,
  options: ForwardOptions,
): Promise<globalThis.Response> {
  const requestId = String(res.locals.requestId);
  const headers: Record<string, string> = {
    accept: "application/json",
    "x-request-id": requestId,
    ...signInternalCall(options.internalKey, { ...call, requestId }),
  };
  // A CLIENT span for the call, its context in the headers: the service continues this trace.
  const span = tracingEnabled()
    ? tracer().startSpan(`${call.method} ${target.label}`, {
        kind: SpanKind.CLIENT,
        attributes: { "url.full": `${target.baseUrl}${call.path}` },
      })
    : null;
  if (span) injectContext(headers, span);
  else
    for (const name of TRACE_HEADERS) {
      const value = req.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
  const tenantHeader = req.headers["x-varai-tenant"];
  if (typeof tenantHeader === "string") headers["x-varai-tenant"] = tenantHeader;
  if (call.body !== undefined) headers["content-type"] = "application/json";
  try {
    const response = await fetch(`${target.baseUrl}${call.path}`, {
      method: call.method,
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    span?.setAttribute("http.response.status_code", response.status);
    if (span) endSpan(span);
    return response;
  } catch (error) {
    if (span) endSpan(span, error);
    options.logger.warn(
      { service: target.label, reason: error instanceof Error ? error.message : String(error) },
      "service unreachable",
    );
    throw new AppError("UPSTREAM_UNAVAILABLE", `${target.label} is unavailable`, {
      details: { service: target.label },
    });
  }
}

/** Sends a service's answer on as it came: status, JSON or problem body, and the headers that matter. */
export async function relay(upstream: globalThis.Response, res: Response, keep: readonly string[] = []): Promise<void> {
  for (const name of ["content-type", "retry-after", ...keep]) {
    const value = upstream.headers.get(name);
    if (value) res.setHeader(name, value);
  }
  res.status(upstream.status).send(Buffer.from(await upstream.arrayBuffer()));
}
