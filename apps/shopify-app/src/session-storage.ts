import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { CollectionDefinition, DocumentStore, GlobalCollection, SecretBox } from "@varai/runtime";

/**
 * A Shopify session as stored: the library's own property array (dates as epoch ms, the online
 * user's fields flattened), with the access and refresh tokens sealed by the runtime's secret box.
 * Sessions belong to no VARAi tenant (they exist before the tenant does), hence a global collection.
 */
interface SessionDoc {
  id: string;
  shop: string;
  isOnline: boolean;
  /** Every saved property except the two tokens. */
  properties: Array<[string, string | number | boolean]>;
  accessTokenCipher: string | null;
  refreshTokenCipher: string | null;
  updatedAt: Date;
}

export const SHOPIFY_SESSIONS_COLLECTION: CollectionDefinition & { scope: "global" } = {
  name: "shopify_sessions",
  scope: "global",
  indexes: [{ fields: { shop: 1 }, name: "by_shop" }],
};

const SEALED = new Set(["accessToken", "refreshToken"]);

/**
 * `SessionStorage` (the interface of `@shopify/shopify-app-session-storage`) on our DocumentStore,
 * because Prisma, the template's storage, cannot install here. Tested with our port of the cases of
 * Shopify's private session-storage battery (`session-storage.test.ts`).
 */
export class DocumentSessionStorage implements SessionStorage {
  readonly #sessions: GlobalCollection<SessionDoc>;
  readonly #box: SecretBox;
  readonly #clock: () => Date;

  constructor(store: DocumentStore, box: SecretBox, clock: () => Date = () => new Date()) {
    this.#sessions = store.globalCollection<SessionDoc>(SHOPIFY_SESSIONS_COLLECTION);
    this.#box = box;
    this.#clock = clock;
  }

  async storeSession(session: Session): Promise<boolean> {
    const entries = session.toPropertyArray(true) as Array<[string, string | number | boolean]>;
    const token = (key: string) => {
      const value = entries.find(([k]) => k === key)?.[1];
      return typeof value === "string" && value ? this.#box.encrypt(value) : null;
    };
    const doc: Omit<SessionDoc, "id"> = {
      shop: session.shop,
      isOnline: session.isOnline,
      properties: entries.filter(([key]) => !SEALED.has(key)),
      accessTokenCipher: token("accessToken"),
      refreshTokenCipher: token("refreshToken"),
      updatedAt: this.#clock(),
    };
    await this.#sessions.updateOne({ id: session.id }, { $set: doc }, { upsert: true });
    return true;
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const doc = await this.#sessions.findById(id);
    return doc ? this.#toSession(doc) : undefined;
  }

  async deleteSession(id: string): Promise<boolean> {
    await this.#sessions.deleteOne({ id });
    return true;
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    if (ids.length > 0) await this.#sessions.deleteMany({ id: { $in: ids } });
    return true;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const docs = await this.#sessions.find({ shop }, { limit: 100 });
    return docs.map((doc) => this.#toSession(doc));
  }

  #toSession(doc: SessionDoc): Session {
    const entries: Array<[string, string | number | boolean]> = [...doc.properties];
    if (doc.accessTokenCipher) entries.push(["accessToken", this.#box.decrypt(doc.accessTokenCipher)]);
    if (doc.refreshTokenCipher) entries.push(["refreshToken", this.#box.decrypt(doc.refreshTokenCipher)]);
    return Session.fromPropertyArray(entries, true);
  }
}
