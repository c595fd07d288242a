import { type RedisTestServer, startRedisServer } from "@varai/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "../ports/logger.ts";
import type { Queue } from "../ports/queue.ts";
import { createRedisCache } from "./redis-cache.ts";
import { createRedisQueue } from "./redis-queue.ts";

function recordingLogger() {
  const entries: { level: string; msg?: string; attrs: Record<string, unknown> }[] = [];
  const make = (): Logger => ({
    debug: (attrs, msg) => entries.push({ level: "debug", msg, attrs }),
    info: (attrs, msg) => entries.push({ level: "info", msg, attrs }),
    warn: (attrs, msg) => entries.push({ level: "warn", msg, attrs }),
    error: (attrs, msg) => entries.push({ level: "error", msg, attrs }),
    child: () => make(),
  });
  return { logger: make(), entries };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await Promise.resolve()
      .then(condition)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("Redis adapters when Redis goes away", () => {
  let server: RedisTestServer;
  let queue: Queue | undefined;
  beforeEach(async () => {
    // Always a throwaway server: these tests kill it.
    server = await startRedisServer({ url: null });
  });
  afterEach(async () => {
    await queue?.close();
    queue = undefined;
    await server.stop();
  });

  it("keeps a consumer alive through a Redis crash, logging, and resumes once Redis is back", async () => {
    const { logger, entries } = recordingLogger();
    queue = createRedisQueue({ redis: server.url, logger, pollMs: 50 });
    const handled: number[] = [];
    queue.consume<{ n: number }>("crashy", async (job) => {
      handled.push(job.payload.n);
    });
    await queue.enqueue("crashy", { n: 1 });
    await waitFor(() => handled.length === 1);

    await server.kill!();
    await waitFor(() => entries.some((e) => e.level === "warn"));
    await server.restart!();
    // The restarted server is empty (no persistence): the loop must recreate its group.
    await waitFor(async () => {
      await queue!.enqueue("crashy", { n: 2 });
      return true;
    });
    await waitFor(() => handled.includes(2));
    expect(handled[0]).toBe(1);
    expect(entries.some((e) => e.msg === "queue consumer loop failed; retrying")).toBe(true);
  });

  it("stops consumers and closes promptly while Redis is down", async () => {
    queue = createRedisQueue({ redis: server.url, pollMs: 50 });
    const consumer = queue.consume("down", async () => {});
    await queue.enqueue("down", {});
    await server.kill!();
    const startedAt = Date.now();
    await consumer.stop();
    await queue.close();
    queue = undefined;
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it("rejects cache calls instead of hanging while Redis is down", async () => {
    const cache = createRedisCache({ redis: server.url });
    await cache.set("k", 1, 10_000);
    await server.kill!();
    await expect(cache.get("k")).rejects.toThrow();
    await cache.close();
  });
});
