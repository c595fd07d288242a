import type { Logger, PrivacyParticipant, PrivacyRegistry, PrivacySubject, ShopperIdentity } from "@varai/runtime";
import { AppError, type PrivacyRequest } from "@varai/schema";

// In @varai/schema, so Studio validates its privacy form with the same schema.
export { type PrivacyRequest, PrivacyRequestSchema } from "@varai/schema";

export function toSubject(tenantId: string, request: PrivacyRequest): PrivacySubject {
  if ("scope" in request) return { kind: "tenant", tenantId };
  return {
    kind: "shopper",
    tenantId,
    ...(request.shopperId ? { shopperId: request.shopperId } : {}),
    ...(request.email ? { email: request.email } : {}),
  };
}

export interface PrivacyExport {
  subject: PrivacySubject;
  /** Participant name -> what it holds. */
  data: Record<string, Record<string, unknown>[]>;
}

export interface PrivacyRedaction {
  subject: PrivacySubject;
  /** Participant name -> items erased by this call (0 on a repeat: erasure is idempotent). */
  erased: Record<string, number>;
}

/**
 * A shopper subject as every stored form it may be found under (shopper-identity.ts): the id
 * as given and normalised (`gid://shopify/Customer/1` and `1`), the email's keyed hash, and the
 * ids linked to either. Participants then look up one plain `shopperId` at a time.
 */
export async function expandSubject(subject: PrivacySubject, shoppers: ShopperIdentity): Promise<PrivacySubject[]> {
  if (subject.kind === "tenant") return [subject];
  const ids = await shoppers.resolve(subject);
  return ids.map((shopperId) => ({ kind: "shopper", tenantId: subject.tenantId, shopperId }));
}

type Results<A extends "export" | "erase"> = Record<string, A extends "export" ? Record<string, unknown>[] : number>;

/**
 * Walks every registered participant for each of the subjects. One failing participant does
 * not stop the others; the call then fails as a whole (503) so the caller retries, which is
 * safe because every participant's erase is idempotent. Participants marked `eraseLast` run
 * only once all others succeeded.
 */
export async function walkParticipants<A extends "export" | "erase">(
  registry: PrivacyRegistry,
  logger: Logger,
  action: A,
  subjects: PrivacySubject | readonly PrivacySubject[],
): Promise<Results<A>> {
  const list = Array.isArray(subjects) ? subjects : [subjects as PrivacySubject];
  const results: Record<string, unknown> = {};
  const failed: string[] = [];
  const step = async (participant: PrivacyParticipant) => {
    try {
      if (action === "export") {
        const rows: Record<string, unknown>[] = [];
        const seen = new Set<string>();
        for (const subject of list) {
          for (const row of await participant.export(subject)) {
            // The same record can be reached from two forms of one shopper (a shared session).
            const key = JSON.stringify(row);
            if (!seen.has(key)) rows.push(row);
            seen.add(key);
          }
        }
        results[participant.name] = rows;
      } else {
        let erased = 0;
        for (const subject of list) erased += await participant.erase(subject);
        results[participant.name] = erased;
      }
    } catch (error) {
      failed.push(participant.name);
      logger.error(
        { err: error, participant: participant.name, action, tenantId: list[0]?.tenantId },
        "privacy step failed",
      );
    }
  };
  const all = registry.participants();
  for (const participant of all.filter((p) => !(action === "erase" && p.eraseLast))) await step(participant);
  if (failed.length === 0 && action === "erase")
    for (const participant of all.filter((p) => p.eraseLast)) await step(participant);
  if (failed.length > 0) {
    throw new AppError("UPSTREAM_UNAVAILABLE", `Privacy ${action} incomplete (${failed.join(", ")}); retry`, {
      details: { failedParticipants: failed },
    });
  }
  return results as Results<A>;
}
