import { Agent, type IncomingMessage, type OutgoingHttpHeaders, request, type ServerResponse } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import {
  endSpan,
  getPrincipal,
  INTERNAL_HEADERS,
  injectContext,
  type Logger,
  type ServiceModule,
  SpanKind,
  signInternalCall,
  tracer,
  tracingEnabled,
  writeProblem,
} from "@varai/runtime";
import { AppError } from "@varai/schema";
import { type Request, type Response, Router } from "express";
import { AUDIT_CONTEXT_HEADER } from "./audit-context.ts";

export interface RemoteServiceOptions {
  /** SERVICE_URL_<NAME>, without a trailing slash. */
  baseUrl: string;
  internalKey: Uint8Array;
  logger: Logger;
  /** Per call; a service that does not answer in time is unavailable. Default 30 s (try-on renders). */
  timeoutMs?: number;
  /** Paths served under these prefixes besides the OpenAPI paths (widgets' model files). */
  extraPrefixes?: readonly string[];
}

/** Hop-by-hop headers (RFC 9110 7.6.1) and what node:http sets itself: never copied across (the length is set apart). */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
]);

/**
 * A service that runs as its own process (service-main.ts), in the gateway's module list in
 * place of the in-process one: the same paths (its OpenAPI document and raw routes), each call
 * forwarded to SERVICE_URL_<NAME> after the edge's CORS, authentication, rate limits and audit
 * trail. The principal goes along signed (VARAI_INTERNAL_KEY), never trusted from outside: the
 * caller's own internal headers are dropped. Request bodies go as they came (multipart photos
 * stream; JSON the edge already parsed is sent as JSON), answers come back streamed, statuses and
 * headers as the service set them. A service that cannot be reached is a 503
 * `UPSTREAM_UNAVAILABLE` naming it. Calls go over node:http on a keep-alive agent, bodies piped
 * both ways: through fetch (undici's Headers and web streams) the forwarding cost the gateway more
 * CPU per webhook than the whole in-process intake and worker did (`BENCH_DEPLOYMENT=split pnpm
 * bench:webhooks`, gateway/README.md).
 *
 * No start or stop: the service's consumers and schedules run in its own process.
 */
