import { describe, expect, it } from "vitest";
import { readIetfRateLimit } from "./rate-limit-headers.ts";

describe("readIetfRateLimit", () => {
  it("reads limit, remaining, reset and the policy window, paced as a continuous refill", () => {
    const headers = new Headers({
      "ratelimit-limit": "20",
      "ratelimit-remaining": "7",
      "ratelimit-reset": "3",
      "ratelimit-policy": "20;w=2",
    });
    expect(readIetfRateLimit(headers)).toEqual({
      remaining: 7,
      capacity: 20,
      restorePerSecond: 10,
      resetMs: 3000,
      windowMs: 2000,
      cost: 1,
    });
  });

  it("reports a missing reset header as unknown (null), not as a reset now (0)", () => {
    const signal = readIetfRateLimit(new Headers({ "ratelimit-limit": "20", "ratelimit-remaining": "7" }));
    expect(signal?.resetMs).toBeNull();
    expect(signal?.restorePerSecond).toBeNull();
    expect(signal?.windowMs).toBeNull();
  });

  it("reports a non-numeric reset as unknown", () => {
    const headers = new Headers({ "ratelimit-limit": "20", "ratelimit-remaining": "7", "ratelimit-reset": "soon" });
    expect(readIetfRateLimit(headers)?.resetMs).toBeNull();
  });

  it("gives no signal without a usable remaining count", () => {
    expect(readIetfRateLimit(new Headers())).toBeNull();
    expect(readIetfRateLimit(new Headers({ "ratelimit-limit": "20" }))).toBeNull();
    expect(readIetfRateLimit(new Headers({ "ratelimit-limit": "x", "ratelimit-remaining": "3" }))).toBeNull();
  });
});
