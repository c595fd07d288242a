import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, createRedisCache } from "@varai/runtime";
import { type RedisTestServer, startRedisServer } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveBus } from "./bus.ts";
import { type OpenedLive, openLive } from "./live-client.test-helper.ts";
import { createRedisLiveBus } from "./redis-bus.ts";
import { createLiveSockets } from "./sockets.ts";
import { createLiveTickets } from "./tickets.ts";

/** Two gateway processes' worth of live plumbing over one real redis-server. */

const logger = createLogger({ level: "silent" });
let redis: RedisTestServer;
const closers: Array<() => Promise<unknown>> = [];

function bus(): LiveBus {
  const created = createRedisLiveBus({ redisUrl: redis.url, keyPrefix: `${redis.keyPrefix}t`, logger });
  closers.push(() => created.close());
  return created;
}

async function process(): Promise<{ base: string; bus: LiveBus; tickets: ReturnType<typeof createLiveTickets> }> {
  const processBus = bus();
  const cache = createRedisCache({ redis: redis.url, logger, keyPrefix: `${redis.keyPrefix}cache:` });
  const tickets = createLiveTickets(cache);
  const sockets = createLiveSockets({ bus: processBus, tickets, logger });
  const server = http.createServer((_req, res) => res.end());
  sockets.attach(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    await sockets.close();
    await new Promise((r) => server.close(r));
    await cache.close();
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bus: processBus, tickets };
}

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await redis.stop();
});

describe("the Redis live bus", () => {
  it("delivers what one process publishes to another process's subscribers of that tenant only", async () => {
    const one = bus();
    const two = bus();
    const gotA: unknown[] = [];
    const gotB: unknown[] = [];
    two.subscribe("ten_a", (e) => gotA.push(e.data));
    two.subscribe("ten_b", (e) => gotB.push(e.data));
    // A SUBSCRIBE still in flight would drop these messages, as pub/sub does.
    await two.ready();
    await one.publish("ten_a", "sync", { n: 1 });
    await one.publish("ten_a", "sync", { n: 2 });
    await expect.poll(() => gotA, { timeout: 10_000 }).toEqual([{ n: 1 }, { n: 2 }]);
    expect(gotB).toEqual([]);
  }, 20_000);

  it("replays a tenant's history after an id from any process, and nulls an id older than it", async () => {
    const one = bus();
    const two = bus();
    const first = await one.publish("ten_r", "webhooks", { n: 1 });
    await one.publish("ten_r", "webhooks", { n: 2 });
    await one.publish("ten_other", "webhooks", { n: 99 });
    await one.publish("ten_r", "analytics", { n: 3 });
    const missed = await two.since("ten_r", first.id);
    expect(missed?.map((e) => e.data.n)).toEqual([2, 3]);
    expect(await two.since("ten_r", "1-1")).toBeNull();
    expect(await two.since("ten_empty", first.id)).toBeNull();
    expect(await two.since("ten_r", "not-an-id")).toBeNull();
  });

  it("lets a ticket issued by one process open a socket on another, once, and fans out to it", async () => {
    const a = await process();
    const b = await process();
    await b.bus.ready();
    const ticket = await a.tickets.issue({ tenantId: "ten_x", userId: "usr_1", role: "viewer" });
    const opened = await openLive(b.base, { ticket });
    expect("opened" in opened).toBe(true);
    const live = (opened as { opened: OpenedLive }).opened;
    closers.push(async () => live.ws.terminate());
    await live.next((m) => m.type === "ready");
    expect(await openLive(a.base, { ticket })).toMatchObject({ refused: 401 });
    await a.bus.publish("ten_y", "sync", { n: 0 });
    await a.bus.publish("ten_x", "sync", { n: 1 });
    const got = await live.next((m) => m.type === "event");
    expect(got.data).toEqual({ n: 1 });
  });
});
