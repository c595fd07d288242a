import type { LiveBus, LiveEvent } from "./bus.ts";
import { compareEventIds, isLiveEventId } from "./bus.ts";

/**
 * The single-process bus: listeners in a map, the last `historySize` events per tenant in memory.
 * Ids are `<boot ms>-<seq>`, so an id from before a restart is unknown and the client reloads.
 */
export function createMemoryLiveBus(options: { historySize?: number; now?: () => Date } = {}): LiveBus {
  const historySize = options.historySize ?? 500;
  const now = options.now ?? (() => new Date());
  const boot = Date.now();
  let seq = 0;
  const listeners = new Map<string, Set<(event: LiveEvent) => void>>();
  const history = new Map<string, LiveEvent[]>();

  return {
    kind: "memory",
    async ready() {},
    async publish(tenantId, topic, data) {
      const event: LiveEvent = { id: `${boot}-${++seq}`, tenantId, topic, at: now().toISOString(), data };
      const kept = history.get(tenantId) ?? [];
      kept.push(event);
      if (kept.length > historySize) kept.splice(0, kept.length - historySize);
      history.set(tenantId, kept);
      for (const listener of listeners.get(tenantId) ?? []) listener(event);
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
      const kept = history.get(tenantId) ?? [];
      const index = kept.findIndex((e) => e.id === lastEventId);
      if (index >= 0) return kept.slice(index + 1);
      // Unknown: fine only if it is newer than everything kept (nothing was missed).
      const newest = kept.at(-1);
      if (newest && compareEventIds(lastEventId, newest.id) > 0 && lastEventId.startsWith(`${boot}-`)) return [];
      return null;
    },
    async close() {
      listeners.clear();
    },
  };
}
