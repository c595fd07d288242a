import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AcceptedWebhook, PingEvent, WebhookEvent, WebhookFailure, WebhookRequest } from "@varai/commerce";
import { type RawRoute, type RuntimeDeps, toHttpError, writeProblem } from "@varai/runtime";
import { AppError, type Platform } from "@varai/schema";
import express, { type Request, type Response } from "express";
import getRawBody from "raw-body";
import { CATALOG_QUEUES, type ConnectionDoc } from "./collections.ts";
import { type CatalogStore, routeKey } from "./connections-store.ts";
import type { DeliveryLog } from "./delivery-log.ts";
import type { IntakeActivity } from "./intake-activity.ts";
import type { AdapterRegistry } from "./registry.ts";
import { createSignatureGuard, type SignatureGuard } from "./signature-guard.ts";
import type { StatsBuffer } from "./webhook-stats.ts";

/** Shopify retries for 4 h, BigCommerce for 48 h: keep dedupe keys past the longest window. */
const DEDUPE_TTL_MS = 72 * 3600 * 1000;
export const WEBHOOK_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

export interface EventJob {
  tenantId: string;
  connectionId: string;
  receivedAt: string;
  deliveryId: string;
  /** `accepted`: verified at the door, mapped by the worker (the adapter's interpretWebhook). */
  event: WebhookEvent | AcceptedWebhook;
}

interface IntakeDeps {
  deps: RuntimeDeps;
  store: CatalogStore;
  registry: AdapterRegistry;
  stats: StatsBuffer;
  deliveries: DeliveryLog;
  /** Told about every delivery, so deferrable work waits for a gap (intake-activity.ts). */
  activity?: IntakeActivity;
}

/** The webhook paths, with the platform each serves and the connection id where the path names it. */
const PATHS: ReadonlyArray<readonly [RegExp, Platform]> = [
  [/^\/webhooks\/shopify\/?$/, "shopify"],
  [/^\/webhooks\/woocommerce\/([^/]+)\/?$/, "woocommerce"],
  // Thin events signed by the VARAi Magento module (adapters/magento README: event contract).
  [/^\/webhooks\/magento\/([^/]+)\/?$/, "magento"],
  [/^\/webhooks\/bigcommerce\/?$/, "bigcommerce"],
];

function matchPath(url: string): { platform: Platform; connectionId?: string } | null {
  const path = url.split("?", 1)[0]!;
  for (const [pattern, platform] of PATHS) {
    const m = pattern.exec(path);
    if (!m) continue;
    if (m[1] === undefined) return { platform };
    try {
      return { platform, connectionId: decodeURIComponent(m[1]) };
    } catch {
      return null; // a malformed %-escape names no connection
    }
  }
  return null;
}

/** The URL a connection's platform delivers to (what registerWebhooks subscribes). */
export function webhookUrlFor(publicBaseUrl: string) {
  const base = publicBaseUrl.replace(/\/+$/, "");
  return (c: Pick<ConnectionDoc, "id" | "platform">) =>
    c.platform === "shopify"
      ? `${base}/webhooks/shopify`
      : c.platform === "bigcommerce"
        ? `${base}/webhooks/bigcommerce`
        : `${base}/webhooks/${c.platform}/${c.id}`;
}

/** Plain node write: the acks are the hot path. */
const plain = (res: ServerResponse, status: number, body = "") => {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
};

/**
 * The raw body as sent, read with raw-body (what body-parser uses underneath) without
 * body-parser's per-request type matching and set-up, which cost more than the signature check.
 * Over the limit (declared or streamed) -> 413, after reading off the rest as body-parser does, so
 * the connection stays usable. A compressed body (Content-Encoding other than identity) goes
 * through body-parser's `raw`, which inflates it: signatures cover the uncompressed bytes.
 */
async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(req, { limit, length: req.headers["content-length"] });
  } catch (error) {
    if ((error as { type?: string }).type !== "entity.too.large") {
      throw new AppError("INVALID_INPUT", "Request aborted or malformed", { cause: error });
    }
    await new Promise<void>((resolve) => {
      if (req.readableEnded || req.destroyed) return resolve();
      req.once("end", resolve).once("close", resolve).resume();
    });
    throw new AppError("PAYLOAD_TOO_LARGE", "Request body too large");
  }
}

/** Dedupe, then the durable enqueue (the ack), then the delivery record and counters (batched). */
async function accept(
  { deps, stats, deliveries }: IntakeDeps,
  connection: ConnectionDoc,
  event: Exclude<EventJob["event"], PingEvent>,
  now: Date,
): Promise<"duplicate" | "accepted"> {
  const receivedAt = now.toISOString();
  const deliveryId = createHash("sha256")
    .update(`${connection.id}\n${event.dedupeKey}`)
    .digest("base64url")
    .slice(0, 32);
  const fresh = await deps.cache.setIfAbsent(`catalog:webhook:${deliveryId}`, 1, DEDUPE_TTL_MS);
  if (!fresh) {
    stats.count(connection, "duplicates", receivedAt);
    return "duplicate";
  }
  const job: EventJob = {
    tenantId: connection.tenantId,
    connectionId: connection.id,
    receivedAt,
    deliveryId,
    event,
  };
  try {
    await deps.queue.enqueue(CATALOG_QUEUES.events, job, { id: deliveryId });
  } catch (error) {
    // Not accepted after all: forget the delivery so the platform's retry is processed.
    await deps.cache.delete(`catalog:webhook:${deliveryId}`);
    throw error;
  }
  deliveries.record({
    id: deliveryId,
    tenantId: connection.tenantId,
    connectionId: connection.id,
    topic: event.topic,
    outcome: "accepted",
    receivedAt,
    expiresAt: new Date(now.getTime() + DEDUPE_TTL_MS),
  });
  stats.count(connection, "accepted", receivedAt);
  return "accepted";
}

