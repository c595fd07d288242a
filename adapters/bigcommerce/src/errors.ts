import {
  type CommonFailure,
  commonFailureError,
  httpFailureError,
  type PlatformFailureTexts,
  type RateLimitSignal,
} from "@varai/commerce";
import type { AppError } from "@varai/schema";

/** A 429 without quota headers is platform load, not the store's quota: back off this long. */
export const PLATFORM_LOAD_BACKOFF_MS = 15_000;

export type BigCommerceFailure =
  | { kind: "http"; status: number; rateLimit: RateLimitSignal | null; title?: string }
  | CommonFailure;

const TEXTS: PlatformFailureTexts = {
  platform: "bigcommerce",
  name: "BigCommerce",
  rateLimited: "BigCommerce store quota exhausted",
  unauthenticated: "BigCommerce rejected the access token",
  forbidden: "BigCommerce token lacks a scope (or the store is suspended)",
  notFound: "BigCommerce resource not found",
  unreachable: "BigCommerce unreachable",
};

/** The one mapping from BigCommerce failures to AppError codes. */
export function toAdapterError(failure: BigCommerceFailure | unknown): AppError {
  const f = failure as BigCommerceFailure;
  if (f?.kind !== "http") return commonFailureError(TEXTS, failure);
  // The quota is per store and shared by every app: wait exactly until the window resets.
  const resetMs = f.rateLimit?.resetMs;
  return httpFailureError(TEXTS, f.status, {
    retryAfterMs: resetMs && resetMs > 0 ? resetMs : PLATFORM_LOAD_BACKOFF_MS,
    extra: {
      RATE_LIMITED: f.rateLimit ? { quota: f.rateLimit.capacity } : {},
      INVALID_RESPONSE: f.title ? { title: f.title.slice(0, 200) } : {},
    },
  });
}
