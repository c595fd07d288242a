import { type AnalyticsEventInput, AnalyticsEventInputSchema } from "@varai/schema";

/** Stable reason codes a client can switch on; `message` carries the detail. */
export const REJECT_REASONS = [
  "invalid_event",
  "unknown_type",
  "invalid_id",
  "invalid_field",
  "future_timestamp",
  "too_old",
  "properties_too_large",
  "duplicate_in_batch",
  "consent_required",
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface Rejection {
  index: number;
  id: string | null;
  reason: RejectReason;
  message: string;
}

export interface ValidationLimits {
  nowMs: number;
  /** How far ahead of server time a client clock may be. */
  skewMs: number;
  /** Events older than this would expire on arrival. */
  maxAgeMs: number;
  /** JSON size of `properties`, in UTF-16 code units (close enough to bytes for a limit). */
  maxPropertiesBytes: number;
}

// Ids become parts of document keys and log lines: a closed alphabet keeps both unambiguous.
const ID_RE = /^[A-Za-z0-9_.:-]+$/;

export function validateEvent(
  item: unknown,
  index: number,
  limits: ValidationLimits,
): { event: AnalyticsEventInput } | { rejection: Rejection } {
  const rawId = typeof item === "object" && item !== null ? (item as { id?: unknown }).id : undefined;
  const id = typeof rawId === "string" ? rawId.slice(0, 64) : null;
  const reject = (reason: RejectReason, message: string) => ({ rejection: { index, id, reason, message } });

  if (typeof item !== "object" || item === null || Array.isArray(item)) return reject("invalid_event", "not an object");
  const parsed = AnalyticsEventInputSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") ?? "";
    const message = `${path || "event"}: ${issue?.message ?? "invalid"}`;
    if (path === "type") return reject("unknown_type", message);
    if (path === "id" || path === "sessionId" || path === "productId") return reject("invalid_id", message);
    return reject("invalid_field", message);
  }
  const event = parsed.data;
  for (const field of ["id", "sessionId", "productId"] as const) {
    const value = event[field];
    if (value !== undefined && !ID_RE.test(value)) return reject("invalid_id", `${field}: only A-Z a-z 0-9 _ . : -`);
  }
  const occurredMs = Date.parse(event.occurredAt);
  if (occurredMs > limits.nowMs + limits.skewMs) {
    const aheadS = Math.round((occurredMs - limits.nowMs) / 1000);
    return reject(
      "future_timestamp",
      `occurredAt is ${aheadS} s ahead of server time (skew allowed: ${limits.skewMs / 1000} s)`,
    );
  }
  if (occurredMs < limits.nowMs - limits.maxAgeMs) {
    return reject("too_old", "occurredAt is older than the retention window");
  }
  const size = JSON.stringify(event.properties).length;
  if (size > limits.maxPropertiesBytes) {
    return reject("properties_too_large", `properties are ${size} bytes as JSON (max ${limits.maxPropertiesBytes})`);
  }
  return { event };
}
