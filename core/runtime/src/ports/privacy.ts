/**
 * Privacy: every service that stores shopper data registers a participant that can
 * export and erase it. `POST /v1/privacy/export|redact` (and the platforms' redaction
 * webhooks) walk all registered participants, so adding a store of shopper data without
 * registering here is the bug to look for in review.
 */
/**
 * `shopperId` / `email` as the caller gave them. Auth expands a shopper subject to every stored
 * form of the shopper (ShopperIdentity.resolve: normalised id, gid form, email hash, linked ids)
 * and calls each participant once per form with `{ kind: "shopper", tenantId, shopperId }`, so a
 * participant matches a plain `shopperId` and never sees an email.
 */
export type PrivacySubject =
  | { kind: "shopper"; tenantId: string; shopperId?: string; email?: string }
  | { kind: "tenant"; tenantId: string };

export interface PrivacyParticipant {
  /** Unique, e.g. "ml.face-measurements". */
  name: string;
  /** Everything this participant holds about the subject, as plain JSON. */
  export(subject: PrivacySubject): Promise<Record<string, unknown>[]>;
  /** Erases everything about the subject. Idempotent. Returns how many items were removed. */
  erase(subject: PrivacySubject): Promise<number>;
  /**
   * Erased after every other participant succeeded (catalog: the connection a platform's
   * redaction webhook arrived through, which its retry needs until the rest is done).
   */
  eraseLast?: boolean;
}

export interface PrivacyRegistry {
  register(participant: PrivacyParticipant): void;
  participants(): readonly PrivacyParticipant[];
}

export function createPrivacyRegistry(): PrivacyRegistry {
  const list: PrivacyParticipant[] = [];
  return {
    register(participant) {
      if (list.some((p) => p.name === participant.name)) {
        throw new Error(`privacy participant ${participant.name} registered twice`);
      }
      list.push(participant);
    },
    participants: () => list,
  };
}