/** A refused delivery: a bad or missing signature spends the client's budget; a malformed one is counted and logged (never the body). */
async function countRefusal(
  { deps, stats }: IntakeDeps,
  guard: SignatureGuard,
  connection: ConnectionDoc,
  failure: WebhookFailure,
  ip: string,
  receivedAt: string,
): Promise<void> {
  if (failure.reason === "bad-signature" || failure.reason === "unauthenticated") {
    stats.count(connection, "rejectedSignatures", null);
    await guard.refused(ip);
  }
  if (failure.reason === "malformed") {
    stats.count(connection, "malformed", receivedAt);
    deps.logger.warn(
      { connectionId: connection.id, tenantId: connection.tenantId, reason: failure.message },
      "malformed webhook",
    );
  }
}

/** The raw body as sent (5 MB at most, compressed or not) with the headers the adapter verifies. */
function createDeliveryReader() {
  // body-parser's raw (what express.raw is) works on node's own request and response.
  const inflate = express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT_BYTES });
  const readCompressed = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<Buffer>((resolve, reject) =>
      inflate(req as Request, res as Response, (e?: unknown) => {
        if (e) return reject(e);
        // A request without a body (no Content-Length, not chunked) is left unread: no `req.body`.
        const body = (req as { body?: unknown }).body;
        resolve(Buffer.isBuffer(body) ? body : Buffer.alloc(0));
      }),
    );

  return async (
    req: IncomingMessage,
    res: ServerResponse,
    connectionId: string | undefined,
  ): Promise<WebhookRequest> => {
    const encoding = req.headers["content-encoding"];
    const rawBody =
      encoding === undefined || encoding.toLowerCase() === "identity"
        ? await readRawBody(req, WEBHOOK_BODY_LIMIT_BYTES)
        : await readCompressed(req, res);
    return {
      rawBody,
      headers: req.headers,
      method: req.method ?? "POST",
      pathParams: connectionId === undefined ? {} : { connectionId },
    };
  };
}

/**
 * Verified intake: raw body (5 MB cap, 413) -> find the connection (404 if unknown) -> the
 * adapter verifies the signature on the raw bytes BEFORE parsing (401: nothing stored, no
 * outbound call) -> dedupe (cache) -> enqueue (durable) -> 200; the delivery record and the
 * counters are written in batches after the ack. Duplicates, stale and ignored topics are 200
 * so platforms do not retry them.
 *
 * Served as a raw route (runtime RawRoute): node's request and response, ahead of express and the
 * gateway's middleware; the signature is these deliveries' authentication.
 */
export function createWebhookIntake(x: IntakeDeps): RawRoute {
  const { deps, store, registry, activity } = x;
  const guard = createSignatureGuard(deps);
  const readDelivery = createDeliveryReader();

  const intake = async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> => {
    activity?.touch();
    try {
      const ip = guard.clientIp(req);
      guard.check(ip);
      const target = matchPath(req.url ?? "/");
      if (!target) throw new AppError("NOT_FOUND", `No route for ${req.method} ${(req.url ?? "/").split("?", 1)[0]}`);
      const { platform, connectionId } = target;
      if (req.method !== "POST") {
        res.setHeader("Allow", "POST");
        return plain(res, 405, "Method Not Allowed");
      }
      const request = await readDelivery(req, res, connectionId);
      // The delivery names its connection (unverified); that connection's adapter verifies it.
      const route = registry.routeWebhook(platform, request);
      if (!route.ok) return plain(res, route.error.status, route.error.message);
      const connection = await store.byRoute(routeKey.of(route.value));
      if (!connection || connection.platform !== platform) throw new AppError("NOT_FOUND", "Unknown connection");

      // Where the adapter can (acceptWebhook), the payload is mapped by the worker after the ack.
      const adapter = registry.adapterFor(connection);
      const parsed = adapter.acceptWebhook ? adapter.acceptWebhook(request) : adapter.parseWebhook(request);
      const now = deps.clock();
      const receivedAt = now.toISOString();
      if (!parsed.ok) {
        await countRefusal(x, guard, connection, parsed.error, ip, receivedAt);
        return plain(res, parsed.error.status, parsed.error.message);
      }
      const event = parsed.value;
      if (event.kind === "ping") return plain(res, 200, "ok");
      if (event.kind === "ignored") return plain(res, 200, "ignored");
      // An uninstalled store's catalog and order events are dropped by the worker (one place for
      // every event, mapped here or there).

      return plain(res, 200, await accept(x, connection, event, now));
    } catch (error) {
      // body-parser's own errors (an inflated body over the limit, a bad encoding) map to their codes.
      const appError = toHttpError(error);
      if (appError.code === "INTERNAL") deps.logger.error({ err: error, requestId }, "webhook intake failed");
      if (res.headersSent) res.end();
      else writeProblem(res, appError, requestId);
    }
  };

  return {
    prefix: "/webhooks/",
    handle: (req, res, requestId) => void intake(req, res, requestId),
  };
}
