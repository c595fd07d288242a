import type { CollectionDefinition } from "@varai/runtime";
import type { InstallPlatform, Region } from "@varai/schema";

/** One store that installed one of our platform apps. Global: keyed by `<platform>:<storeId>`. */
export interface InstallDoc {
  id: string;
  platform: InstallPlatform;
  storeId: string;
  /** Chosen before anything is created, so a call cut short and repeated creates nothing twice. */
  tenantId: string;
  connectionId: string;
  region: Region;
  /** `provisioning` until every part exists; the next install call finishes what one stopped in. */
  state: "provisioning" | "installed";
  keyId: string | null;
  /** The storefront's publishable key, sealed, so the app can show it again. */
  publishableKeyCipher: string | null;
  installedAt: string;
  updatedAt: string;
}

/** A one-time code a tenant admin makes in Studio, so a store joins that tenant (WooCommerce connect). */
export interface LinkCodeDoc {
  /** SHA-256 of the code: the code itself is never stored. */
  id: string;
  tenantId: string;
  createdBy: string;
  expiresAt: Date;
}

export const INSTALLS_COLLECTIONS = {
  installs: { name: "installs", scope: "global" },
  linkCodes: { name: "install_link_codes", scope: "global", ttlField: "expiresAt" },
} as const satisfies Record<string, CollectionDefinition>;
