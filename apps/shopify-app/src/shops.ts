import { createHash } from "node:crypto";
import type { DocumentStore, GlobalCollection } from "@varai/runtime";

/** What the app remembers of a shop beside its Shopify session: the install it provisioned. */
export interface ShopRecord {
  id: string; // the shop domain
  tenantId: string;
  connectionId: string;
  status: "active" | "uninstalled";
  /** Digest of the access token the connection was last given (so a new token is handed over once). */
  tokenDigest: string;
  installedAt: string;
  uninstalledAt: string | null;
  updatedAt: string;
  /** The plan last read from Shopify's billing (`billing.ts`); absent = free. */
  plan?: "free" | "pro";
  planCheckedAt?: string;
}

export const SHOPIFY_SHOPS_COLLECTION = { name: "shopify_shops", scope: "global" } as const;

export type ShopRecords = GlobalCollection<ShopRecord>;

export const openShopRecords = (store: DocumentStore): ShopRecords =>
  store.globalCollection<ShopRecord>(SHOPIFY_SHOPS_COLLECTION);

/** Never the token itself: a digest tells whether the connection already has this one. */
export const tokenDigest = (accessToken: string) => createHash("sha256").update(accessToken).digest("base64url");

/** The id of a shop's offline session, as Shopify's library names it. */
export const offlineSessionId = (shop: string) => `offline_${shop}`;
