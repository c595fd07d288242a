import type { Logger } from "@varai/runtime";
import { Redis } from "ioredis";
import { compareEventIds, isLiveEventId, LIVE_TOPICS, type LiveBus, type LiveEvent, type LiveTopic } from "./bus.ts";

/** A stream entry as an event of `tenantId`, or null for anything malformed or of another tenant. */
function toEvent(tenantId: string, [id, fields]: [string, string[]]): LiveEvent | null {
  const value = fields[fields.indexOf("event") + 1];
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Omit<LiveEvent, "id">;
    if (parsed.tenantId !== tenantId || !LIVE_TOPICS.includes(parsed.topic as LiveTopic)) return null;
    return { ...parsed, id };
  } catch {
    return null;
  }
}

/**
 * The bus across gateway processes: each event is appended to the tenant's stream
 * (`<prefix>:live:<tenantId>`, trimmed to about `historySize`; its id is the event id, so
 * every process agrees on ids) and then published on one channel (`<prefix>:live`) that every
 * process subscribes to and filters by tenant. A subscriber that was down misses pub/sub
 * messages, not history: clients resume from the stream.
 */
export function createRedisLiveBus(options: {
  redisUrl: string;
  keyPrefix: string;
  logger: Logger;
  historySize?: number;
}): LiveBus {
  const { logger } = options;
  const historySize = options.historySize ?? 1000;
  const channel = `${options.keyPrefix}:live`;
  const streamKey = (tenantId: string) => `${options.keyPrefix}:live:${tenantId}`;
  const commands = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
  const subscriber = new Redis(options.redisUrl);
  for (const client of [commands, subscriber])
    client.on("error", (err: Error) => logger.warn({ err: { message: err.message } }, "live bus redis error"));
  const listeners = new Map<string, Set<(event: LiveEvent) => void>>();
  const subscribed = subscriber.subscribe(channel).catch((err: Error) => {
    logger.warn({ err: { message: err.message } }, "live bus subscribe failed");
  });

  subscriber.on("message", (from: string, message: string) => {
    if (from !== channel) return;
    let event: LiveEvent;
    try {
      event = JSON.parse(message) as LiveEvent;
    } catch {
      return;
    }
    for (const listener of listeners.get(event.tenantId) ?? []) listener(event);
  });

  return {
    kind: "redis",
    async ready() {
      await subscribed;
    },
    async publish(tenantId, topic, data) {
      await subscribed;
      const body = { tenantId, topic, at: new Date().toISOString(), data };
      const id = (await commands.xadd(
        streamKey(tenantId),
        "MAXLEN",
        "~",
        String(historySize),
        "*",
        "event",
        JSON.stringify(body),
      )) as string;
      const event: LiveEvent = { id, ...body };
      await commands.publish(channel, JSON.stringify(event));
      return event;
    },
    subscribe(tenantId, listener) {
      const set = listeners.get(tenantId) ?? new Set();
      set.add(listener);
      listeners.set(tenantId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(tenantId);
      };
    },
    async since(tenantId, lastEventId) {
      if (!isLiveEventId(lastEventId)) return null;
      const key = streamKey(tenantId);
      const [oldest] = (await commands.xrange(key, "-", "+", "COUNT", 1)) as Array<[string, string[]]>;
      // Trimmed past the client's position (or nothing kept while the client claims a position).
      if (!oldest) return null;
      if (compareEventIds(lastEventId, oldest[0]) < 0) return null;
      const rows = (await commands.xrange(key, `(${lastEventId}`, "+", "COUNT", historySize)) as Array<
        [string, string[]]
      >;
      return rows.map((row) => toEvent(tenantId, row)).filter((e): e is LiveEvent => e !== null);
    },
    async close() {
      listeners.clear();
      for (const client of [subscriber, commands]) {
        await Promise.race([client.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
        client.disconnect();
      }
    },
  };
}
