import { type CommonFailure, commonFailureError, httpFailureError, retryAfterMs } from "@varai/commerce";
import type { AppError } from "@varai/schema";

export type MagentoFailure =
  | { kind: "http"; status: number; retryAfter: string | null; message?: string }
  | CommonFailure;

const TEXTS = {
  platform: "magento",
  name: "Magento",
  // Magento has no REST quota of its own; hosts (Fastly on Cloud, WAFs) add one with Retry-After.
  rateLimited: "Magento host rate limit reached",
  // 401 also covers an integration token used as Bearer on 2.4.4+ where that is disabled.
  unauthenticated: "Magento rejected the integration credentials",
  forbidden: "Magento integration lacks the Catalog resource",
  notFound: "Magento resource not found",
  unreachable: "Magento store unreachable",
} as const;

/** The one mapping from Magento (and its host's) failures to AppError codes. */
export function toAdapterError(failure: MagentoFailure | unknown): AppError {
  const f = failure as MagentoFailure;
  if (f?.kind !== "http") return commonFailureError(TEXTS, failure);
  return httpFailureError(TEXTS, f.status, {
    retryAfterMs: retryAfterMs(f.retryAfter),
    ...(f.message ? { extra: { INVALID_RESPONSE: { message: f.message.slice(0, 200) } } } : {}),
  });
}
