import { adapterError } from "@varai/runtime";
import { type AppError, isAppError } from "@varai/schema";

const platform = "woocommerce" as const;

export type WooFailure =
  | { kind: "http"; status: number; retryAfter: string | null; code?: string }
  | { kind: "invalid-response"; message: string }
  | { kind: "network"; cause: unknown };

/** The one mapping from WooCommerce (and its host's) failures to AppError codes. */
export function toAdapterError(failure: WooFailure | unknown): AppError {
  if (isAppError(failure)) return failure;
  const f = failure as WooFailure;
  switch (f?.kind) {
    case "http": {
      const { status } = f;
      if (status === 429) {
        // Woo itself has no REST rate limit; hosts and security plugins add one, with Retry-After.
        const seconds = Number(f.retryAfter);
        const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
        return adapterError("RATE_LIMITED", "WooCommerce host rate limit reached", { platform, status, retryAfterMs });
      }
      if (status === 401)
        return adapterError("UNAUTHENTICATED", "WooCommerce rejected the consumer key", {
          platform,
          status,
          code: f.code,
        });
      if (status === 403) return adapterError("FORBIDDEN", "WooCommerce key lacks permission", { platform, status });
      if (status === 404) return adapterError("NOT_FOUND", "WooCommerce resource not found", { platform, status });
      if (status >= 500)
        return adapterError("UPSTREAM_UNAVAILABLE", `WooCommerce answered ${status}`, { platform, status });
      return adapterError("INVALID_RESPONSE", `WooCommerce answered ${status}`, { platform, status });
    }
    case "invalid-response":
      return adapterError("INVALID_RESPONSE", `Unexpected WooCommerce response: ${f.message}`, { platform });
    case "network":
      return adapterError("UPSTREAM_UNAVAILABLE", "WooCommerce store unreachable", { platform }, f.cause);
    default:
      return adapterError("UPSTREAM_UNAVAILABLE", "WooCommerce call failed", { platform }, failure);
  }
}
