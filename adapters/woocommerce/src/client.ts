import {
  type AdapterDeps,
  errorBodyField,
  type RateLimitSignal,
  readIetfRateLimit,
  restRequest,
  signBase64HmacSha256,
} from "@varai/commerce";
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
  /** Host-level limits, when a host or plugin sets them (IETF RateLimit headers); absent on most stores. */
  rateLimit: RateLimitSignal | null;
}

export function createWooClient(options: WooClientOptions, deps: AdapterDeps) {
  const oauth = new OAuth({
    consumer: { key: options.consumerKey, secret: options.consumerSecret },
    signature_method: "HMAC-SHA256",
    hash_function: (base, key) => signBase64HmacSha256(base, key),
  });
  const basic = `Basic ${Buffer.from(`${options.consumerKey}:${options.consumerSecret}`).toString("base64")}`;

  return async function request(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
  ): Promise<Result<WooResponse, AppError>> {
    const url = new URL(`${options.restBase}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = {};
    if (options.auth === "basic") headers.authorization = basic;
    else {
      // The body is not signed (Woo's docs); the signature covers method, URL and query.
      const data = oauth.authorize({ url: url.toString(), method });
      for (const [k, v] of Object.entries(data)) url.searchParams.set(k, String(v));
    }
    const r = await restRequest(deps.fetch, { url, method, headers, body });
    if (!r.ok) {
      const f = r.error;
      if (f.kind !== "http") return err(toAdapterError(f));
      const code = errorBodyField(f.errorBody, "code");
      return err(
        toAdapterError({
          kind: "http",
          status: f.status,
          retryAfter: f.headers.get("retry-after"),
          ...(code ? { code } : {}),
        }),
      );
    }
    const { status, headers: responseHeaders } = r.value;
    return ok({ status, body: r.value.body, headers: responseHeaders, rateLimit: readIetfRateLimit(responseHeaders) });
  };
}
