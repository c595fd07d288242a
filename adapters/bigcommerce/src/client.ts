import { type AdapterDeps, errorBodyField, type RateLimitSignal, restRequest } from "@varai/commerce";
import { type AppError, err, ok, type Result } from "@varai/schema";
import { toAdapterError } from "./errors.ts";
import { parseBigCommerceJson } from "./json.ts";

export interface BigCommerceResponse {
  status: number;
  body: unknown;
  rateLimit: RateLimitSignal | null;
  /** `performance.now()` when the response headers (and so `rateLimit`) arrived. */
  receivedAt: number;
}

/**
 * The signal as of now: `X-Rate-Limit-Time-Reset-Ms` counts from when the headers arrived, and a
 * page is read, parsed and transformed before the engine sees it (tens of ms for 250 products),
 * so the engine's wait for the window's reset would start that much late.
 */
export function rateLimitAsOfNow(rateLimit: RateLimitSignal | null, receivedAt: number): RateLimitSignal | null {
  if (!rateLimit || rateLimit.resetMs === null) return rateLimit;
  const elapsed = Math.max(0, performance.now() - receivedAt);
  return { ...rateLimit, resetMs: Math.max(0, rateLimit.resetMs - elapsed) };
}

/**
 * `X-Rate-Limit-*`: the store's window quota (shared by every app on the store). Reported on
 * every response so the engine's governor slows down before the quota runs out.
 */
export function readRateLimit(headers: Headers): RateLimitSignal | null {
  const left = Number(headers.get("x-rate-limit-requests-left"));
  const quota = Number(headers.get("x-rate-limit-requests-quota"));
  const reset = Number(headers.get("x-rate-limit-time-reset-ms"));
  const window = Number(headers.get("x-rate-limit-time-window-ms"));
  if (!headers.has("x-rate-limit-requests-left") || !Number.isFinite(left) || !Number.isFinite(quota)) return null;
  return {
    remaining: left,
    capacity: quota,
    restorePerSecond: null,
    resetMs: headers.has("x-rate-limit-time-reset-ms") && Number.isFinite(reset) ? reset : null,
    windowMs: headers.has("x-rate-limit-time-window-ms") && Number.isFinite(window) ? window : null,
    cost: 1,
  };
}

/** One call to `/stores/{hash}/...`; never retries (the engine's governor waits). */
export function createBigCommerceClient(options: { storeBase: string; accessToken: string }, deps: AdapterDeps) {
  return async function request(
    method: "GET" | "POST" | "PUT",
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
  ): Promise<Result<BigCommerceResponse, AppError>> {
    const url = new URL(`${options.storeBase}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const r = await restRequest(deps.fetch, {
      url,
      method,
      headers: { "x-auth-token": options.accessToken },
      body,
      // An empty 2xx body is null, not a parse error.
      parse: (text) => (text ? parseBigCommerceJson(text) : null),
    });
    if (!r.ok) {
      const f = r.error;
      if (f.kind !== "http") return err(toAdapterError(f));
      const title = errorBodyField(f.errorBody, "title");
      const rateLimit = readRateLimit(f.headers);
      return err(toAdapterError({ kind: "http", status: f.status, rateLimit, ...(title ? { title } : {}) }));
    }
    const { status, receivedAt } = r.value;
    return ok({ status, body: r.value.body, rateLimit: readRateLimit(r.value.headers), receivedAt });
  };
}
