import { createHttpApp, createRedisRateLimiter, type RateLimiter } from "@varai/runtime";
import { type RedisTestServer, startRedisServer } from "@varai/testkit";
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RATE_LIMITS, type RateLimitPolicies } from "./rate-limits.ts";
import { createAuthService } from "./service.ts";
import { createHarness, type Harness, seedTenant } from "./test-harness.ts";

const small: Partial<RateLimitPolicies> = {
  publishableKey: { name: "t-key-publishable", points: 3, windowMs: 60_000 },
  loginIp: { name: "t-login-ip", points: 8, windowMs: 60_000, blockMs: 60_000 },
  loginEmail: { name: "t-login-email", points: 3, windowMs: 60_000, blockMs: 60_000 },
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

  it("throttles brute-force logins per email (lockout, even with the right password) and per IP", async () => {
    const harness = await createHarness({ rateLimits: small });
    h = harness;
    const a = await seedTenant(harness, "Alpha");
    const login = (email: string, password: string) =>
      request(harness.app).post("/v1/auth/login").send({ email, password });
    // seedTenant's successful login reset the email's count.
    for (let i = 0; i < 3; i++) expect((await login(a.email, "wrong-password")).status).toBe(401);
    const locked = await login(a.email, a.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThanOrEqual(59);
    expect(locked.body).not.toHaveProperty("accessToken");
    // Per IP: spraying many emails from one address runs out too (8 per window, 5 spent above incl. seed).
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(`user${i}@spray.test`, "wrong-password")).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
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

  it("has defaults that lock an email out after 5 attempts", () => {
    expect(DEFAULT_RATE_LIMITS.loginEmail).toMatchObject({ points: 5, blockMs: 15 * 60_000 });
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
    const second = createAuthService({ ...h.deps, rateLimiter: apps[1] as RateLimiter }, { rateLimits: { ip } });
    const secondApp = createHttpApp({
      modules: [second],
      logger: h.deps.logger,
      authenticate: second.authenticate,
      before: [second.rateLimit],
    });
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
});
