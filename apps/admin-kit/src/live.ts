/** Topics of `GET /v1/live` (the gateway's README, "Live updates"). */
export type LiveTopic = "sync" | "webhooks" | "analytics" | "training" | "assets";

export interface LiveEvent<T = Record<string, unknown>> {
  id: string;
  topic: LiveTopic;
  at: string;
  data: T;
}

/** The sync topic's payload: a run's persisted state after each step. */
export interface SyncProgressData {
  connectionId: string;
  runId: string;
  mode: "full" | "incremental";
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  pages: number;
  counts: { fetched: number; upserted: number; failed: number; skipped: number };
  error: string | null;
}

/** The training topic's payload: a run as it goes, then how it ended. */
export type TrainingProgressData =
  | { status: "running"; phase: "loading" | "training"; epoch: number; epochs: number; loss: number | null }
  | { status: "active" | "rejected" | "skipped"; version: number; reason?: string; holdoutAuc?: number }
  | { status: "failed"; error: string };

/** The assets topic's payload: a frame's try-on asset was prepared or failed. */
export interface AssetProgressData {
  productId: string;
  assetStatus: "none" | "pending" | "ready" | "failed";
  assetId: string | null;
  failureReason: string | null;
}

export type LiveStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface LiveConnectionOptions {
  /** e.g. `http://localhost:8080` (ws/wss is derived). */
  baseUrl: string;
  /** `POST /v1/live/tickets` with the current access token; resolves to the ticket. */
  getTicket: () => Promise<string>;
  topics?: readonly LiveTopic[];
  /** A WebSocket constructor (the browser's by default; Node 22+ has one too). */
  WebSocket?: typeof globalThis.WebSocket;
  /** Reconnect backoff: first delay and cap. Default 500 ms, 15 s. */
  backoff?: { initialMs: number; maxMs: number };
}

/**
 * One live socket for the whole app: tickets fetched per attempt, reconnect with jittered
 * exponential backoff, resume from the last event id (the server replays what was missed, or
 * says `resync`, which listeners use to reload), and a watchdog on the server's heartbeats so a
 * silently dead connection (a laptop waking up) is noticed and replaced. Framework-free.
 */
export function createLiveConnection(options: LiveConnectionOptions) {
  const WS = options.WebSocket ?? globalThis.WebSocket;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 15_000 };
  const wsBase = options.baseUrl.replace(/\/+$/, "").replace(/^http/, "ws");
  const listeners = new Set<(event: LiveEvent) => void>();
  const resyncListeners = new Set<() => void>();
  const statusListeners = new Set<() => void>();
  let status: LiveStatus = "idle";
  let socket: WebSocket | null = null;
  let lastEventId: string | null = null;
  let attempt = 0;
  let wanted = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let watchdog: ReturnType<typeof setTimeout> | null = null;
  let heartbeatMs = 20_000;

  const setStatus = (next: LiveStatus) => {
    if (status === next) return;
    status = next;
    for (const listener of statusListeners) listener();
  };

  const armWatchdog = () => {
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => socket?.close(4000, "heartbeat missed"), heartbeatMs * 2.5);
  };

  function scheduleReconnect() {
    if (!wanted) return;
    setStatus("reconnecting");
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt++;
    retryTimer = setTimeout(() => void open(), delay);
  }

  async function open(): Promise<void> {
    if (!wanted) return;
    if (status !== "reconnecting") setStatus("connecting");
    let ticket: string;
    try {
      ticket = await options.getTicket();
    } catch {
      scheduleReconnect();
      return;
    }
    if (!wanted) return;
    const query = new URLSearchParams({ ticket });
    if (options.topics) query.set("topics", options.topics.join(","));
    if (lastEventId) query.set("lastEventId", lastEventId);
    const ws = new WS(`${wsBase}/v1/live?${query}`);
    socket = ws;
    ws.onmessage = (message) => {
      armWatchdog();
      let parsed: { type?: string; heartbeatMs?: number } & Partial<LiveEvent>;
      try {
        parsed = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (parsed.type === "ready") {
        attempt = 0;
        if (parsed.heartbeatMs) heartbeatMs = parsed.heartbeatMs;
        setStatus("open");
      } else if (parsed.type === "resync") {
        for (const listener of resyncListeners) listener();
      } else if (parsed.type === "event" && parsed.id && parsed.topic) {
        lastEventId = parsed.id;
        const event = { id: parsed.id, topic: parsed.topic, at: parsed.at ?? "", data: parsed.data ?? {} };
        for (const listener of listeners) listener(event);
      }
    };
    ws.onclose = () => {
      if (watchdog) clearTimeout(watchdog);
      if (socket === ws) socket = null;
      if (wanted) scheduleReconnect();
      else setStatus("closed");
    };
    ws.onerror = () => {
      /* onclose follows and reconnects */
    };
  }

  return {
    get status(): LiveStatus {
      return status;
    },
    get lastEventId(): string | null {
      return lastEventId;
    },
    /** Connects (idempotent); reconnects until `close()`. */
    connect(): void {
      if (wanted) return;
      wanted = true;
      void open();
    },
    close(): void {
      wanted = false;
      if (retryTimer) clearTimeout(retryTimer);
      if (watchdog) clearTimeout(watchdog);
      socket?.close(1000, "bye");
      socket = null;
      lastEventId = null;
      setStatus("closed");
    },
    onEvent(listener: (event: LiveEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** The server could not replay everything missed: reload whatever the screen shows. */
    onResync(listener: () => void): () => void {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    onStatus(listener: () => void): () => void {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
  };
}
export type LiveConnection = ReturnType<typeof createLiveConnection>;
