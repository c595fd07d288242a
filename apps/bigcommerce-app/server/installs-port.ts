/**
 * The shared provisioning port (`@varai/installs`, /work/notes/installs-api.md), as this app uses
 * it. Declared here until that package lands on this branch; then this file re-exports its types.
 */
export interface InstallView {
  tenantId: string;
  connectionId: string;
  publishableKey: string;
  region: string;
  status: "active" | "uninstalled";
  created?: boolean;
}

export interface InstallInput {
  storeName: string;
  country?: string;
  apiBaseUrl?: string;
  credentials: Record<string, string>;
  webhookSecret?: string;
  storeUrl?: string;
}

export interface InstallsPort {
  install(platform: "bigcommerce", storeId: string, input: InstallInput): Promise<InstallView>;
  get(platform: "bigcommerce", storeId: string): Promise<InstallView | null>;
  uninstall(platform: "bigcommerce", storeId: string): Promise<void>;
  openSession(
    platform: "bigcommerce",
    storeId: string,
    who?: { userId?: string; email?: string },
  ): Promise<{ accessToken: string; expiresIn: number; tenantId: string }>;
}
