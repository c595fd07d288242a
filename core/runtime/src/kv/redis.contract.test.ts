import { randomUUID } from "node:crypto";
import { type RedisTestServer, startRedisServer } from "@varai/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { describeCacheContract, describeQueueContract, describeRateLimiterContract } from "./contracts.ts";
import { createRedisRateLimiter } from "./rate-limiter.ts";
import { createRedisCache } from "./redis-cache.ts";
import { createRedisQueue, REDIS_QUEUE_GROUP, redisQueueKeys } from "./redis-queue.ts";

let server: RedisTestServer;
let shared: Redis;
// Each factory call gets its own prefix, so "a fresh cache / limiter" really starts empty.
const freshPrefix = (kind: string) => `${server.keyPrefix}${kind}:${randomUUID().slice(0, 8)}:`;

beforeAll(async () => {
  server = await startRedisServer();
  shared = new Redis(server.url);
});

afterAll(async () => {
  await shared?.quit();
  await server?.stop();
});

describeCacheContract("redis", {
  create: () => createRedisCache({ redis: server.url, keyPrefix: freshPrefix("cache") }),
});

let queuePrefix = "";
describeQueueContract("redis", {
  create: () => {
    queuePrefix = freshPrefix("queue");
    return createRedisQueue({ redis: server.url, keyPrefix: queuePrefix, pollMs: 50 });
  },
  // What a crashed worker leaves behind: an entry read into its pending list, never acknowledged.
  async abandonNextJob(queue) {
    const { stream } = redisQueueKeys(queuePrefix, queue);
    await shared.xgroup("CREATE", stream, REDIS_QUEUE_GROUP, "0", "MKSTREAM").catch(() => {});
    const result = (await shared.xreadgroup(
      "GROUP",
      REDIS_QUEUE_GROUP,
      "crashed-worker",
      "COUNT",
      1,
      "STREAMS",
      stream,
      ">",
    )) as [string, [string, string[]][]][] | null;
    const fields = result?.[0]?.[1][0]?.[1] ?? [];
    const json = fields[fields.indexOf("job") + 1];
    if (!json) throw new Error("no job to abandon");
    return (JSON.parse(json) as { id: string }).id;
  },
});

describeRateLimiterContract("redis", {
  create: () => createRedisRateLimiter({ redis: shared, keyPrefix: freshPrefix("rl") }),
});
