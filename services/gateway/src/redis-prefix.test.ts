import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, type Job, type RuntimeDeps } from "@varai/runtime";
import { type RedisTestServer, startRedisServer } from "@varai/testkit";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGatewayEnv } from "./env.ts";
import { closePorts, openPorts } from "./ports.ts";

/**
 * Two installs on one real redis-server, each with its own REDIS_KEY_PREFIX, as the gateway builds
 * them from the environment: neither sees the other's jobs, cache entries or rate-limit budgets.
 */

let redis: RedisTestServer;
const installs: Array<{ deps: RuntimeDeps; prefix: string; dataDir: string }> = [];

async function install(name: string) {
  const dataDir = await mkdtemp(path.join(tmpdir(), `varai-${name}-`));
  // Under the test server's own prefix, so a shared REDIS_URL only ever sees this run's keys.
  const prefix = `${redis.keyPrefix}${name}`;
  const env = parseGatewayEnv({ DATA_DIR: dataDir, REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix });
  const deps = await openPorts(env, { logger: createLogger({ level: "silent" }) });
  installs.push({ deps, prefix, dataDir });
  return { deps, prefix };
}

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  for (const { deps, dataDir } of installs.splice(0)) {
    await closePorts(deps);
    await rm(dataDir, { recursive: true, force: true });
  }
  await redis?.stop();
});

describe("REDIS_KEY_PREFIX", () => {
  it("keeps two installs on one Redis from consuming each other's jobs, cache entries and budgets", async () => {
    const a = await install("install-a");
    const b = await install("install-b");
    const handledBy = { a: [] as string[], b: [] as string[] };
    const handler = (who: "a" | "b") => async (job: Job<{ n: number }>) => void handledBy[who].push(job.id);
    // Both consume the same queue name, as two deployments of the same code do.
    const consumers = [
      a.deps.queue.consume("catalog-events", handler("a"), { concurrency: 4 }),
      b.deps.queue.consume("catalog-events", handler("b"), { concurrency: 4 }),
    ];
    for (let n = 0; n < 40; n++) await a.deps.queue.enqueue("catalog-events", { n }, { id: `a-${n}` });
    for (let n = 0; n < 10; n++) await b.deps.queue.enqueue("catalog-events", { n }, { id: `b-${n}` });
    const deadline = Date.now() + 15_000;
    while ((handledBy.a.length < 40 || handledBy.b.length < 10) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    // A moment more for a stray delivery to show up where it does not belong.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all(consumers.map((c) => c.stop()));
    expect(handledBy.a.sort()).toEqual(Array.from({ length: 40 }, (_, n) => `a-${n}`).sort());
    expect(handledBy.b.sort()).toEqual(Array.from({ length: 10 }, (_, n) => `b-${n}`).sort());

    await a.deps.cache.set("catalog:version:ten_1", 7, 60_000);
    expect(await b.deps.cache.get("catalog:version:ten_1")).toBeNull();
    expect(await a.deps.cache.get("catalog:version:ten_1")).toBe(7);

    const policy = { name: "login", points: 1, windowMs: 60_000 };
    expect((await a.deps.rateLimiter.consume(policy, "203.0.113.9")).allowed).toBe(true);
    expect((await a.deps.rateLimiter.consume(policy, "203.0.113.9")).allowed).toBe(false);
    expect((await b.deps.rateLimiter.consume(policy, "203.0.113.9")).allowed).toBe(true);

    // Every key either install wrote is under its own prefix.
    const client = new Redis(redis.url);
    try {
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await client.scan(cursor, "MATCH", `${redis.keyPrefix.replace(/[*?[\]\\]/g, "\\$&")}*`);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== "0");
      const stray = keys.filter((k) => !k.startsWith(`${a.prefix}:`) && !k.startsWith(`${b.prefix}:`));
      expect(keys.length).toBeGreaterThan(0);
      expect(stray).toEqual([]);
    } finally {
      client.disconnect();
    }
  }, 30_000);
});
