/** What a live socket can subscribe to; every event belongs to exactly one tenant. */
export const LIVE_TOPICS = ["sync", "webhooks", "analytics", "training", "assets"] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

export interface LiveEvent {
  /** `<ms>-<seq>`, increasing per tenant; what a client sends back as `lastEventId` to resume. */
  id: string;
  tenantId: string;
  topic: LiveTopic;
  at: string;
  data: Record<string, unknown>;
}

/**
 * Fan-out of tenant-scoped updates to the live sockets of every gateway process, with a short
 * history per tenant so a client that reconnects can resume without losing updates.
 */
export interface LiveBus {
  readonly kind: "memory" | "redis";
  publish(tenantId: string, topic: LiveTopic, data: Record<string, unknown>): Promise<LiveEvent>;
  /** Calls `listener` with this tenant's events published from now on (by any process). */
  subscribe(tenantId: string, listener: (event: LiveEvent) => void): () => void;
  /**
   * The tenant's events after `lastEventId`, oldest first; null when that id is unknown or
   * older than the history kept, so the client must reload rather than trust a gap.
   */
  since(tenantId: string, lastEventId: string): Promise<LiveEvent[] | null>;
  /** Resolves once this process receives what any process publishes from now on. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

const ID = /^(\d{1,16})-(\d{1,16})$/;

export function isLiveEventId(value: string): boolean {
  return ID.test(value);
}

/** Orders two event ids (`<ms>-<seq>`, Redis stream ids have the same form). */
export function compareEventIds(a: string, b: string): number {
  const [, am = "0", as = "0"] = ID.exec(a) ?? [];
  const [, bm = "0", bs = "0"] = ID.exec(b) ?? [];
  return Number(am) - Number(bm) || Number(as) - Number(bs);
}
