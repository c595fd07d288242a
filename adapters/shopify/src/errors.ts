import { adapterError } from "@varai/runtime";
import { type AppError, isAppError } from "@varai/schema";
import type { GqlResponse } from "./platform-schemas.ts";

const platform = "shopify" as const;

/** What a failed Admin API call looked like: an HTTP status, or a 200 carrying GraphQL errors. */
export type ShopifyFailure =
  | { kind: "http"; status: number; retryAfter: string | null }
  | { kind: "graphql"; body: GqlResponse }
  | { kind: "invalid-response"; message: string }
  | { kind: "network"; cause: unknown };

/**
 * The one mapping from Shopify failures to AppError codes. THROTTLED arrives as HTTP 200 with
 * `errors[].extensions.code`, so the wait comes from the cost bucket:
 * (requested - available) / restoreRate seconds.
 */
export function toAdapterError(failure: ShopifyFailure | unknown): AppError {
  if (isAppError(failure)) return failure;
  const f = failure as ShopifyFailure;
  switch (f?.kind) {
    case "http": {
      const { status } = f;
      if (status === 429) {
        const seconds = Number(f.retryAfter);
        const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
        return adapterError("RATE_LIMITED", "Shopify rate limit reached", { platform, status, retryAfterMs });
      }
      if (status === 401)
        return adapterError("UNAUTHENTICATED", "Shopify rejected the access token", { platform, status });
      if (status === 402 || status === 423)
        return adapterError("FORBIDDEN", "Shopify shop is frozen or locked", { platform, status });
      if (status === 403) return adapterError("FORBIDDEN", "Shopify access token lacks a scope", { platform, status });
      if (status === 404)
        return adapterError("NOT_FOUND", "Shopify shop or API version not found", { platform, status });
      if (status >= 500)
        return adapterError("UPSTREAM_UNAVAILABLE", `Shopify answered ${status}`, { platform, status });
      return adapterError("INVALID_RESPONSE", `Shopify answered ${status}`, { platform, status });
    }
    case "graphql": {
      const codes = (f.body.errors ?? []).map((e) => e.extensions?.code);
      const cost = f.body.extensions?.cost;
      if (codes.includes("THROTTLED")) {
        const available = cost?.throttleStatus.currentlyAvailable ?? 0;
        const restore = cost?.throttleStatus.restoreRate || 50;
        const requested = cost?.requestedQueryCost ?? restore;
        const retryAfterMs = Math.max(50, Math.ceil(((requested - available) / restore) * 1000));
        return adapterError("RATE_LIMITED", "Shopify GraphQL cost bucket exhausted", { platform, retryAfterMs });
      }
      if (codes.includes("ACCESS_DENIED"))
        return adapterError("FORBIDDEN", "Shopify denied access to a field", { platform });
      if (codes.includes("INTERNAL_SERVER_ERROR"))
        return adapterError("UPSTREAM_UNAVAILABLE", "Shopify internal error", { platform });
      const message = f.body.errors?.[0]?.message ?? "unknown GraphQL error";
      return adapterError("INVALID_RESPONSE", `Shopify GraphQL error: ${message.slice(0, 200)}`, { platform });
    }
    case "invalid-response":
      return adapterError("INVALID_RESPONSE", `Unexpected Shopify response: ${f.message}`, { platform });
    case "network":
      return adapterError("UPSTREAM_UNAVAILABLE", "Shopify unreachable", { platform }, f.cause);
    default:
      return adapterError("UPSTREAM_UNAVAILABLE", "Shopify call failed", { platform }, failure);
  }
}
