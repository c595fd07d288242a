import type { AdapterDeps, RateLimitSignal } from "@varai/runtime";
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
    const headers: Record<string, string> = { accept: "application/json", "x-auth-token": options.accessToken };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (cause) {
      return err(toAdapterError({ kind: "network", cause }));
    }
    const receivedAt = performance.now();
    const rateLimit = readRateLimit(response.headers);
    const text = await response.text().catch(() => "");
    if (response.status === 404 && method === "GET") return ok({ status: 404, body: null, rateLimit, receivedAt });
    if (!response.ok) {
      let title: string | undefined;
      try {
        title = (JSON.parse(text) as { title?: string }).title;
      } catch {}
      return err(toAdapterError({ kind: "http", status: response.status, rateLimit, ...(title ? { title } : {}) }));
    }
    try {
      return ok({ status: response.status, body: text ? parseBigCommerceJson(text) : null, rateLimit, receivedAt });
    } catch {
      return err(toAdapterError({ kind: "invalid-response", message: "body is not JSON" }));
    }
  };
}
