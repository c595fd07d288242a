import { createHmac, randomBytes } from "node:crypto";
import type { AdapterDeps, RateLimitSignal } from "@varai/runtime";
import { type AppError, err, ok, type Result } from "@varai/schema";
import OAuth from "oauth-1.0a";
import { toAdapterError } from "./errors.ts";
import { parseMagentoJson } from "./json.ts";

export interface MagentoOAuthCredentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}

export type MagentoAuth =
  | ({ kind: "oauth1"; signatureMethod?: "HMAC-SHA256" | "HMAC-SHA1" } & MagentoOAuthCredentials)
  | { kind: "bearer"; accessToken: string };

/** Query parameters in order; values are raw (unencoded). */
export type Query = ReadonlyArray<readonly [string, string]>;

/**
 * RFC 3986 encoding (PHP's rawurlencode). Magento rebuilds the OAuth base string from the raw
 * query with rawurldecode, which leaves `+` alone: a space sent as `+` (URLSearchParams' form
 * encoding, e.g. in "2025-01-01 00:00:00") breaks the signature, so spaces go out as %20.
 */
export const rfc3986 = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const encodeQuery = (query: Query) => query.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join("&");

/**
 * OAuth 1.0a integration signing (one request = one header). The query parameters are passed to
 * the library as decoded `data`, not inside the URL: oauth-1.0a 2.2.6 does not decode query
 * KEYS, so `searchCriteria%5BpageSize%5D` would be encoded twice and every call would be 401.
 */
export function createMagentoOAuthSigner(
  credentials: MagentoOAuthCredentials & { signatureMethod?: "HMAC-SHA256" | "HMAC-SHA1" },
  seams: { clock: () => Date; nonce?: () => string },
) {
  const method = credentials.signatureMethod ?? "HMAC-SHA256";
  const oauth = new OAuth({
    consumer: { key: credentials.consumerKey, secret: credentials.consumerSecret },
    signature_method: method,
    hash_function: (base, key) =>
      createHmac(method === "HMAC-SHA1" ? "sha1" : "sha256", key)
        .update(base)
        .digest("base64"),
  });
  oauth.getTimeStamp = () => Math.floor(seams.clock().getTime() / 1000);
  oauth.getNonce = seams.nonce ?? (() => randomBytes(16).toString("hex"));
  const token = { key: credentials.accessToken, secret: credentials.accessTokenSecret };
  return (httpMethod: string, baseUrl: string, query: Query): string => {
    const data: Record<string, string> = {};
    for (const [k, v] of query) data[k] = v;
    return oauth.toHeader(oauth.authorize({ url: baseUrl, method: httpMethod, data }, token)).Authorization;
  };
}

export interface MagentoResponse {
  status: number;
  body: unknown;
  rateLimit: RateLimitSignal | null;
}

/**
 * Magento has no API quota, but hosts and proxies in front of it often send the IETF
 * `RateLimit-*` headers (limit, remaining, reset in seconds): reported so the governor paces.
 */
export function readRateLimit(headers: Headers): RateLimitSignal | null {
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
    resetMs: headers.has("ratelimit-reset") && Number.isFinite(reset) ? reset * 1000 : null,
    windowMs: window ? Number(window) * 1000 : null,
    cost: 1,
  };
}

/** One REST call relative to `/rest/{store}/V1`; never retries (the engine's governor waits). */
export function createMagentoClient(options: { restBase: string; auth: MagentoAuth }, deps: AdapterDeps) {
  const sign = options.auth.kind === "oauth1" ? createMagentoOAuthSigner(options.auth, { clock: deps.clock }) : null;
  const bearer = options.auth.kind === "bearer" ? `Bearer ${options.auth.accessToken}` : null;

  return async function request(path: string, query: Query = []): Promise<Result<MagentoResponse, AppError>> {
    const base = `${options.restBase}${path}`;
    const qs = encodeQuery(query);
    const headers: Record<string, string> = {
      accept: "application/json",
      authorization: sign ? sign("GET", base, query) : (bearer as string),
    };
    let response: Response;
    try {
      response = await deps.fetch(qs ? `${base}?${qs}` : base, { method: "GET", headers });
    } catch (cause) {
      return err(toAdapterError({ kind: "network", cause }));
    }
    const text = await response.text().catch(() => "");
    const rateLimit = readRateLimit(response.headers);
    if (response.status === 404) return ok({ status: 404, body: null, rateLimit });
    if (!response.ok) {
      let message: string | undefined;
      try {
        message = (JSON.parse(text) as { message?: string }).message;
      } catch {}
      return err(
        toAdapterError({
          kind: "http",
          status: response.status,
          retryAfter: response.headers.get("retry-after"),
          ...(message ? { message } : {}),
        }),
      );
    }
    try {
      return ok({ status: response.status, body: parseMagentoJson(text), rateLimit });
    } catch {
      // Maintenance pages and PHP notices arrive as HTML with a 200.
      return err(toAdapterError({ kind: "invalid-response", message: "body is not JSON" }));
    }
  };
}
