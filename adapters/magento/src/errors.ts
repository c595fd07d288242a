import { adapterError } from "@varai/runtime";
import { type AppError, isAppError } from "@varai/schema";

const platform = "magento" as const;

export type MagentoFailure =
  | { kind: "http"; status: number; retryAfter: string | null; message?: string }
  | { kind: "invalid-response"; message: string }
  | { kind: "network"; cause: unknown };

/** The one mapping from Magento (and its host's) failures to AppError codes. */
export function toAdapterError(failure: MagentoFailure | unknown): AppError {
  if (isAppError(failure)) return failure;
  const f = failure as MagentoFailure;
  switch (f?.kind) {
    case "http": {
      const { status } = f;
      if (status === 429) {
        // Magento has no REST quota of its own; hosts (Fastly on Cloud, WAFs) add one with Retry-After.
        const seconds = Number(f.retryAfter);
        const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
        return adapterError("RATE_LIMITED", "Magento host rate limit reached", { platform, status, retryAfterMs });
      }
      // 401 also covers an integration token used as Bearer on 2.4.4+ where that is disabled.
      if (status === 401)
        return adapterError("UNAUTHENTICATED", "Magento rejected the integration credentials", { platform, status });
      if (status === 403)
        return adapterError("FORBIDDEN", "Magento integration lacks the Catalog resource", { platform, status });
      if (status === 404) return adapterError("NOT_FOUND", "Magento resource not found", { platform, status });
      if (status >= 500)
        return adapterError("UPSTREAM_UNAVAILABLE", `Magento answered ${status}`, { platform, status });
      return adapterError("INVALID_RESPONSE", `Magento answered ${status}`, {
        platform,
        status,
        ...(f.message ? { message: f.message.slice(0, 200) } : {}),
      });
    }
    case "invalid-response":
      return adapterError("INVALID_RESPONSE", `Unexpected Magento response: ${f.message}`, { platform });
    case "network":
      return adapterError("UPSTREAM_UNAVAILABLE", "Magento store unreachable", { platform }, f.cause);
    default:
      return adapterError("UPSTREAM_UNAVAILABLE", "Magento call failed", { platform }, failure);
  }
}
