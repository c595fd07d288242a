import type { Logger, RuntimeDeps, ServiceModule } from "@varai/runtime";
import { actingTenant, problemResponse } from "@varai/runtime";
import { Router } from "express";
import { LIVE_TOPICS, type LiveBus } from "./bus.ts";
import { createMemoryLiveBus } from "./memory-bus.ts";
import { createRedisLiveBus } from "./redis-bus.ts";
import { createLiveSockets, LIVE_PATH, type LiveSockets } from "./sockets.ts";
import { createLiveTickets, type LiveTickets } from "./tickets.ts";

export interface LiveModule extends ServiceModule {
  bus: LiveBus;
  tickets: LiveTickets;
  sockets: LiveSockets;
}

/** Redis pub/sub across processes when REDIS_URL is set; in-process otherwise. */
export function createLiveBus(env: { redisUrl: string | null; redisKeyPrefix: string }, logger: Logger): LiveBus {
  return env.redisUrl
    ? createRedisLiveBus({ redisUrl: env.redisUrl, keyPrefix: env.redisKeyPrefix, logger })
    : createMemoryLiveBus();
}

const LIVE_OPENAPI = {
  paths: {
    "/v1/live/tickets": {
      post: {
        summary: "Get a ticket for opening a live-updates socket",
        description:
          "Single use, valid for 30 seconds, bound to the caller's tenant (a platform admin names one with X-VARAi-Tenant). Pass it as `?ticket=` to `GET /v1/live`, so no access token lands in a URL.",
        security: [{ bearerAuth: [] }],
        responses: {
          "201": {
            description: "The ticket",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["ticket", "expiresInMs"],
                  properties: { ticket: { type: "string" }, expiresInMs: { type: "integer" } },
                },
              },
            },
          },
          "401": problemResponse("Not signed in"),
        },
      },
    },
    [LIVE_PATH]: {
      get: {
        summary: "Live updates (WebSocket)",
        description:
          "Upgrade to a WebSocket. Without a valid, unused ticket the upgrade is answered 401 (problem+json) and no socket opens. Messages are JSON text frames, see x-varai-websocket.",
        parameters: [
          { name: "ticket", in: "query", required: true, schema: { type: "string" } },
          {
            name: "topics",
            in: "query",
            required: false,
            description: "Comma-separated; default all",
            schema: { type: "string", example: LIVE_TOPICS.join(",") },
          },
          {
            name: "lastEventId",
            in: "query",
            required: false,
            description: "Resume after this event: missed events are replayed first, or `resync` is sent",
            schema: { type: "string", pattern: "^\\d+-\\d+$" },
          },
        ],
        responses: {
          "101": { description: "Switching to the WebSocket protocol" },
          "400": problemResponse("Unknown topic"),
          "401": problemResponse("Missing, expired or already used ticket"),
        },
        "x-varai-websocket": {
          topics: {
            sync: "sync run progress: connectionId, runId, mode, status, pages, counts, error",
            webhooks: "an accepted platform webhook delivery: connectionId, topic, receivedAt",
            analytics: "an event batch made durable in the counters: batchId, events, counted",
            training:
              "preference model training (on demand or scheduled): status running with phase (loading, training), " +
              "epoch, epochs, loss; then status active, rejected or skipped with version (and reason or holdoutAuc), " +
              "or status failed with error",
            assets: "a frame's try-on asset was prepared or failed: productId, assetStatus, assetId, failureReason",
          },
          serverMessages: {
            event: { id: "string (<ms>-<seq>)", topic: "string", at: "date-time", data: "object" },
            ready: { resumed: "boolean", heartbeatMs: "integer", topics: "string[]" },
            heartbeat: { at: "date-time" },
            resync: "the lastEventId is unknown or too old: reload state, then keep listening",
          },
          closeCodes: { "1012": "the gateway is restarting: reconnect with a new ticket and lastEventId" },
        },
      },
    },
  },
};

/** `POST /v1/live/tickets` and the `/v1/live` socket server (main attaches it to the HTTP server). */
export function createLiveModule(deps: RuntimeDeps, bus: LiveBus): LiveModule {
  const tickets = createLiveTickets(deps.cache);
  const sockets = createLiveSockets({ bus, tickets, logger: deps.logger.child({ component: "live" }) });
  const router = Router();
  router.post("/v1/live/tickets", async (req, res) => {
    const { tenantId, principal } = actingTenant(req, res, "tenants:read");
    const ticket = await tickets.issue({ tenantId, userId: principal.userId, role: principal.role });
    res.setHeader("Cache-Control", "no-store");
    res.status(201).json({ ticket, expiresInMs: tickets.ttlMs });
  });
  return {
    name: "live",
    router,
    openapi: LIVE_OPENAPI,
    bus,
    tickets,
    sockets,
    async stop() {
      await sockets.close();
      await bus.close();
    },
  };
}
