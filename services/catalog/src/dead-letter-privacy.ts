import type { PrivacyParticipant, PrivacySubject, Queue, ShopperIdentity } from "@varai/runtime";
import { CATALOG_QUEUES } from "./collections.ts";
import type { EventJob } from "./webhook-intake.ts";

/** More than any back-end keeps (10 000 by default), so a walk sees every dead letter. */
const DEAD_LETTER_SCAN = 1_000_000;

/** Ids too short to tell a shopper from any other number in a payload are not matched on. */
const MIN_NEEDLE_LENGTH = 4;

/**
 * Webhook events that failed every attempt wait in the catalog queue's dead letters, raw
 * platform payloads and all: an order carries its customer's id, email and address, a privacy
 * webhook the shopper it is about. For a shopper subject, every dead letter that mentions one of
 * the shopper's ids (as the storefront and the platform send them, and every id linked to them)
 * or their email is listed by the export and deleted by the erase. It had failed every retry
 * already; a product change it carried comes back with the next reconciliation. A tenant
 * subject drops all of the tenant's dead letters.
 */
export function createDeadLetterPrivacy(
  queue: Queue,
  shoppers: Pick<ShopperIdentity, "resolve"> | undefined,
): PrivacyParticipant {
  async function needlesOf(subject: Extract<PrivacySubject, { kind: "shopper" }>): Promise<RegExp | null> {
    const values = new Set<string>(shoppers ? await shoppers.resolve(subject) : []);
    if (subject.shopperId) values.add(subject.shopperId.trim());
    if (subject.email) values.add(subject.email.trim().toLowerCase());
    // Keyed email hashes (em_...) never appear in a platform's payload.
    const plain = [...values].filter((v) => v.length >= MIN_NEEDLE_LENGTH && !v.startsWith("em_"));
    if (plain.length === 0) return null;
    // Whole tokens only: customer 1234 must not match product 512345.
    const alternatives = plain.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
    return new RegExp(`(?<![A-Za-z0-9_.@-])(?:${alternatives})(?![A-Za-z0-9_@-])`, "i");
  }

  const mentions = (job: EventJob, needles: RegExp) => needles.test(JSON.stringify(job.event));

  async function matching(subject: PrivacySubject): Promise<Array<{ job: EventJob; error: string }>> {
    const letters = await queue.deadLetters<EventJob>(CATALOG_QUEUES.events, DEAD_LETTER_SCAN);
    const own = letters.filter((l) => l.job.payload?.tenantId === subject.tenantId);
    if (subject.kind === "tenant") return own.map((l) => ({ job: l.job.payload, error: l.error }));
    const needles = await needlesOf(subject);
    if (!needles) return [];
    return own.filter((l) => mentions(l.job.payload, needles)).map((l) => ({ job: l.job.payload, error: l.error }));
  }

  return {
    name: "catalog.dead-letters",
    async export(subject) {
      return (await matching(subject)).map(({ job }) => ({
        kind: "catalog_event_not_processed",
        connectionId: job.connectionId,
        deliveryId: job.deliveryId,
        receivedAt: job.receivedAt,
        topic: "topic" in job.event ? job.event.topic : job.event.kind,
      }));
    },
    async erase(subject) {
      const needles = subject.kind === "shopper" ? await needlesOf(subject) : null;
      if (subject.kind === "shopper" && !needles) return 0;
      return queue.rewriteDeadLetters<EventJob>(CATALOG_QUEUES.events, (job) => {
        if (job?.tenantId !== subject.tenantId) return undefined;
        if (subject.kind === "tenant") return null;
        return mentions(job, needles as RegExp) ? null : undefined;
      });
    },
  };
}
