import type { PrivacyParticipant } from "@varai/runtime";
import type { ShopperBlobs } from "@varai/storage";
import type { MlCollections } from "./collections.ts";

/** `ml.face-measurements`: exports and erases kept analyses (and their photos) by tenant or shopper. */
export function createMlPrivacy(faces: MlCollections["faces"], shopperBlobs: ShopperBlobs): PrivacyParticipant {
  return {
    name: "ml.face-measurements",
    async export(subject) {
      if (subject.kind === "shopper" && !subject.shopperId) return [];
      const filter = subject.kind === "tenant" ? {} : { shopperId: subject.shopperId };
      const docs = await faces.find(subject.tenantId, filter);
      return docs.map((d) => ({ ...d, expiresAt: new Date(d.expiresAt).toISOString() }));
    },
    async erase(subject) {
      if (subject.kind === "shopper" && !subject.shopperId) return 0;
      const filter = subject.kind === "tenant" ? {} : { shopperId: subject.shopperId };
      const docs = await faces.find(subject.tenantId, filter, { projection: { id: 1 } });
      // The photo kept for try-on goes with its analysis.
      for (const d of docs) await shopperBlobs.delete(subject.tenantId, "photo", d.id);
      return faces.deleteMany(subject.tenantId, filter);
    },
  };
}
