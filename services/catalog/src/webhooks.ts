import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AcceptedWebhook, WebhookEvent, WebhookRequest } from "@varai/commerce";
import {
  type Logger,
  type RateLimitPolicy,
  type RawRoute,
  type RuntimeDeps,
  toHttpError,
  writeProblem,
} from "@varai/runtime";
import { AppError, isAppError, type Platform } from "@varai/schema";
import express, { type Request, type Response } from "express";
import proxyAddr from "proxy-addr";
import getRawBody from "raw-body";
import { createIntakeActivity, type IntakeActivity } from "./acks-first.ts";
import { type CatalogStore, routeKey } from "./connections-store.ts";
import { CATALOG_QUEUES, type ConnectionDoc, type DeliveryDoc } from "./model.ts";
import type { AdapterRegistry } from "./registry.ts";

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

type StatName = "accepted" | "duplicates" | "rejectedSignatures" | "malformed";

/**
 * Webhook counters are buffered in memory and flushed about once a second: one document write
 * per delivery would dominate intake latency. A crash loses at most a second of counts.
 */
export function createStatsBuffer(store: CatalogStore, logger: Logger) {
  const pending = new Map<
    string,
    { tenantId: string; id: string; inc: Record<StatName, number>; lastDeliveryAt: string | null }
  >();
  const flush = async () => {
    const batch = [...pending.values()];
    pending.clear();
    for (const p of batch) {
      const $inc: Record<string, number> = {};
      for (const [k, v] of Object.entries(p.inc)) if (v) $inc[`webhookStats.${k}`] = v;
      try {
        await store.connections.updateOne(
          p.tenantId,
          { id: p.id },
          {
            ...(Object.keys($inc).length ? { $inc } : {}),
            ...(p.lastDeliveryAt ? { $max: { lastDeliveryAt: p.lastDeliveryAt } } : {}),
          },
        );
      } catch (error) {
        logger.warn({ connectionId: p.id, err: error }, "webhook stats flush failed");
      }
    }
  };
  return {
    count(conn: Pick<ConnectionDoc, "tenantId" | "id">, stat: StatName, at: string | null) {
      const key = `${conn.tenantId}/${conn.id}`;
      let p = pending.get(key);
      if (!p) {
        p = {
          tenantId: conn.tenantId,
          id: conn.id,
          inc: { accepted: 0, duplicates: 0, rejectedSignatures: 0, malformed: 0 },
          lastDeliveryAt: null,
        };
        pending.set(key, p);
      }
      p.inc[stat]++;
      if (at && (!p.lastDeliveryAt || at > p.lastDeliveryAt)) p.lastDeliveryAt = at;
    },
    flush,
  };
}
export type StatsBuffer = ReturnType<typeof createStatsBuffer>;

/**
 * The delivery records (audit and health: what arrived when) are written in batches off the ack
 * path: one store write per delivery, behind the embedded store's write lock, was most of the
 * intake latency. Nothing accepted is lost by deferring them: the job is already in the queue
 * (the durable record in production) before the 200, dedupe is the cache's `setIfAbsent`, and a
 * duplicate the cache forgot (restart of the in-process cache, eviction) is processed again
 * harmlessly (last-writer-wins; thin payloads re-fetch the current state). A crash loses at most
 * the records of the last second.
 *
 * The writes wait for a gap between deliveries (`activity`, at most a second) and go in chunks of
 * `batchSize` with other callbacks in between: an insert of 100 records is a few milliseconds of
 * one event loop the acks share.
 */
