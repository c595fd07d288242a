import { adapterError, type RateLimitSignal } from "@varai/runtime";
import { type AppError, isAppError } from "@varai/schema";

const platform = "bigcommerce" as const;

/** A 429 without quota headers is platform load, not the store's quota: back off this long. */
export const PLATFORM_LOAD_BACKOFF_MS = 15_000;

export type BigCommerceFailure =
  | { kind: "http"; status: number; rateLimit: RateLimitSignal | null; title?: string }
  | { kind: "invalid-response"; message: string }
  | { kind: "network"; cause: unknown };

/** The one mapping from BigCommerce failures to AppError codes. */
export function toAdapterError(failure: BigCommerceFailure | unknown): AppError {
  if (isAppError(failure)) return failure;
  const f = failure as BigCommerceFailure;
  switch (f?.kind) {
    case "http": {
      const { status } = f;
      if (status === 429) {
        // The quota is per store and shared by every app: wait exactly until the window resets.
        const retryAfterMs =
          f.rateLimit?.resetMs && f.rateLimit.resetMs > 0 ? f.rateLimit.resetMs : PLATFORM_LOAD_BACKOFF_MS;
        return adapterError("RATE_LIMITED", "BigCommerce store quota exhausted", {
          platform,
          status,
          retryAfterMs,
          ...(f.rateLimit ? { quota: f.rateLimit.capacity } : {}),
        });
      }
      if (status === 401)
        return adapterError("UNAUTHENTICATED", "BigCommerce rejected the access token", { platform, status });
      if (status === 403)
        return adapterError("FORBIDDEN", "BigCommerce token lacks a scope (or the store is suspended)", {
          platform,
          status,
        });
      if (status === 404) return adapterError("NOT_FOUND", "BigCommerce resource not found", { platform, status });
      if (status >= 500)
        return adapterError("UPSTREAM_UNAVAILABLE", `BigCommerce answered ${status}`, { platform, status });
      return adapterError("INVALID_RESPONSE", `BigCommerce answered ${status}`, {
        platform,
        status,
        ...(f.title ? { title: f.title.slice(0, 200) } : {}),
      });
    }
    case "invalid-response":
      return adapterError("INVALID_RESPONSE", `Unexpected BigCommerce response: ${f.message}`, { platform });
    case "network":
      return adapterError("UPSTREAM_UNAVAILABLE", "BigCommerce unreachable", { platform }, f.cause);
    default:
      return adapterError("UPSTREAM_UNAVAILABLE", "BigCommerce call failed", { platform }, failure);
  }
}
