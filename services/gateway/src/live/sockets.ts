import type { IncomingMessage, Server } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { HTTP_STATUS, type Logger, toProblem } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { type WebSocket, WebSocketServer } from "ws";
import { compareEventIds, LIVE_TOPICS, type LiveBus, type LiveEvent, type LiveTopic } from "./bus.ts";
import type { LiveTickets } from "./tickets.ts";

export const LIVE_PATH = "/v1/live";

export interface LiveSocketsOptions {
  bus: LiveBus;
  tickets: LiveTickets;
  logger: Logger;
  /** A `heartbeat` message (and a ping) this often; a socket silent for two periods is cut. Default 20 s. */
  heartbeatMs?: number;
  /** A client this far behind (bytes queued) is cut; it reconnects and resumes. Default 1 MiB. */
  maxBufferedBytes?: number;
}

/** Answers the upgrade request with a problem document and closes: no socket is ever opened. */
function refuse(socket: Duplex, error: AppError): void {
  const status = HTTP_STATUS[error.code];
  const body = JSON.stringify(toProblem(error));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      "Content-Type: application/problem+json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}

interface SocketContext {
  bus: LiveSocketsOptions["bus"];
  logger: LiveSocketsOptions["logger"];
  open: Set<WebSocket>;
  heartbeatMs: number;
  send(ws: WebSocket, message: Record<string, unknown>): void;
}

/**
 * One socket's life: subscribed first, then the missed events replayed (or `resync` when the
 * resume point is gone), then `ready` and live events; heartbeats until it closes.
 */
async function serveSocket(
  c: SocketContext,
  ws: WebSocket,
  tenantId: string,
  topics: Set<string>,
  lastEventId: string | null,
) {
  const { bus, logger, open, heartbeatMs } = c;
  const send = (message: Record<string, unknown>) => c.send(ws, message);
  open.add(ws);
  let lastSent = lastEventId;
  let replaying = true;
  const buffered: LiveEvent[] = [];
  const deliver = (event: LiveEvent) => {
    if (!topics.has(event.topic)) return;
    if (lastSent && compareEventIds(event.id, lastSent) <= 0) return; // already replayed
    lastSent = event.id;
    send({ type: "event", id: event.id, topic: event.topic, at: event.at, data: event.data });
  };
  // Subscribe first and hold what arrives during the replay, so nothing falls in between.
  const unsubscribe = bus.subscribe(tenantId, (event) => (replaying ? buffered.push(event) : deliver(event)));
  const stopHeartbeat = startHeartbeat(ws, heartbeatMs, () =>
    send({ type: "heartbeat", at: new Date().toISOString() }),
  );
  ws.on("close", () => {
    stopHeartbeat();
    unsubscribe();
    open.delete(ws);
  });
  ws.on("error", () => ws.terminate());

  let resumed = false;
  if (lastEventId) {
    try {
      const missed = await bus.since(tenantId, lastEventId);
      if (missed === null) {
        lastSent = null;
        send({ type: "resync" });
      } else {
        resumed = true;
        for (const event of missed) deliver(event);
      }
    } catch (error) {
      logger.warn({ err: error }, "live history read failed");
      lastSent = null;
      send({ type: "resync" });
    }
  }
  replaying = false;
  for (const event of buffered.splice(0)) deliver(event);
  send({ type: "ready", resumed, heartbeatMs, topics: [...topics] });
}

/** The upgrade request's path and query: topics (default all), the resume point and the ticket. */
function parseLiveRequest(
  rawUrl: string,
): AppError | { topics: string[]; lastEventId: string | null; ticket: string | null } {
  const url = new URL(rawUrl, "http://live.invalid");
  if (url.pathname !== LIVE_PATH) return new AppError("NOT_FOUND", "No such endpoint");
  const topicsParam = url.searchParams.get("topics");
  const topics = topicsParam ? topicsParam.split(",") : [...LIVE_TOPICS];
  const unknown = topics.filter((t) => !LIVE_TOPICS.includes(t as LiveTopic));
  if (unknown.length > 0)
    return new AppError("INVALID_INPUT", `Unknown topics: ${unknown.join(", ")}`, { details: { topics: LIVE_TOPICS } });
  return { topics, lastEventId: url.searchParams.get("lastEventId"), ticket: url.searchParams.get("ticket") };
}

/**
 * Pings the socket and sends a heartbeat every `heartbeatMs`; a socket that answered nothing
 * (pong or any message) since the last one is terminated. Returns the stop function.
 */
function startHeartbeat(ws: WebSocket, heartbeatMs: number, beat: () => void): () => void {
  let alive = true;
  const timer = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
    beat();
  }, heartbeatMs);
  ws.on("pong", () => {
    alive = true;
  });
  ws.on("message", () => {
    alive = true; // clients may answer heartbeats; their content is ignored
  });
  return () => clearInterval(timer);
}

/**
 * `GET /v1/live`: the tenant's live updates over a WebSocket. The ticket is checked before the
 * upgrade (401 on the HTTP response otherwise); the socket then receives, as JSON text frames:
 * `ready` (after any replay), `event` (id, topic, at, data), `heartbeat`, and `resync` when the
 * `lastEventId` it resumed from is no longer known (reload, then keep listening).
 */
export function createLiveSockets(options: LiveSocketsOptions) {
  const { bus, tickets, logger } = options;
  const heartbeatMs = options.heartbeatMs ?? 20_000;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024, clientTracking: false });
  const open = new Set<WebSocket>();

  const context: SocketContext = { bus, logger, open, heartbeatMs, send };

  function send(ws: WebSocket, message: Record<string, unknown>): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > maxBuffered) {
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(message));
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", () => socket.destroy());
    const parsed = parseLiveRequest(req.url ?? "/");
    if (parsed instanceof AppError) return refuse(socket, parsed);
    const { topics, lastEventId, ticket } = parsed;
    let holder: Awaited<ReturnType<LiveTickets["redeem"]>> = null;
    try {
      holder = ticket ? await tickets.redeem(ticket) : null;
    } catch (error) {
      logger.warn({ err: error }, "live ticket check failed");
      return refuse(socket, new AppError("UPSTREAM_UNAVAILABLE", "Live updates are unavailable; retry"));
    }
    if (!holder)
      return refuse(
        socket,
        new AppError("UNAUTHENTICATED", "A valid live ticket is required (POST /v1/live/tickets; single use, 30 s)"),
      );
    const { tenantId } = holder;
    wss.handleUpgrade(req, socket, head, (ws) => void serveSocket(context, ws, tenantId, new Set(topics), lastEventId));
  }

  return {
    handleUpgrade,
    /** Routes the server's upgrade requests here (every upgrade path: unknown ones get 404). */
    attach(server: Server): void {
      server.on("upgrade", (req, socket, head) => {
        handleUpgrade(req, socket, head).catch((error) => {
          logger.warn({ err: error }, "live upgrade failed");
          socket.destroy();
        });
      });
    },
    get connections(): number {
      return open.size;
    },
    /** Shutdown: 1012 (service restart) tells clients to reconnect, to another process if there is one. */
    async close(): Promise<void> {
      for (const ws of open) ws.close(1012, "restarting");
      const deadline = Date.now() + 1000;
      while (open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of open) ws.terminate();
    },
  };
}
export type LiveSockets = ReturnType<typeof createLiveSockets>;
