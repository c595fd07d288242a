import type { CollectionDefinition, DocumentStore, GlobalCollection, SecretBox } from "@varai/runtime";

/**
 * One document per BigCommerce store (id = store hash): the app's own state beside the shared
 * install (tenant, connection, key: `@varai/installs`). Global, because callbacks name a store,
 * not a tenant. The store token is sealed with the secret box; uninstall deletes it.
 */
export interface BigCommerceStoreDoc {
  id: string;
  status: "installed" | "uninstalled";
  tokenCipher: string | null;
  scope: string;
  tenantId: string;
  /** The loader script's uuid on the store, as of the last check. */
  scriptUuid: string | null;
  scriptCheckedAt: string | null;
  installedAt: string;
  uninstalledAt: string | null;
  updatedAt: string;
}

/** A BigCommerce user who may open the app for a store (id = `{hash}:{userId}`). */
export interface BigCommerceUserDoc {
  id: string;
  storeHash: string;
  userId: number;
  email: string;
  owner: boolean;
  linkedAt: string;
  lastLoadAt: string | null;
}

export interface AppStores {
  stores: GlobalCollection<BigCommerceStoreDoc>;
  users: GlobalCollection<BigCommerceUserDoc>;
  sealToken(token: string): string;
  openToken(doc: BigCommerceStoreDoc): string | null;
}

export const userKey = (storeHash: string, userId: number) => `${storeHash}:${userId}`;

export const APP_COLLECTIONS = {
  stores: { name: "bigcommerce_stores", scope: "global" },
  users: { name: "bigcommerce_users", scope: "global", indexes: [{ fields: { storeHash: 1 }, name: "by_store" }] },
} as const satisfies Record<string, CollectionDefinition & { scope: "global" }>;

export function openAppStores(store: DocumentStore, box: SecretBox): AppStores {
  return {
    stores: store.globalCollection<BigCommerceStoreDoc>(APP_COLLECTIONS.stores),
    users: store.globalCollection<BigCommerceUserDoc>({
      ...APP_COLLECTIONS.users,
      indexes: [...APP_COLLECTIONS.users.indexes],
    }),
    sealToken: (token) => box.encrypt(token),
    openToken: (doc) => (doc.tokenCipher ? box.decrypt(doc.tokenCipher) : null),
  };
}
