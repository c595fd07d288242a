import type { PrivacyParticipant } from "@varai/runtime";
import type { DocumentSessionStorage } from "./session-storage.ts";
import type { ShopRecords } from "./shops.ts";

/**
 * The app's share of a shop erasure (`shop/redact`, or an admin's tenant redaction): the shop's
 * record and its Shopify sessions (sealed tokens) go. The app holds nothing about shoppers.
 */
export function shopPrivacy(shops: ShopRecords, sessions: DocumentSessionStorage): PrivacyParticipant {
  return {
    name: "shopify-app.shops",
    async export(subject) {
      if (subject.kind !== "tenant") return [];
      const records = await shops.find({ tenantId: subject.tenantId }, { limit: 100 });
      return records.map(({ tokenDigest: _digest, ...record }) => ({ ...record }));
    },
    async erase(subject) {
      if (subject.kind !== "tenant") return 0;
      const records = await shops.find({ tenantId: subject.tenantId }, { limit: 100 });
      let removed = 0;
      for (const record of records) {
        const found = await sessions.findSessionsByShop(record.id);
        await sessions.deleteSessions(found.map((s) => s.id));
        removed += found.length + (await shops.deleteOne({ id: record.id }));
      }
      return removed;
    },
  };
}
