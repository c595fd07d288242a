import {
  createEmbeddedStore,
  createRedisCache,
  createRedisQueue,
  type DocumentStore,
  QUEUES,
  type Queue,
} from "@varai/runtime";
import { createTestApp, createTestRuntime, type RedisTestServer, startRedisServer } from "@varai/testkit";
import { Redis } from "ioredis";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyticsService } from "./service.ts";

const TENANT = "ten_faults";
const TODAY = new Date().toISOString().slice(0, 10);
const TYPES = ["widget_shown", "try_on_started", "try_on_rendered", "add_to_cart", "product_viewed", "purchase"];

/**
 * A store whose every operation, from the `killAt`-th on, never settles: the processor using
 * it stops dead between two writes, like a process killed at that point. Writes already sent
 * complete (a real crash may also land after a write reached the database).
 */
function killableStore(store: DocumentStore, killAt: number) {
  let ops = 0;
  const hung: Array<(error: Error) => void> = [];
  const killed = { value: false };
  let released = false;
  const wrap = <C extends object>(collection: C): C =>
    new Proxy(collection, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          ops += 1;
          if (ops >= killAt) killed.value = true;
          if (released) return Promise.reject(new Error("process is dead"));
          if (killed.value) return new Promise((_, reject) => hung.push(reject));
          return value.apply(target, args);
        };
      },
    });
  const wrapped: DocumentStore = {
    ...store,
    kind: store.kind,
    tenantCollection: (definition) => wrap(store.tenantCollection(definition)),
    globalCollection: (definition) => wrap(store.globalCollection(definition)),
  };
  return {
    store: wrapped,
    killed,
    /** Cleanup only: fails the frozen calls so the dead consumer can be stopped. */
    release: () => {
      released = true;
      for (const reject of hung.splice(0)) reject(new Error("process is dead"));
    },
  };
}

function makeBatches(count: number, offset: number) {
  return Array.from({ length: count }, (_, b) => {
    const batch = b + offset;
    return Array.from({ length: 12 }, (_, j) => {
      const type = TYPES[(batch + j) % TYPES.length] as string;
      return {
        id: `evt_b${batch}_e${j}`,
        type,
        sessionId: `ses_${batch % 7}`,
        productId: `prd_${(batch * 3 + j) % 5}`,
        occurredAt: `${TODAY}T00:00:01.000Z`,
        properties: type === "purchase" ? { quantity: 1, price: 10, currency: "USD" } : {},
      };
    });
  });
}

type Ev = ReturnType<typeof makeBatches>[number][number];

function expected(events: Ev[]) {
  const byProduct = new Map<string, { tryOns: number; addToCart: number; purchases: number; sessions: Set<string> }>();
  for (const e of events) {
    const p = byProduct.get(e.productId) ?? { tryOns: 0, addToCart: 0, purchases: 0, sessions: new Set() };
    if (e.type === "try_on_started") p.tryOns++;
    if (e.type === "add_to_cart") p.addToCart++;
    if (e.type === "purchase") p.purchases++;
    p.sessions.add(e.sessionId);
    byProduct.set(e.productId, p);
  }
  return [...byProduct.entries()]
    .map(([productId, p]) => ({
      productId,
      tryOns: p.tryOns,
      addToCart: p.addToCart,
      purchases: p.purchases,
      sessions: p.sessions.size,
    }))
    .sort((a, b) => a.productId.localeCompare(b.productId));
}

