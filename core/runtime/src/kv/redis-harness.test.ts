import { REDIS_SERVER_MISSING, startRedisServer } from "@varai/testkit";
import { Redis } from "ioredis";
import { describe, expect, it, vi } from "vitest";

// startRedisServer lives in @varai/testkit; its tests sit here, beside its only users.
describe("startRedisServer", () => {
  it("starts a throwaway server that answers, and is gone after stop", async () => {
    const server = await startRedisServer({ url: null });
    const client = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => {});
    expect(await client.ping()).toBe("PONG");
    await server.stop();
    await expect(client.ping()).rejects.toThrow();
    client.disconnect();
  });

  it("on a given REDIS_URL deletes only the keys under its own prefix", async () => {
    const host = await startRedisServer({ url: null });
    const client = new Redis(host.url);
    try {
      await client.set("someone-elses:data", "keep");
      const external = await startRedisServer({ url: host.url });
      expect(external.url).toBe(host.url);
      expect(external.keyPrefix).toMatch(/^varai-test:[0-9a-f-]{36}:$/);
      expect(external.kill).toBeUndefined();
      for (let i = 0; i < 1200; i++) await client.set(`${external.keyPrefix}k${i}`, i);
      await external.stop();
      expect(await client.dbsize()).toBe(1);
      expect(await client.get("someone-elses:data")).toBe("keep");
    } finally {
      await client.quit();
      await host.stop();
    }
  });

  it("fails loudly, saying how to install it, when redis-server is missing and no REDIS_URL is set", async () => {
    vi.stubEnv("PATH", "/nonexistent");
    try {
      await expect(startRedisServer({ url: null })).rejects.toThrow(REDIS_SERVER_MISSING);
      expect(REDIS_SERVER_MISSING).toContain("apt-get install redis-server");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
