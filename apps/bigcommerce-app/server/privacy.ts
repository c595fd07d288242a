import type { PrivacyParticipant } from "@varai/runtime";
import type { AppStores } from "./stores.ts";

/**
 * The app's own records of a shop: its store document and the staff who opened the app (their
 * emails are personal data). A tenant's erasure (the shop redaction scheduled after an
 * uninstall, or an admin's) removes them; shoppers have nothing here.
 */
export function bigCommerceAppPrivacy(stores: AppStores): PrivacyParticipant {
  const storesOf = (tenantId: string) => stores.stores.find({ tenantId }, { limit: 100 });
  return {
    name: "bigcommerce-app.stores",
    async export(subject) {
      if (subject.kind !== "tenant") return [];
      const out: Record<string, unknown>[] = [];
      for (const { tokenCipher: _sealed, ...store } of await storesOf(subject.tenantId)) {
        const users = await stores.users.find({ storeHash: store.id }, { limit: 1000 });
        out.push({ ...store, users });
      }
      return out;
    },
    async erase(subject) {
      if (subject.kind !== "tenant") return 0;
      let removed = 0;
      for (const store of await storesOf(subject.tenantId)) {
        removed += await stores.users.deleteMany({ storeHash: store.id });
        removed += await stores.stores.deleteMany({ id: store.id });
      }
      return removed;
    },
  };
}