export function remoteService(local: ServiceModule, options: RemoteServiceOptions): ServiceModule {
  const logger = options.logger.child({ component: "remote-service", service: local.name });
  const label = local.name;
  const routes = Object.keys(local.openapi?.paths ?? {}).map((template) => ({
    pattern: pathPattern(template),
    // The label the in-process route has in the metrics (`/v1/products/:id`).
    path: template.replace(/\{([^}]+)\}/g, ":$1"),
  }));
  const prefixes = [...(local.rawRoutes ?? []).map((r) => r.prefix), ...(options.extraPrefixes ?? [])];
  const routeOf = (path: string) =>
    routes.find((r) => r.pattern.test(path))?.path ?? prefixes.find((p) => path.startsWith(p));

  const router = Router();
  router.use(async (req: Request, res: Response, next) => {
    const route = routeOf(req.path);
    if (!route) return next();
    // For the edge's metrics and traces: the route template, as a mounted route would set it.
    Object.defineProperty(req, "route", { value: { path: route }, configurable: true });
    const principal = getPrincipal(res);
    // express.json consumed the stream when it parsed a body (req.body is undefined otherwise).
    const parsedJson = req.body !== undefined;
    const upstream = await send(req, {
      requestId: String(res.locals.requestId),
      ...(principal ? { principal } : {}),
      body: parsedJson ? JSON.stringify(req.body) : hasBody(req) ? req : null,
    });
    // The service's route named the audit target or recorded its own entry: the edge's audit trail uses that.
    const audit = upstream.headers[AUDIT_CONTEXT_HEADER];
    if (typeof audit === "string")
      res.locals.audit = { ...(res.locals.audit as object | undefined), ...decodeAudit(audit) };
    await relay(upstream, res);
  });

  const target = new URL(options.baseUrl);
  const secure = target.protocol === "https:";
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new Agent({ keepAlive: true });
  const basePath = target.pathname.replace(/\/$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;

  /** Resolves with the service's answer (its body not yet read); rejects with a 503 when it cannot be reached. */
  function send(
    req: IncomingMessage,
    call: { requestId: string; principal?: ReturnType<typeof getPrincipal>; body: string | IncomingMessage | null },
  ): Promise<IncomingMessage> {
    const path = req.url ?? "/";
    const method = req.method ?? "GET";
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || name === INTERNAL_HEADERS.principal) continue;
      if (name === INTERNAL_HEADERS.signature || name === "x-request-id" || name === "x-forwarded-for") continue;
      headers[name] = value;
    }
    headers["x-request-id"] = call.requestId;
    const forwardedFor = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ");
    if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
    if (call.principal) {
      // The principal as the edge authenticated it; the tenant's region is the service's own lookup.
      const signed = signInternalCall(options.internalKey, {
        method,
        path,
        requestId: call.requestId,
        principal: call.principal,
        region: null,
      });
      Object.assign(headers, signed);
    }
    const span = tracingEnabled()
      ? tracer().startSpan(`${method} ${label}`, {
          kind: SpanKind.CLIENT,
          attributes: { "url.full": `${options.baseUrl}${path}` },
        })
      : null;
    if (span) {
      const trace: Record<string, string> = {};
      injectContext(trace, span);
      Object.assign(headers, trace);
    }
    // The bytes as they came: their length too when the caller sent one (else chunked).
    if (typeof call.body === "string") headers["content-length"] = Buffer.byteLength(call.body);
    else if (call.body && req.headers["content-length"] !== undefined)
      headers["content-length"] = req.headers["content-length"];
    return new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = (secure ? httpsRequest : request)(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method,
          path: `${basePath}${path}`,
          headers,
          agent,
        },
        (response) => {
          span?.setAttribute("http.response.status_code", response.statusCode ?? 0);
          if (span) endSpan(span);
          response.once("close", () => clearTimeout(timer));
          resolve(response);
        },
      );
      // The whole call, the answer's body included: a service that stops mid-answer is cut off.
      const timer = setTimeout(() => outgoing.destroy(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      outgoing.on("error", (error) => {
        clearTimeout(timer);
        if (span) endSpan(span, error);
        logger.warn({ reason: error.message }, "service unreachable");
        // Before an answer: the caller's body is left unread (the edge answers 503 on its socket).
        if (call.body && typeof call.body !== "string") call.body.unpipe(outgoing);
        reject(new AppError("UPSTREAM_UNAVAILABLE", `${label} is unavailable`, { details: { service: label } }));
      });
      if (typeof call.body === "string") outgoing.end(call.body);
      else if (call.body) {
        const incoming = call.body;
        // The caller went away mid-body: the call is dropped, not left waiting for the rest.
        incoming.once("close", () => {
          if (!incoming.complete) outgoing.destroy(new Error("the caller went away"));
        });
        incoming.pipe(outgoing);
      } else outgoing.end();
    });
  }

  const rawRoutes = (local.rawRoutes ?? []).map((route) => ({
    prefix: route.prefix,
    // Platform webhooks: their signature covers the raw body, which goes on byte for byte.
    handle(req: IncomingMessage, res: ServerResponse, requestId: string) {
      send(req, { requestId, body: hasBody(req) ? req : null })
        .then((upstream) => relay(upstream, res))
        .catch((error: unknown) => {
          if (res.headersSent) return res.destroy();
          writeProblem(
            res,
            error instanceof AppError ? error : new AppError("UPSTREAM_UNAVAILABLE", `${label} is unavailable`),
            requestId,
          );
        });
    },
  }));

  return {
    name: local.name,
    router,
    rawRoutes,
    ...(local.openapi ? { openapi: local.openapi } : {}),
    async ready() {
      const response = await fetch(`${options.baseUrl}/readyz`, { signal: AbortSignal.timeout(1500) }).catch(
        () => null,
      );
      await response?.body?.cancel();
      if (!response?.ok) throw new Error(`${label} at ${options.baseUrl} is not ready`);
    },
  };
}

/** `/v1/products/{id}` -> a regex on the request path (a trailing slash allowed, as express does). */
function pathPattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "[^/]+" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}/?$`);
}

function hasBody(req: IncomingMessage): boolean {
  return req.method !== "GET" && req.method !== "HEAD" && req.headers["content-length"] !== "0";
}

function decodeAudit(value: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The service's answer, streamed: status and headers as it set them (the edge's CORS headers kept). */
async function relay(upstream: IncomingMessage, res: ServerResponse): Promise<void> {
  res.statusCode = upstream.statusCode ?? 502;
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value === undefined || name === AUDIT_CONTEXT_HEADER) continue;
    // The body goes on byte for byte, so its length and encoding still apply.
    if (HOP_BY_HOP.has(name) && name !== "content-length") continue;
    if (name.startsWith("access-control-") && res.hasHeader(name)) continue;
    res.setHeader(name, value);
  }
  await new Promise<void>((resolve) => {
    const done = () => {
      // The caller went away first: the service's answer is not read any further.
      if (!upstream.complete) upstream.destroy();
      resolve();
    };
    res.once("close", done);
    // The service's connection broke mid-answer: the caller sees a cut answer, never a complete-looking one.
    upstream.on("error", () => res.destroy());
    upstream.pipe(res);
  });
}
