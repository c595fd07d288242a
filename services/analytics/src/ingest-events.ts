import { randomUUID } from "node:crypto";
import { parseInput, type ShopperIdentity } from "@varai/runtime";
import { type AnalyticsEventInput, AppError, CONSENT_REQUIRED_MESSAGE, shopperIdAllowed } from "@varai/schema";
import { countryFromHeader, deviceClassOf, REGION_HEADERS } from "./enrich.ts";
import type { EventQueue } from "./event-queue.ts";
import { EventBatchBodySchema } from "./schemas.ts";
import { type Rejection, validateEvent } from "./validate.ts";

export interface EventIngestDeps {
  queue: EventQueue;
  shoppers: ShopperIdentity;
  tenantRegion: (tenantId: string) => Promise<string | null>;
  clock: () => Date;
  limits: { maxBatch: number; skewMs: number; retentionDays: number; maxPropertiesBytes: number };
}

export interface EventRequest {
  tenantId: string;
  body: unknown;
  /** A request header by name (User-Agent and the CDN country headers). */
  header: (name: string) => string | undefined;
}

/** `POST /v1/events`: validates each event alone, enqueues the accepted ones as one batch. */
export async function ingestEvents(
  deps: EventIngestDeps,
  { tenantId, body: rawBody, header }: EventRequest,
): Promise<{ accepted: number; rejected: Rejection[] }> {
  const { maxBatch, skewMs, retentionDays, maxPropertiesBytes } = deps.limits;
  // Counted before item validation: the limit protects the work, not only the response.
  const items = (rawBody as { events?: unknown } | undefined)?.events;
  if (Array.isArray(items) && items.length > maxBatch) {
    throw new AppError("PAYLOAD_TOO_LARGE", `At most ${maxBatch} events per request`, {
      details: { maxBatchSize: maxBatch },
    });
  }
  const body = parseInput(EventBatchBodySchema, rawBody);
  await deps.queue.assertCapacity();

  const now = deps.clock();
  const limits = { nowMs: now.getTime(), skewMs, maxAgeMs: retentionDays * 86_400_000, maxPropertiesBytes };
  const events: AnalyticsEventInput[] = [];
  const rejected: Rejection[] = [];
  const seen = new Set<string>();
  for (const [index, item] of body.events.entries()) {
    const outcome = validateEvent(item, index, limits);
    if ("rejection" in outcome) {
      rejected.push(outcome.rejection);
    } else if (!shopperIdAllowed({ shopperId: outcome.event.shopperId, consent: body.consent })) {
      rejected.push({ index, id: outcome.event.id, reason: "consent_required", message: CONSENT_REQUIRED_MESSAGE });
    } else if (seen.has(outcome.event.id)) {
      rejected.push({
        index,
        id: outcome.event.id,
        reason: "duplicate_in_batch",
        message: "the same id appears earlier in this batch",
      });
    } else {
      seen.add(outcome.event.id);
      const { shopperId } = outcome.event;
      // One stored form per shopper (a gid and the plain id agree; an email is never kept in clear).
      events.push(shopperId ? { ...outcome.event, shopperId: deps.shoppers.normalise(shopperId) } : outcome.event);
    }
  }

  if (events.length > 0) {
    let region: string | null = null;
    for (const name of REGION_HEADERS) {
      region = countryFromHeader(header(name));
      if (region) break;
    }
    await deps.queue.enqueue({
      batchId: `evb_${randomUUID().replaceAll("-", "")}`,
      tenantId,
      receivedAt: now.toISOString(),
      deviceClass: deviceClassOf(header("user-agent")),
      region: region ?? (await deps.tenantRegion(tenantId)),
      events,
    });
  }
  return { accepted: events.length, rejected };
}
