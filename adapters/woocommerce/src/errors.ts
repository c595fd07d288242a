import { type CommonFailure, commonFailureError, httpFailureError, retryAfterMs } from "@varai/commerce";
import type { AppError } from "@varai/schema";

export type WooFailure = { kind: "http"; status: number; retryAfter: string | null; code?: string } | CommonFailure;

const TEXTS = {
  platform: "woocommerce",
  name: "WooCommerce",
  // Woo itself has no REST rate limit; hosts and security plugins add one, with Retry-After.
  rateLimited: "WooCommerce host rate limit reached",
  unauthenticated: "WooCommerce rejected the consumer key",
  forbidden: "WooCommerce key lacks permission",
  notFound: "WooCommerce resource not found",
  unreachable: "WooCommerce store unreachable",
} as const;

/** The one mapping from WooCommerce (and its host's) failures to AppError codes. */
export function toAdapterError(failure: WooFailure | unknown): AppError {
  const f = failure as WooFailure;
  if (f?.kind !== "http") return commonFailureError(TEXTS, failure);
  return httpFailureError(TEXTS, f.status, {
    retryAfterMs: retryAfterMs(f.retryAfter),
    extra: { UNAUTHENTICATED: { code: f.code } },
  });
}