describe("analytics processor against a real redis-server", () => {
  let server: RedisTestServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each([4, 9, 17])(
    "counts every accepted event exactly once when the processor dies at store operation %i and another takes over",
    async (killAt) => {
      const keyPrefix = `${server.keyPrefix}k${killAt}:`;
      const store = createEmbeddedStore({ file: null });
      const queues: Queue[] = [];
      const newQueue = (redis: Redis | string) => {
        const queue = createRedisQueue({ redis, keyPrefix, pollMs: 100 });
        queues.push(queue);
        return queue;
      };
      const cache = createRedisCache({ redis: server.url, keyPrefix });
      const processorOptions = { concurrency: 2, visibilityTimeoutMs: 1500, maxAttempts: 20 };

      // The API process: accepts events, runs no processor.
      const ingestQueue = newQueue(server.url);
      const ingest = createAnalyticsService(createTestRuntime({ store, queue: ingestQueue, cache }), {
        processor: { enabled: false },
      });
      const app = createTestApp({ modules: [ingest] });
      const send = async (events: Ev[]) => {
        const res = await request(app).post("/v1/events").set("x-test-storefront", TENANT).send({ events });
        expect(res.status).toBe(202);
        expect(res.body.accepted).toBe(events.length);
      };

      // Processor A: its own Redis connection and a store that freezes at operation `killAt`.
      const redisA = new Redis(server.url, { maxRetriesPerRequest: 1 });
      redisA.on("error", () => {});
      const frozen = killableStore(store, killAt);
      const processedByA: string[] = [];
      const a = createAnalyticsService(createTestRuntime({ store: frozen.store, queue: newQueue(redisA), cache }), {
        processor: { ...processorOptions, consumerName: "A", onProcessed: (r) => processedByA.push(r.batchId) },
      });

      const first = makeBatches(10, 0);
      for (const batch of first) await send(batch);
      await a.start?.();
      for (let i = 0; i < 200 && !frozen.killed.value; i++) await new Promise((r) => setTimeout(r, 10));
      expect(frozen.killed.value).toBe(true);
      // The process is gone: no more heartbeats or acknowledgements from A.
      redisA.disconnect();

      const processedByB: Array<{ batchId: string; counted: number }> = [];
      const b = createAnalyticsService(createTestRuntime({ store, queue: newQueue(server.url), cache }), {
        processor: { ...processorOptions, consumerName: "B", onProcessed: (r) => processedByB.push(r) },
      });
      await b.start?.();
      const second = makeBatches(10, 10);
      for (const batch of second) await send(batch);
      // Client retries: whole batches again, and events of the first half inside a new batch.
      await send(second[3] as Ev[]);
      await send([...(first[0] as Ev[]).slice(0, 5), ...(first[9] as Ev[]).slice(6)]);

      for (let i = 0; i < 1000 && (await ingestQueue.depth(QUEUES.analyticsEvents)) > 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await ingestQueue.depth(QUEUES.analyticsEvents)).toBe(0);
      expect(await ingestQueue.deadLetters(QUEUES.analyticsEvents)).toEqual([]);

      const viewer = createTestApp({ modules: [b] });
      const res = await request(viewer).get("/v1/analytics/summary").set("x-test-user", `${TENANT}:viewer`);
      expect(res.status).toBe(200);
      const all = [...first, ...second].flat();
      const want = expected(all);
      const got = [...res.body.topFrames]
        .map(({ productId, tryOns, addToCart, purchases, sessions }) => ({
          productId,
          tryOns,
          addToCart,
          purchases,
          sessions,
        }))
        .sort((x, y) => x.productId.localeCompare(y.productId));
      expect(got).toEqual(want);
      const count = (type: string) => all.filter((e) => e.type === type).length;
      expect(res.body.totals).toMatchObject({
        widgetShown: count("widget_shown"),
        tryOnStarted: count("try_on_started"),
        tryOnRendered: count("try_on_rendered"),
        addToCart: count("add_to_cart"),
        productViewed: count("product_viewed"),
        purchases: count("purchase"),
        revenue: { USD: count("purchase") * 10 },
        sessions: 7,
      });
      // B finished what A had left half done: it handled every batch A did not complete.
      expect(processedByA.length).toBeLessThan(first.length);
      expect(processedByB.length).toBeGreaterThanOrEqual(first.length + second.length + 2 - processedByA.length);

      frozen.release();
      await Promise.all([a.stop?.(), b.stop?.()]);
      for (const queue of queues) await queue.close();
      await cache.close();
      redisA.disconnect();
    },
    30_000,
  );
});
