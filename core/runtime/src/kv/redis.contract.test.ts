import { randomUUID } from "node:crypto";
import { type RedisTestServer, startRedisServer } from "@varai/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("redis queue dead-letter rewrite", () => {
  it("rebuilds the dead-letter stream after a rewrite (XDEL alone leaves the bytes in the stream's node)", async () => {
    const keyPrefix = freshPrefix("queue");
    const queue = createRedisQueue({ redis: server.url, keyPrefix, pollMs: 50 });
    const q = `dead-${randomUUID().slice(0, 8)}`;
    try {
      for (const secret of ["secret_shopper_probe", "kept_value_1", "kept_value_2"]) await queue.enqueue(q, { secret });
      const failing = queue.consume(
        q,
        async () => {
          throw new Error("always fails");
        },
        { maxAttempts: 1 },
      );
      for (let i = 0; i < 200 && (await queue.deadLetters(q)).length < 3; i++)
        await new Promise((r) => setTimeout(r, 10));
      await failing.stop();
      const { dead } = redisQueueKeys(keyPrefix, q);
      const edit = (payload: { secret: string }) => (payload.secret.startsWith("secret") ? null : undefined);
      expect(await queue.rewriteDeadLetters(q, edit)).toBe(1);
      // Redis 7 reports the newest id XDEL flagged; a rebuilt stream holds no flagged entry.
      // (A DUMP is LZF-compressed, so a byte search in it proves nothing either way.)
      const info = (await shared.xinfo("STREAM", dead)) as unknown[];
      const at = info.indexOf("max-deleted-entry-id");
      expect(at).toBeGreaterThan(-1);
      expect(info[at + 1]).toBe("0-0");
      expect(info[info.indexOf("entries-added") + 1]).toBe(2);
      expect((await queue.deadLetters<{ secret: string }>(q)).map((l) => l.job.payload.secret)).toEqual([
        "kept_value_1",
        "kept_value_2",
      ]);
    } finally {
      await queue.close();
    }
  });
});
