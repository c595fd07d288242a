/**
 * The shared provisioning port (`@varai/installs`, `installs.forApp("bigcommerce")`), as this app
 * uses it. Declared here until that package lands on this branch; then this file re-exports its types.
 */
export interface InstallView {
  tenantId: string;
  connectionId: string;
  status: "active" | "uninstalled";
  /** null while uninstalled. */
  publishableKey: string | null;
  created: boolean;
}

export interface InstallInput {
  country?: string;
  allowedOrigins?: ["*"] | string[];
  connection: {
    platform: "bigcommerce";
    name: string;
    storeHash: string;
    apiBaseUrl?: string;
    credentials: { accessToken: string };
  };
}

export interface InstallsPort {
  install(storeId: string, input: InstallInput): Promise<InstallView>;
  get(storeId: string): Promise<InstallView | null>;
  uninstall(storeId: string): Promise<{ status: "uninstalled"; changed: boolean }>;
  openSession(
    storeId: string,
    who?: { userId?: string; email?: string },
  ): Promise<{ accessToken: string; expiresIn: number; tenantId: string }>;
  removeUser(storeId: string, platformUserId: string): Promise<{ removed: boolean }>;
}
