import { createHmac } from "node:crypto";
import type { AdapterDeps, RateLimitSignal } from "@varai/runtime";
import { type AppError, err, ok, type Result } from "@varai/schema";
import OAuth from "oauth-1.0a";
import { toAdapterError } from "./errors.ts";

export interface WooClientOptions {
  /** `https://store.example/wp-json/wc/v3` */
  restBase: string;
  consumerKey: string;
  consumerSecret: string;
  /** Basic over HTTPS; OAuth 1.0a one-legged (HMAC-SHA256, query string) over plain HTTP. */
  auth: "basic" | "oauth1";
}

export interface WooResponse {
  status: number;
  body: unknown;
  headers: Headers;
  rateLimit: RateLimitSignal | null;
}

/**
 * Host-level limits, when a host or plugin sets them (IETF RateLimit headers, as the
 * WooCommerce Store API and many proxies send). Absent on most stores.
 */
function readRateLimit(headers: Headers): RateLimitSignal | null {
  const limit = Number(headers.get("ratelimit-limit"));
  const remaining = Number(headers.get("ratelimit-remaining"));
  const reset = Number(headers.get("ratelimit-reset"));
  if (!headers.has("ratelimit-remaining") || !Number.isFinite(remaining) || !Number.isFinite(limit)) return null;
  // IETF RateLimit-Policy `20;w=1`: 20 requests per 1-second window.
  const window = /;\s*w=(\d+)/.exec(headers.get("ratelimit-policy") ?? "")?.[1];
  // A host quota with a policy window is read as restored continuously over that window (the
  // token / leaky buckets of proxies such as nginx limit_req), so the governor paces to the
  // refill instead of idling until the reset. A fixed-window host then answers the odd 429 at a
  // window boundary, which maps to RATE_LIMITED with Retry-After and is waited out.
  const restorePerSecond = window && Number(window) > 0 && limit > 0 ? limit / Number(window) : null;
  return {
    remaining,
    capacity: limit,
    restorePerSecond,
    resetMs: Number.isFinite(reset) ? reset * 1000 : null,
    windowMs: window ? Number(window) * 1000 : null,
    cost: 1,
  };
}

export function createWooClient(options: WooClientOptions, deps: AdapterDeps) {
  const oauth = new OAuth({
    consumer: { key: options.consumerKey, secret: options.consumerSecret },
    signature_method: "HMAC-SHA256",
    hash_function: (base, key) => createHmac("sha256", key).update(base).digest("base64"),
  });
  const basic = `Basic ${Buffer.from(`${options.consumerKey}:${options.consumerSecret}`).toString("base64")}`;

  return async function request(
    method: "GET" | "POST" | "PUT",
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
  ): Promise<Result<WooResponse, AppError>> {
    const url = new URL(`${options.restBase}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (options.auth === "basic") headers.authorization = basic;
    else {
      // The body is not signed (Woo's docs); the signature covers method, URL and query.
      const data = oauth.authorize({ url: url.toString(), method });
      for (const [k, v] of Object.entries(data)) url.searchParams.set(k, String(v));
    }
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
    const rateLimit = readRateLimit(response.headers);
    if (response.status === 404 && method === "GET") {
      await response.text().catch(() => "");
      return ok({ status: 404, body: null, headers: response.headers, rateLimit });
    }
    if (!response.ok) {
      let code: string | undefined;
      try {
        code = ((await response.json()) as { code?: string }).code;
      } catch {}
      return err(
        toAdapterError({
          kind: "http",
          status: response.status,
          retryAfter: response.headers.get("retry-after"),
          ...(code ? { code } : {}),
        }),
      );
    }
    try {
      return ok({ status: response.status, body: await response.json(), headers: response.headers, rateLimit });
    } catch {
      return err(toAdapterError({ kind: "invalid-response", message: "body is not JSON" }));
    }
  };
}
