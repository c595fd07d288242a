import { createHmac, randomBytes } from "node:crypto";
import {
  type AdapterDeps,
  errorBodyField,
  type RateLimitSignal,
  readIetfRateLimit,
  restRequest,
} from "@varai/commerce";
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

/** One REST call relative to `/rest/{store}/V1`; never retries (the engine's governor waits). */
export function createMagentoClient(options: { restBase: string; auth: MagentoAuth }, deps: AdapterDeps) {
  const sign = options.auth.kind === "oauth1" ? createMagentoOAuthSigner(options.auth, { clock: deps.clock }) : null;
  const bearer = options.auth.kind === "bearer" ? `Bearer ${options.auth.accessToken}` : null;

  return async function request(path: string, query: Query = []): Promise<Result<MagentoResponse, AppError>> {
    const base = `${options.restBase}${path}`;
    const qs = encodeQuery(query);
    const r = await restRequest(deps.fetch, {
      url: qs ? `${base}?${qs}` : base,
      method: "GET",
      headers: { authorization: sign ? sign("GET", base, query) : (bearer as string) },
      parse: parseMagentoJson,
    });
    if (!r.ok) {
      const f = r.error;
      if (f.kind !== "http") return err(toAdapterError(f));
      const message = errorBodyField(f.errorBody, "message");
      return err(
        toAdapterError({
          kind: "http",
          status: f.status,
          retryAfter: f.headers.get("retry-after"),
          ...(message ? { message } : {}),
        }),
      );
    }
    // Magento has no API quota, but hosts and proxies in front of it often send the IETF
    // `RateLimit-*` headers: reported so the governor paces.
    return ok({ status: r.value.status, body: r.value.body, rateLimit: readIetfRateLimit(r.value.headers) });
  };
}
