import { adapterError, type CommonFailure, commonFailureError, httpFailureError, retryAfterMs } from "@varai/commerce";
import type { AppError } from "@varai/schema";
import type { GqlResponse } from "./platform-schemas.ts";

const platform = "shopify" as const;

/** What a failed Admin API call looked like: an HTTP status, or a 200 carrying GraphQL errors. */
export type ShopifyFailure =
  | { kind: "http"; status: number; retryAfter: string | null }
  | { kind: "graphql"; body: GqlResponse }
  | CommonFailure;

const TEXTS = {
  platform,
  name: "Shopify",
  rateLimited: "Shopify rate limit reached",
  unauthenticated: "Shopify rejected the access token",
  forbidden: "Shopify access token lacks a scope",
  notFound: "Shopify shop or API version not found",
  unreachable: "Shopify unreachable",
} as const;

/**
 * The one mapping from Shopify failures to AppError codes. THROTTLED arrives as HTTP 200 with
 * `errors[].extensions.code`, so the wait comes from the cost bucket:
 * (requested - available) / restoreRate seconds.
 */
export function toAdapterError(failure: ShopifyFailure | unknown): AppError {
  const f = failure as ShopifyFailure;
  switch (f?.kind) {
    case "http":
      if (f.status === 402 || f.status === 423)
        return adapterError("FORBIDDEN", "Shopify shop is frozen or locked", { platform, status: f.status });
      return httpFailureError(TEXTS, f.status, { retryAfterMs: retryAfterMs(f.retryAfter) });
    case "graphql": {
      const codes = (f.body.errors ?? []).map((e) => e.extensions?.code);
      const cost = f.body.extensions?.cost;
      if (codes.includes("THROTTLED")) {
        const available = cost?.throttleStatus.currentlyAvailable ?? 0;
        const restore = cost?.throttleStatus.restoreRate || 50;
        const requested = cost?.requestedQueryCost ?? restore;
        const waitMs = Math.max(50, Math.ceil(((requested - available) / restore) * 1000));
        return adapterError("RATE_LIMITED", "Shopify GraphQL cost bucket exhausted", {
          platform,
          retryAfterMs: waitMs,
        });
      }
      if (codes.includes("ACCESS_DENIED"))
        return adapterError("FORBIDDEN", "Shopify denied access to a field", { platform });
      if (codes.includes("INTERNAL_SERVER_ERROR"))
        return adapterError("UPSTREAM_UNAVAILABLE", "Shopify internal error", { platform });
      const message = f.body.errors?.[0]?.message ?? "unknown GraphQL error";
      return adapterError("INVALID_RESPONSE", `Shopify GraphQL error: ${message.slice(0, 200)}`, { platform });
    }
    default:
      return commonFailureError(TEXTS, failure);
  }
}
