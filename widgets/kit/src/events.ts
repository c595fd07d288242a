import type { AnalyticsEventInput, EventType } from "@varai/schema";

export interface EventBatcherOptions {
  /** Sends a batch while the page lives (fetch with the key header). */
  send(events: AnalyticsEventInput[]): Promise<unknown>;
  /** Sends a batch as the page goes away; returns false when the browser refused to queue it. */
  beacon(events: AnalyticsEventInput[]): boolean;
  sessionId: string;
  shopperId?: string;
  /** Flush after this many ms of quiet. Default 2000. */
  flushDelayMs?: number;
  /** Flush at once when this many events wait. Default 20 (the API's batches stay small). */
  maxBatch?: number;
  /** Hard cap on queued events (older ones dropped) so a page with no network keeps bounded memory. Default 200. */
  maxQueued?: number;
  now?: () => Date;
  newId?: () => string;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export interface EventBatcher {
  track(type: EventType, data?: { productId?: string; properties?: AnalyticsEventInput["properties"] }): void;
  /** Sends what is queued now (normal path). */
  flush(): Promise<void>;
  /** Page hide: hands what is queued to the beacon, since a fetch may be cancelled. */
  flushOnHide(): void;
  /** The logged-in shopper, for events tracked from now on (an element's `shopper-id`). */
  setShopperId(shopperId: string | undefined): void;
  readonly pending: number;
}

function randomId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return `evt_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Batches shopper events for `POST /v1/events`. Events are fire-and-forget: a failed send
 * is dropped, never retried in a loop, because analytics must never slow a storefront.
 */
export function createEventBatcher(options: EventBatcherOptions): EventBatcher {
  const flushDelayMs = options.flushDelayMs ?? 2000;
  const maxBatch = options.maxBatch ?? 20;
  const maxQueued = options.maxQueued ?? 200;
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomId;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  let queue: AnalyticsEventInput[] = [];
  let timer: unknown = null;
  let shopperId = options.shopperId;

  function cancelTimer() {
    if (timer !== null) clearTimer(timer);
    timer = null;
  }

  function take(): AnalyticsEventInput[][] {
    const batches: AnalyticsEventInput[][] = [];
    while (queue.length > 0) batches.push(queue.splice(0, maxBatch));
    return batches;
  }

  async function flush(): Promise<void> {
    cancelTimer();
    for (const batch of take()) {
      try {
        await options.send(batch);
      } catch {
        // Dropped on purpose (see above).
      }
    }
  }

  return {
    track(type, data = {}) {
      queue.push({
        id: newId(),
        type,
        sessionId: options.sessionId,
        ...(shopperId ? { shopperId } : {}),
        ...(data.productId ? { productId: data.productId } : {}),
        occurredAt: now().toISOString(),
        properties: data.properties ?? {},
      });
      if (queue.length > maxQueued) queue = queue.slice(queue.length - maxQueued);
      if (queue.length >= maxBatch) {
        void flush();
      } else if (timer === null) {
        timer = setTimer(() => {
          timer = null;
          void flush();
        }, flushDelayMs);
      }
    },
    flush,
    flushOnHide() {
      cancelTimer();
      for (const batch of take()) {
        if (!options.beacon(batch)) void options.send(batch).catch(() => {});
      }
    },
    setShopperId(id) {
      shopperId = id;
    },
    get pending() {
      return queue.length;
    },
  };
}
