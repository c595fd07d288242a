/**
 * The provisioning port of `@varai/installs` (built on the `installs` branch; contract in
 * /work/notes/installs-api.md). Declared here until that package is merged, then re-exported
 * from it: the Shopify app never creates tenants, connections or keys itself.
 */
export type InstallPlatform = "shopify" | "bigcommerce" | "woocommerce";

export interface InstallInput {
  storeName: string;
  country?: string;
  apiBaseUrl?: string;
  credentials: Record<string, string>;
  webhookSecret?: string;
  storeUrl?: string;
}

export interface InstallView {
  tenantId: string;
  connectionId: string;
  publishableKey: string;
  region: string;
  status: "active" | "uninstalled";
  created: boolean;
}

export interface InstallsPort {
  install(platform: InstallPlatform, storeId: string, input: InstallInput): Promise<InstallView>;
  get(platform: InstallPlatform, storeId: string): Promise<InstallView | null>;
  uninstall(platform: InstallPlatform, storeId: string): Promise<void>;
  openSession(
    platform: InstallPlatform,
    storeId: string,
    who?: { userId?: string; email?: string },
  ): Promise<{ accessToken: string; expiresIn: number; tenantId: string }>;
}
