/**
 * Adapter errors: every failure an adapter reports is an `AppError` whose details say which
 * platform and, for HTTP failures, which status; each platform keeps ONE `toAdapterError` that
 * maps its failures (STYLE.md), built from the helpers here so the shared rules (a status to a
 * code, Retry-After to a wait, what network and unexpected failures are) live once.
 */
import { AppError, type ErrorCode, isAppError, type Platform } from "@varai/schema";

/** Every adapter-produced error is an AppError whose details follow this shape. */
export interface AdapterErrorDetails {
  platform: Platform;
  /** HTTP status from the platform when there was one. */
  status?: number;
  /** Set on RATE_LIMITED: how long to wait before retrying. */
  retryAfterMs?: number;
  [key: string]: unknown;
}

/** Builds an adapter error (used by each platform's single `toAdapterError`). */
export function adapterError(
  code: ErrorCode,
  message: string,
  details: AdapterErrorDetails,
  cause?: unknown,
): AppError {
  return new AppError(code, message, { details, cause });
}

/** True for errors the engine may retry later (rate limits, outages). */
export function isRetryableAdapterError(error: AppError): boolean {
  return error.code === "RATE_LIMITED" || error.code === "UPSTREAM_UNAVAILABLE" || error.code === "OVERLOADED";
}

/** Used when a 429 carries no usable Retry-After. */
export const DEFAULT_RETRY_AFTER_MS = 1000;

/**
 * A `Retry-After` header in delta-seconds as milliseconds; `fallbackMs` when it is absent, not a
 * number or not positive (the HTTP-date form is not sent by any platform we call).
 */
export function retryAfterMs(header: string | null | undefined, fallbackMs = DEFAULT_RETRY_AFTER_MS): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : fallbackMs;
}

/** How one platform words its failures; the statuses and codes are the same for all. */
export interface PlatformFailureTexts {
  platform: Platform;
  /** The platform's name in messages: "WooCommerce". */
  name: string;
  /** 429 */
  rateLimited: string;
  /** 401 */
  unauthenticated: string;
  /** 403 */
  forbidden: string;
  /** 404 */
  notFound: string;
  /** The call never got an answer. */
  unreachable: string;
}

/** Failures every platform shares besides an HTTP status. */
export type CommonFailure = { kind: "invalid-response"; message: string } | { kind: "network"; cause: unknown };

/**
 * An HTTP failure status as an adapter error: 429 RATE_LIMITED (with `retryAfterMs`), 401
 * UNAUTHENTICATED, 403 FORBIDDEN, 404 NOT_FOUND, 5xx UPSTREAM_UNAVAILABLE, anything else
 * INVALID_RESPONSE. `extra` adds details to the error of one code (Woo's error `code` on a 401,
 * Magento's `message` on an unexpected status). A platform with statuses of its own (Shopify's
 * 402/423) maps those before calling this.
 */
export function httpFailureError(
  texts: PlatformFailureTexts,
  status: number,
  options: { retryAfterMs?: number; extra?: Partial<Record<ErrorCode, Record<string, unknown>>> } = {},
): AppError {
  const { platform, name } = texts;
  const make = (code: ErrorCode, message: string, details: AdapterErrorDetails) =>
    adapterError(code, message, { ...details, ...options.extra?.[code] });
  if (status === 429)
    return make("RATE_LIMITED", texts.rateLimited, {
      platform,
      status,
      retryAfterMs: options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS,
    });
  if (status === 401) return make("UNAUTHENTICATED", texts.unauthenticated, { platform, status });
  if (status === 403) return make("FORBIDDEN", texts.forbidden, { platform, status });
  if (status === 404) return make("NOT_FOUND", texts.notFound, { platform, status });
  if (status >= 500) return make("UPSTREAM_UNAVAILABLE", `${name} answered ${status}`, { platform, status });
  return make("INVALID_RESPONSE", `${name} answered ${status}`, { platform, status });
}

/**
 * The rest of a `toAdapterError`: an AppError passes through, an unexpected response is
 * INVALID_RESPONSE, no answer (or anything unknown) is UPSTREAM_UNAVAILABLE with the cause kept.
 */
export function commonFailureError(texts: PlatformFailureTexts, failure: CommonFailure | unknown): AppError {
  if (isAppError(failure)) return failure;
  const { platform, name } = texts;
  const f = failure as CommonFailure;
  switch (f?.kind) {
    case "invalid-response":
      return adapterError("INVALID_RESPONSE", `Unexpected ${name} response: ${f.message}`, { platform });
    case "network":
      return adapterError("UPSTREAM_UNAVAILABLE", texts.unreachable, { platform }, f.cause);
    default:
      return adapterError("UPSTREAM_UNAVAILABLE", `${name} call failed`, { platform }, failure);
  }
}
