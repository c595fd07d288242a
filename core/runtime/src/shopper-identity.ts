import { createHmac, randomBytes } from "node:crypto";
import type { CollectionDefinition, DocumentStore } from "./ports/document-store.ts";
import type { PrivacyParticipant, PrivacySubject } from "./ports/privacy.ts";

/**
 * One shopper identity per storefront platform. A shopper is known by the storefront's
 * logged-in customer id (Shopify `customer.id`, WordPress user id, Magento and BigCommerce
 * customer ids), stored in ONE form:
 *   - `gid://<platform>/Customer/<id>` (Shopify's GraphQL form) is stored as `<id>`;
 *   - an email given where an id is expected is never stored in clear: it becomes its keyed
 *     hash, `em_<HMAC-SHA256(server secret, lowercased email)>`;
 *   - anything else is the trimmed id itself.
 * When a request carries both the customer id and the email (the widget's `shopper-email`, a
 * platform's privacy webhook), the pair is linked (id + email hash), so that a later export or
 * redaction by the email alone finds what is stored under the id, and the other way round.
 * The hash is keyed so that a leaked database cannot be searched with a list of emails.
 */
export interface ShopperIdentity {
  /** The stored form of a shopper id as a storefront sent it (see above). */
  normalise(raw: string): string;
  /** `em_<hex>`: the keyed hash of an email (trimmed, lowercased). */
  emailKey(email: string): string;
  /** A keyed hash of any value, for lookups that must not reveal it (hex). */
  digest(value: string): string;
  /** Records that `shopperId` and `email` are the same shopper of `tenantId`. Idempotent. */
  link(tenantId: string, shopperId: string, email: string): Promise<void>;
  /**
   * Every stored shopper id a subject may be found under: its id (normalised, and as given),
   * its email's hash (and the email itself, as data from before this identity was stored),
   * and every id linked to either. Empty for a tenant subject.
   */
  resolve(subject: PrivacySubject): Promise<string[]>;
  /** The links themselves are shopper data: exported and erased with the shopper. */
  participant: PrivacyParticipant;
}

export const SHOPPER_LINKS: CollectionDefinition & { scope: "tenant" } = {
  name: "shopper_links",
  scope: "tenant",
  indexes: [
    { fields: { shopperId: 1 }, name: "by_shopper" },
    { fields: { emailKey: 1 }, name: "by_email" },
  ],
  ttlField: "expiresAt",
};

/**
 * A link outlives the data it leads to by at most this much: the longest retention any shopper
 * data may be configured to (events and history, 400 days). Each new sighting renews it.
 */
export const SHOPPER_LINK_TTL_MS = 400 * 24 * 3600_000;

interface LinkDoc {
  id: string;
  tenantId: string;
  shopperId: string;
  emailKey: string;
  createdAt: string;
  expiresAt: Date;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** `gid://shopify/Customer/123`, and the same shape of any platform that uses GraphQL ids. */
const CUSTOMER_GID = /^gid:\/\/[a-z0-9_-]+\/Customer\/([^/?#\s]+)$/i;

export interface ShopperIdentityOptions {
  /** The server secret of the email hash (at least 32 bytes). Changing it orphans every link. */
  hashKey: Uint8Array;
  store: DocumentStore;
  clock?: () => Date;
}

export function createShopperIdentity(options: ShopperIdentityOptions): ShopperIdentity {
  if (options.hashKey.length < 32) throw new Error("shopper identity hash key must be at least 32 bytes");
  const key = Buffer.from(options.hashKey);
  const clock = options.clock ?? (() => new Date());
  const links = options.store.tenantCollection<LinkDoc>(SHOPPER_LINKS);

  const emailKey = (email: string) =>
    `em_${createHmac("sha256", key).update(email.trim().toLowerCase()).digest("hex").slice(0, 40)}`;

  function normalise(raw: string): string {
    const id = raw.trim();
    const gid = CUSTOMER_GID.exec(id);
    if (gid) return decodeURIComponent(gid[1] as string);
    if (EMAIL.test(id)) return emailKey(id);
    return id;
  }

  async function resolve(subject: PrivacySubject): Promise<string[]> {
    if (subject.kind !== "shopper") return [];
    const ids = new Set<string>();
    const emailKeys = new Set<string>();
    if (subject.shopperId) {
      const given = subject.shopperId.trim();
      const id = normalise(given);
      ids.add(id);
      ids.add(given);
      if (id.startsWith("em_")) emailKeys.add(id);
    }
    if (subject.email) {
      const k = emailKey(subject.email);
      emailKeys.add(k);
      ids.add(k);
      // Stored before ids were normalised: a storefront that sent the email as the shopper id.
      ids.add(subject.email.trim());
      ids.add(subject.email.trim().toLowerCase());
    }
    const found = await links.find(subject.tenantId, {
      $or: [{ shopperId: { $in: [...ids] } }, { emailKey: { $in: [...emailKeys] } }],
    });
    // Expired links too (TTL removal may lag): following one more link only erases more.
    for (const l of found) {
      ids.add(l.shopperId);
      ids.add(l.emailKey);
    }
    ids.delete("");
    // Stored before ids were normalised: Shopify's GraphQL form of the same customer.
    for (const id of [...ids]) if (/^\d+$/.test(id)) ids.add(`gid://shopify/Customer/${id}`);
    return [...ids];
  }

  const linksOf = async (subject: PrivacySubject): Promise<LinkDoc[]> => {
    if (subject.kind === "tenant") return links.find(subject.tenantId, {});
    const ids = await resolve(subject);
    return ids.length === 0
      ? []
      : links.find(subject.tenantId, { $or: [{ shopperId: { $in: ids } }, { emailKey: { $in: ids } }] });
  };

  return {
    normalise,
    emailKey,
    digest: (value) => createHmac("sha256", key).update(`digest\u0000${value}`).digest("hex").slice(0, 40),
    resolve,
    async link(tenantId, shopperId, email) {
      const id = normalise(shopperId);
      const k = emailKey(email);
      if (id === k) return;
      await links.updateOne(
        tenantId,
        { id: `${k}:${id}` },
        {
          $set: { expiresAt: new Date(clock().getTime() + SHOPPER_LINK_TTL_MS) },
          $setOnInsert: { shopperId: id, emailKey: k, createdAt: clock().toISOString() },
        },
        { upsert: true },
      );
    },
    participant: {
      name: "runtime.shopper-links",
      async export(subject) {
        return (await linksOf(subject)).map(({ shopperId, emailKey: k, createdAt }) => ({
          kind: "shopper_link",
          shopperId,
          emailHash: k,
          createdAt,
        }));
      },
      async erase(subject) {
        if (subject.kind === "tenant") return links.deleteMany(subject.tenantId, {});
        const ids = await resolve(subject);
        if (ids.length === 0) return 0;
        return links.deleteMany(subject.tenantId, { $or: [{ shopperId: { $in: ids } }, { emailKey: { $in: ids } }] });
      },
    },
  };
}

/** For tests and services built without the gateway: a random per-process key (links die with it). */
export function ephemeralShopperIdentity(store: DocumentStore): ShopperIdentity {
  return createShopperIdentity({ hashKey: randomBytes(32), store });
}
