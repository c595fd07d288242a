import request from "supertest";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_RATE_LIMITS, slowdownRungs } from "./rate-limits.ts";
import { createHarness, type Harness } from "./test-harness.ts";

// The limiter counts in wall-clock time: tests that cover an hour move a fake Date instead of waiting.
let h: Harness;
beforeEach(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
  vi.useRealTimers();
});

const ADMIN = { email: "root@varai.test", password: "root-password-123" };
const ATTACKER = "203.0.113.66";
const OWNER = "198.51.100.7";
const SECOND = 1000;
const HOUR = 3600 * SECOND;

function login(ip: string, password: string, email = ADMIN.email) {
  // The app trusts X-Forwarded-For from loopback (a proxy in front), as in production.
  return request(h.app).post("/v1/auth/login").set("X-Forwarded-For", ip).send({ email, password });
}

function later(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

describe("login throttling: the owner cannot be locked out from elsewhere", () => {
  it("lets the platform admin in from their address while an attacker's guesses for the same email are refused", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await login(ATTACKER, `guess-${i}-wrong-password`)).status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.slice(-10)).toEqual(Array(10).fill(429));

    const owner = await login(OWNER, ADMIN.password);
    expect(owner.status).toBe(200);
    expect(owner.body.accessToken).toBeDefined();
  });

  it("lets the owner retry their own typos and sign in, from an address that has been failing", async () => {
    for (let i = 0; i < 30; i++) await login(ATTACKER, `guess-${i}-wrong-password`);
    expect((await login(OWNER, "a-typo-in-the-password")).status).toBe(401);
    later(5 * SECOND);
    expect((await login(OWNER, "another-typo-in-it")).status).toBe(401);
    later(5 * SECOND);
    expect((await login(OWNER, ADMIN.password)).status).toBe(200);
    // The success cleared this address: a later typo is a new address's first attempt again.
    expect((await login(OWNER, "one-more-typo-here")).status).toBe(401);
    expect((await login(OWNER, ADMIN.password)).status).toBe(200);
  });
});

// Hundreds of logins per test: longer than the default 5 s on a busy machine.
describe("login throttling: guessing is slowed", { timeout: 60_000 }, () => {
  it("lets one address make at most loginEmailIp.points guesses at one email in an hour", async () => {
    let guessed = 0;
    for (let t = 0; t < HOUR; t += 30 * SECOND) {
      if ((await login(ATTACKER, `guess-${t}-wrong-password`)).status === 401) guessed++;

      later(30 * SECOND);
    }
    // Of 120 attempts.
    expect(guessed).toBe(DEFAULT_RATE_LIMITS.loginEmailIp.points);
  });

  it("lets 60 addresses together make at most new-address budget + the slowest rung guesses at one email in an hour", async () => {
    let guessed = 0;
    let attempts = 0;
    for (let t = 0; t < HOUR; t += 15 * SECOND) {
      const address = `203.0.113.${attempts % 60}`;
      attempts++;
      if ((await login(address, `guess-${t}-wrong-password`)).status === 401) guessed++;
      later(15 * SECOND);
    }
    expect(attempts).toBe(240);
    const slowest = slowdownRungs(DEFAULT_RATE_LIMITS.loginSlowdown).at(-1);
    expect(slowest?.windowMs).toBe(HOUR);
    expect(guessed).toBeGreaterThanOrEqual(DEFAULT_RATE_LIMITS.loginNewAddress.points);
    expect(guessed).toBeLessThanOrEqual(DEFAULT_RATE_LIMITS.loginNewAddress.points + (slowest?.points ?? 0));
  });

  it("answers failing addresses with a Retry-After that grows with every failure for the email", async () => {
    const waits: number[] = [];
    let address = 0;
    while (waits.length < 10) {
      const res = await login(`203.0.113.${address % 200}`, "a-wrong-password-here");
      if (res.status === 429) {
        const wait = Number(res.headers["retry-after"]);
        waits.push(wait);
        later(wait * SECOND);
      } else {
        expect(res.status).toBe(401);
        address++;
      }
    }
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1] as number);
    expect(waits[0]).toBeLessThanOrEqual(2);
    expect(waits.at(-1)).toBeGreaterThanOrEqual(100 * (waits[0] as number));
  });
});
