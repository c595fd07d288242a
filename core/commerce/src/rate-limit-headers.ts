import type { RateLimitSignal } from "./adapter.ts";

/**
 * A host's IETF `RateLimit-*` headers (draft-ietf-httpapi-ratelimit-headers: `RateLimit-Limit`,
 * `-Remaining`, `-Reset` in seconds, `RateLimit-Policy` with `w=` the window in seconds), as the
 * WooCommerce Store API, hosts and many proxies in front of WooCommerce and Magento send them.
 * Null when the host sends none (most stores).
 *
 * A host quota with a policy window is read as restored continuously over that window (the
 * token / leaky buckets of proxies such as nginx limit_req), so the governor paces to the refill
 * instead of idling until the reset. A fixed-window host then answers the odd 429 at a window
 * boundary, which maps to RATE_LIMITED with Retry-After and is waited out.
 *
 * A missing (or non-numeric) `RateLimit-Reset` is `resetMs: null`, "unknown", never 0 ("now"):
 * the WooCommerce copy of this function read it as 0.
 */
export function readIetfRateLimit(headers: Headers): RateLimitSignal | null {
  const limit = Number(headers.get("ratelimit-limit"));
  const remaining = Number(headers.get("ratelimit-remaining"));
  const reset = Number(headers.get("ratelimit-reset"));
  if (!headers.has("ratelimit-remaining") || !Number.isFinite(remaining) || !Number.isFinite(limit)) return null;
  // IETF RateLimit-Policy `20;w=1`: 20 requests per 1-second window.
  const window = /;\s*w=(\d+)/.exec(headers.get("ratelimit-policy") ?? "")?.[1];
  const restorePerSecond = window && Number(window) > 0 && limit > 0 ? limit / Number(window) : null;
  return {
    remaining,
    capacity: limit,
    restorePerSecond,
    resetMs: headers.has("ratelimit-reset") && Number.isFinite(reset) ? reset * 1000 : null,
    windowMs: window ? Number(window) * 1000 : null,
    cost: 1,
  };
}
