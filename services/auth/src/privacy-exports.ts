import type {
  Clock,
  CollectionDefinition,
  Notifier,
  PrivacyParticipant,
  PrivacySubject,
  SecretBox,
  ShopperIdentity,
  TenantCollection,
} from "@varai/runtime";
import { AppError, newId } from "@varai/schema";
import type { PrivacyExport } from "./privacy.ts";

/**
 * Exports a platform asked for (Shopify `customers/data_request`), kept for the merchant to
 * download and hand to the shopper: the platform gives us no channel to answer through.
 * The export is sealed with the configured encryption keys (the same SecretBox as connection
 * credentials) and expires; a shopper's later redaction deletes it too, found by keyed hashes
 * of the shopper's ids (never the ids themselves, which the export doc must not reveal).
 */
export interface PrivacyExportDoc {
  id: string;
  tenantId: string;
  status: "ready";
  /** Who asked: `{ platform, connectionId, requestId? }` (the platform's data_request id). */
  source: Record<string, string>;
  /** HMAC of every stored id form of the shopper: what a redaction matches on. */
  subjectKeys: string[];
  /** SecretBox ciphertext of the PrivacyExport JSON. */
  cipher: string;
  sizeBytes: number;
  createdAt: string;
  expiresAt: Date;
  downloads: number;
  lastDownloadedAt: string | null;
}

export const PRIVACY_EXPORTS: CollectionDefinition & { scope: "tenant" } = {
  name: "privacy_exports",
  scope: "tenant",
  indexes: [
    { fields: { createdAt: -1 }, name: "by_time" },
    { fields: { subjectKeys: 1 }, name: "by_subject" },
  ],
  ttlField: "expiresAt",
};

/** What the list and the metadata route show: never the contents or the subject. */
export interface PrivacyExportSummary {
  id: string;
  status: "ready" | "expired";
  source: Record<string, string>;
  sizeBytes: number;
  createdAt: string;
  expiresAt: string;
  downloads: number;
  lastDownloadedAt: string | null;
  downloadPath: string;
}

/** 30 days: Shopify asks for the data to be provided to the merchant within 30 days of the request. */
export const DEFAULT_EXPORT_TTL_MS = 30 * 24 * 3600_000;

export function createPrivacyExports(deps: {
  collection: TenantCollection<PrivacyExportDoc>;
  box: SecretBox;
  shoppers: ShopperIdentity;
  notifier: Notifier;
  clock: Clock;
  ttlMs?: number;
}) {
  const ttlMs = deps.ttlMs ?? DEFAULT_EXPORT_TTL_MS;
  const keyOf = (tenantId: string, shopperId: string) => deps.shoppers.digest(`${tenantId}\u0000${shopperId}`);
  const isLive = (doc: PrivacyExportDoc) => new Date(doc.expiresAt).getTime() > deps.clock().getTime();
  const summary = (doc: PrivacyExportDoc) => summaryOf(doc, isLive(doc));

  async function keysFor(subject: PrivacySubject): Promise<string[]> {
    if (subject.kind !== "shopper") return [];
    const ids = await deps.shoppers.resolve(subject);
    return ids.map((id) => keyOf(subject.tenantId, id));
  }

  const participant = exportsParticipant(deps.collection, keysFor);

  return {
    participant,
    async store(subject: PrivacySubject, exported: PrivacyExport, source: Record<string, string>) {
      const json = JSON.stringify(exported);
      const now = deps.clock();
      const doc = await deps.collection.insertOne(subject.tenantId, {
        id: newId("privacyExport"),
        status: "ready",
        source,
        subjectKeys: await keysFor(subject),
        cipher: deps.box.encrypt(json),
        sizeBytes: Buffer.byteLength(json),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttlMs),
        downloads: 0,
        lastDownloadedAt: null,
      });
      const view = summary(doc);
      await deps.notifier.notify({
        tenantId: subject.tenantId,
        kind: "privacy.export.ready",
        path: view.downloadPath,
        expiresAt: view.expiresAt,
        source,
      });
      return view;
    },
    async list(tenantId: string): Promise<PrivacyExportSummary[]> {
      const docs = await deps.collection.find(
        tenantId,
        {},
        { sort: { createdAt: -1 }, limit: 200, projection: { cipher: 0 } },
      );
      return docs.map(summary);
    },
    async get(tenantId: string, id: string): Promise<PrivacyExportSummary> {
      const doc = await deps.collection.findById(tenantId, id);
      if (!doc) throw new AppError("NOT_FOUND", "No such privacy export");
      return summary(doc);
    },
    /** The decrypted export; counts the download. NOT_FOUND once expired (TTL removal may lag). */
    async download(tenantId: string, id: string): Promise<PrivacyExport> {
      const doc = await deps.collection.findById(tenantId, id);
      if (!doc || !isLive(doc)) throw new AppError("NOT_FOUND", "No such privacy export, or it has expired");
      const exported = JSON.parse(deps.box.decrypt(doc.cipher)) as PrivacyExport;
      await deps.collection.updateOne(
        tenantId,
        { id },
        { $inc: { downloads: 1 }, $set: { lastDownloadedAt: deps.clock().toISOString() } },
      );
      return exported;
    },
  };
}
export type PrivacyExports = ReturnType<typeof createPrivacyExports>;

/** An export as listed: never its contents. */
function summaryOf(doc: PrivacyExportDoc, live: boolean): PrivacyExportSummary {
  return {
    id: doc.id,
    status: live ? "ready" : "expired",
    source: doc.source,
    sizeBytes: doc.sizeBytes,
    createdAt: doc.createdAt,
    expiresAt: new Date(doc.expiresAt).toISOString(),
    downloads: doc.downloads,
    lastDownloadedAt: doc.lastDownloadedAt,
    downloadPath: `/v1/privacy/exports/${doc.id}/download`,
  };
}

/** `auth.privacy-exports`: stored exports go with their shopper (and their shop). */
function exportsParticipant(
  collection: TenantCollection<PrivacyExportDoc>,
  keysFor: (subject: PrivacySubject) => Promise<string[]>,
): PrivacyParticipant {
  return {
    name: "auth.privacy-exports",
    // An export of exports would nest the shopper's data in itself; their existence is enough.
    async export(subject) {
      const filter = subject.kind === "tenant" ? {} : { subjectKeys: { $in: await keysFor(subject) } };
      const docs = await collection.find(subject.tenantId, filter, { projection: { cipher: 0 } });
      return docs.map((d) => ({ kind: "privacy_export", id: d.id, createdAt: d.createdAt, source: d.source }));
    },
    async erase(subject) {
      if (subject.kind === "tenant") return collection.deleteMany(subject.tenantId, {});
      const keys = await keysFor(subject);
      return keys.length === 0 ? 0 : collection.deleteMany(subject.tenantId, { subjectKeys: { $in: keys } });
    },
  };
}