export function createDeliveryLog(
  store: CatalogStore,
  logger: Logger,
  activity: IntakeActivity = createIntakeActivity({ maxDeferMs: 0 }),
  batchSize = 100,
) {
  let pending: DeliveryDoc[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let scheduled = false;
  const insert = async (tenantId: string, rows: Array<Omit<DeliveryDoc, "tenantId">>) => {
    try {
      await store.deliveries.insertMany(tenantId, rows);
    } catch (error) {
      if (!(isAppError(error) && error.code === "CONFLICT")) {
        logger.warn({ tenantId, count: rows.length, err: error }, "webhook delivery records not written");
        return;
      }
      // A record with that id exists already (a replay after a cache restart): the rest one by one.
      for (const row of rows)
        await store.deliveries.insertOne(tenantId, row).catch((e) => {
          if (!(isAppError(e) && e.code === "CONFLICT")) logger.warn({ tenantId, err: e }, "delivery record");
        });
    }
  };
  const write = async (batch: DeliveryDoc[]) => {
    const byTenant = new Map<string, Array<Omit<DeliveryDoc, "tenantId">>>();
    for (const { tenantId, ...row } of batch) {
      const list = byTenant.get(tenantId) ?? [];
      list.push(row);
      byTenant.set(tenantId, list);
    }
    for (const [tenantId, rows] of byTenant) {
      for (let i = 0; i < rows.length; i += batchSize) {
        if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        await insert(tenantId, rows.slice(i, i + batchSize));
      }
    }
  };
  const flush = () => {
    if (pending.length === 0) return flushing;
    const batch = pending;
    pending = [];
    flushing = flushing.then(() => write(batch));
    return flushing;
  };
  return {
    record(doc: DeliveryDoc) {
      pending.push(doc);
      if (scheduled) return;
      scheduled = true;
      void activity.idle(performance.now()).then(() => {
        scheduled = false;
        return flush();
      });
    },
    /** Writes everything recorded so far (stop, and readers that need the records now). */
    flush,
  };
}
export type DeliveryLog = ReturnType<typeof createDeliveryLog>;

interface IntakeDeps {
  deps: RuntimeDeps;
  store: CatalogStore;
  registry: AdapterRegistry;
  stats: StatsBuffer;
  deliveries: DeliveryLog;
  /** Told about every delivery, so deferrable work waits for a gap (acks-first.ts). */
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

/**
 * Webhooks skip the gateway's per-IP budget (they arrive in platform bursts), so refused
 * signatures have their own: a client that sends more than 60 in a minute is refused (429) for 15 minutes
 * before its bodies are read or hashed. Platforms sign correctly, so only forgers and a
 * misconfigured secret spend it; the latter shows as `rejectedSignatures` in the connection's health.
 */
export const SIGNATURE_FAILURE_POLICY: RateLimitPolicy = {
  name: "webhook-signature-failure-ip",
  points: 60,
  windowMs: 60_000,
  blockMs: 15 * 60_000,
};

/**
 * Clients whose signature budget is spent, remembered in-process so that the check costs no
 * limiter call on the ack path. Bounded: past `max` entries the oldest block is forgotten (the
 * shared limiter still counts its next failure).
 */
function createBlockList(max = 10_000) {
  const until = new Map<string, number>();
  return {
    blocked(ip: string, now: number): number {
      const t = until.get(ip);
      if (t === undefined) return 0;
      if (t > now) return t - now;
      until.delete(ip);
      return 0;
    },
    block(ip: string, untilMs: number) {
      until.delete(ip);
      until.set(ip, untilMs);
      if (until.size > max) until.delete(until.keys().next().value as string);
    },
  };
}

/** The client's address as express would give it with "trust proxy" = loopback (http-app.ts). */
const TRUST_LOOPBACK = proxyAddr.compile("loopback");
const clientIp = (req: IncomingMessage) => proxyAddr(req, TRUST_LOOPBACK);

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
export function createWebhookIntake({ deps, store, registry, stats, deliveries, activity }: IntakeDeps): RawRoute {
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

  const blockList = createBlockList();
  /** Spends the caller's refused-signature budget; once spent, its next deliveries get 429 unread. */
  const signatureRefused = async (ip: string) => {
    try {
      const decision = await deps.rateLimiter.consume(SIGNATURE_FAILURE_POLICY, ip);
      if (!decision.allowed) blockList.block(ip, Date.now() + (decision.retryAfterMs ?? decision.resetMs));
    } catch (error) {
      // The limiter's store is down: the delivery is still refused (401), only not counted.
      deps.logger.warn({ err: error }, "refused-signature budget not counted");
    }
  };

  const intake = async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> => {
    activity?.touch();
    try {
      const ip = clientIp(req);
      const blockedForMs = blockList.blocked(ip, Date.now());
      if (blockedForMs > 0)
        throw new AppError("RATE_LIMITED", "Too many refused signatures, retry later", {
          details: { retryAfterMs: blockedForMs },
        });
      const target = matchPath(req.url ?? "/");
      if (!target) throw new AppError("NOT_FOUND", `No route for ${req.method} ${(req.url ?? "/").split("?", 1)[0]}`);
      const { platform, connectionId } = target;
      if (req.method !== "POST") {
        res.setHeader("Allow", "POST");
        return plain(res, 405, "Method Not Allowed");
      }
      const encoding = req.headers["content-encoding"];
      const rawBody =
        encoding === undefined || encoding.toLowerCase() === "identity"
          ? await readRawBody(req, WEBHOOK_BODY_LIMIT_BYTES)
          : await readCompressed(req, res);
      const request: WebhookRequest = {
        rawBody,
        headers: req.headers,
        method: req.method ?? "POST",
        pathParams: connectionId === undefined ? {} : { connectionId },
      };
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
        const failure = parsed.error;
        // No credential at all counts like a wrong one: both spend the client's refused-signature budget.
        if (failure.reason === "bad-signature" || failure.reason === "unauthenticated") {
          stats.count(connection, "rejectedSignatures", null);
          await signatureRefused(ip);
        }
        if (failure.reason === "malformed") {
          // Signed by the platform but unreadable: counted and logged (never the body), nothing else stored.
          stats.count(connection, "malformed", receivedAt);
          deps.logger.warn(
            { connectionId: connection.id, tenantId: connection.tenantId, reason: failure.message },
            "malformed webhook",
          );
        }
        return plain(res, failure.status, failure.message);
      }
      const event = parsed.value;
      if (event.kind === "ping") return plain(res, 200, "ok");
      if (event.kind === "ignored") return plain(res, 200, "ignored");
      // An uninstalled store's catalog and order events are dropped by the worker (one place for
      // every event, mapped here or there).

      const deliveryId = createHash("sha256")
        .update(`${connection.id}\n${event.dedupeKey}`)
        .digest("base64url")
        .slice(0, 32);
      const fresh = await deps.cache.setIfAbsent(`catalog:webhook:${deliveryId}`, 1, DEDUPE_TTL_MS);
      if (!fresh) {
        stats.count(connection, "duplicates", receivedAt);
        return plain(res, 200, "duplicate");
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
      return plain(res, 200, "accepted");
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
