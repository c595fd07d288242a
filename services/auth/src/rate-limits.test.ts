import { createRedisRateLimiter, type RateLimiter } from "@varai/runtime";
import { type RedisTestServer, startRedisServer } from "@varai/testkit";
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RateLimitPolicies } from "./rate-limits.ts";
import { createHarness, type Harness, seedTenant } from "./test-harness.ts";

const small: Partial<RateLimitPolicies> = {
  publishableKey: { name: "t-key-publishable", points: 3, windowMs: 60_000 },
  loginIp: { name: "t-login-ip", points: 8, windowMs: 60_000, blockMs: 60_000 },
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("rate limits (in-process)", () => {
  it("counts a publishable key's budget down in RateLimit headers and answers 429 problem+json with Retry-After", async () => {
    const harness = await createHarness({ rateLimits: small });
    h = harness;
    const a = await seedTenant(harness, "Alpha");
    const call = () =>
      request(harness.app)
        .get("/test/principal")
        .set("X-VARAi-Key", a.publishable.key)
        .set("Origin", "https://alpha.example");
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call();
      expect(res.status).toBe(200);
      expect(res.headers["ratelimit-limit"]).toBe("3");
      expect(Number(res.headers["ratelimit-reset"])).toBeGreaterThan(0);
      remaining.push(String(res.headers["ratelimit-remaining"]));
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
    expect(refused.body.code).toBe("RATE_LIMITED");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.headers["ratelimit-remaining"]).toBe("0");
  });

  it("throttles logins per IP over every email (credential spraying) with 429 and Retry-After", async () => {
    const harness = await createHarness({ rateLimits: small });
    h = harness;
    const login = (email: string) =>
      request(harness.app).post("/v1/auth/login").send({ email, password: "wrong-password" });
    // The harness's bootstrap made no login; 8 attempts per window from this address.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await login(`user${i}@spray.test`)).status);
    expect(statuses).toEqual([...Array(8).fill(401), 429, 429]);
    const refused = await login("user0@spray.test");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(59);
  });

  it("throttles guessing of API keys per IP after repeated refusals", async () => {
    const harness = await createHarness({
      rateLimits: { authFailureIp: { name: "t-auth-failure", points: 3, windowMs: 60_000, blockMs: 60_000 } },
    });
    h = harness;
    const a = await seedTenant(harness, "Alpha");
    const guess = () =>
      request(harness.app)
        .get("/test/principal")
        .set("X-VARAi-Key", `sk_${"G".repeat(43)}`);
    expect([(await guess()).status, (await guess()).status, (await guess()).status]).toEqual([401, 401, 401]);
    const throttled = await guess();
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBeDefined();
    // Only refusals spend this budget: valid credentials from the same IP still work.
    expect((await request(harness.app).get("/v1/me").set("Authorization", `Bearer ${a.token}`)).status).toBe(200);
  });
});

describe("rate limits on a real redis-server", () => {
  let redis: RedisTestServer;
  const limiters: RateLimiter[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const limiter of limiters) await limiter.close();
    await redis?.stop();
  });

  it("shares one per-IP budget between two gateway processes and refuses with 429", async () => {
    const ip = { name: "t-ip", points: 4, windowMs: 60_000 };
    // Two processes: each its own service and limiter connection, one Redis.
    const apps = [0, 1].map(() => {
      const limiter = createRedisRateLimiter({ redis: redis.url, keyPrefix: `${redis.keyPrefix}rl` });
      limiters.push(limiter);
      return limiter;
    });
    h = await createHarness({ rateLimits: { ip } }, { rateLimiter: apps[0] });
    const { app: secondApp } = h.anotherProcess(
      { rateLimits: { ip } },
      { rateLimiter: apps[1] as RateLimiter },
      (second) => [second.rateLimit],
    );
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (const app of [h.app, secondApp, h.app, secondApp, h.app]) {
      const res = await request(app).get("/v1/me");
      statuses.push(res.status);
      remaining.push(String(res.headers["ratelimit-remaining"]));
    }
    // Anonymous /v1/me is 401 after the limiter let it through; the fifth call is over budget.
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    expect(remaining).toEqual(["3", "2", "1", "0", "0"]);
  });

  it("holds one email's login throttle across two processes: the guesser is refused on both, the owner gets in", async () => {
    const [one, two] = [0, 1].map(() => {
      const limiter = createRedisRateLimiter({ redis: redis.url, keyPrefix: `${redis.keyPrefix}login` });
      limiters.push(limiter);
      return limiter;
    }) as [RateLimiter, RateLimiter];
    h = await createHarness({}, { rateLimiter: one });
    const { app: secondApp } = h.anotherProcess(
      { jwtKeys: { keys: { k1: h.jwtSecret }, current: "k1" }, passwordHashing: { N: 2 ** 10, r: 8, p: 1 } },
      { rateLimiter: two },
    );
    const login = (app: typeof secondApp, ip: string, password: string) =>
      request(app).post("/v1/auth/login").set("X-Forwarded-For", ip).send({ email: "root@varai.test", password });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await login(i % 2 ? secondApp : h.app, "203.0.113.66", `guess-${i}-wrong-password`)).status);
    }
    // One budget of DEFAULT_RATE_LIMITS.loginEmailIp.points (10) attempts for the pair, whichever
    // process answers (the slowdown's windows are real seconds here, so how many were 401 varies).
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect((await login(secondApp, "203.0.113.66", "root-password-123")).status).toBe(429);
    expect((await login(secondApp, "198.51.100.7", "root-password-123")).status).toBe(200);
  });
});
