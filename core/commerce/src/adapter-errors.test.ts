import { AppError } from "@varai/schema";
import { describe, expect, it } from "vitest";
import {
  commonFailureError,
  httpFailureError,
  isRetryableAdapterError,
  type PlatformFailureTexts,
  retryAfterMs,
} from "./adapter-errors.ts";

const TEXTS: PlatformFailureTexts = {
  platform: "woocommerce",
  name: "WooCommerce",
  rateLimited: "limited",
  unauthenticated: "who?",
  forbidden: "no",
  notFound: "gone",
  unreachable: "down",
};

describe("retryAfterMs", () => {
  it("reads delta-seconds and falls back for absent, invalid or non-positive values", () => {
    expect(retryAfterMs("7")).toBe(7000);
    expect(retryAfterMs("0.5")).toBe(500);
    expect(retryAfterMs(null)).toBe(1000);
    expect(retryAfterMs("0")).toBe(1000);
    expect(retryAfterMs("Wed, 21 Oct 2026 07:28:00 GMT", 2500)).toBe(2500);
  });
});

describe("httpFailureError", () => {
  it("maps each status to its code with the platform and status in the details", () => {
    const cases: Array<[number, string, string]> = [
      [429, "RATE_LIMITED", "limited"],
      [401, "UNAUTHENTICATED", "who?"],
      [403, "FORBIDDEN", "no"],
      [404, "NOT_FOUND", "gone"],
      [503, "UPSTREAM_UNAVAILABLE", "WooCommerce answered 503"],
      [400, "INVALID_RESPONSE", "WooCommerce answered 400"],
    ];
    for (const [status, code, message] of cases) {
      const e = httpFailureError(TEXTS, status);
      expect([e.code, e.message]).toEqual([code, message]);
      expect(e.details).toMatchObject({ platform: "woocommerce", status });
    }
  });

  it("puts the wait on a 429 (1 s by default) and extra details on the named code only", () => {
    const extra = { UNAUTHENTICATED: { code: "bad_key" } };
    expect(httpFailureError(TEXTS, 429, { retryAfterMs: 7000, extra }).details).toEqual({
      platform: "woocommerce",
      status: 429,
      retryAfterMs: 7000,
    });
    expect(httpFailureError(TEXTS, 429).details?.retryAfterMs).toBe(1000);
    expect(httpFailureError(TEXTS, 401, { extra }).details).toEqual({
      platform: "woocommerce",
      status: 401,
      code: "bad_key",
    });
  });
});

describe("commonFailureError", () => {
  it("passes AppErrors through, and maps invalid responses, network and unknown failures", () => {
    const own = new AppError("CONFLICT", "x");
    expect(commonFailureError(TEXTS, own)).toBe(own);
    expect(commonFailureError(TEXTS, { kind: "invalid-response", message: "html" }).message).toBe(
      "Unexpected WooCommerce response: html",
    );
    const cause = new TypeError("fetch failed");
    const network = commonFailureError(TEXTS, { kind: "network", cause });
    expect([network.code, network.message, network.cause]).toEqual(["UPSTREAM_UNAVAILABLE", "down", cause]);
    const unknown = commonFailureError(TEXTS, "boom");
    expect([unknown.code, unknown.message]).toEqual(["UPSTREAM_UNAVAILABLE", "WooCommerce call failed"]);
    expect(isRetryableAdapterError(network)).toBe(true);
    expect(isRetryableAdapterError(own)).toBe(false);
  });
});
