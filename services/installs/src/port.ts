import type { InstallInput, InstallPlatform, InstallSession, InstallView, OpenInstallSession } from "@varai/schema";

/**
 * One platform app's view of the installs API: what the Shopify app, the BigCommerce app and the
 * WooCommerce connect flow call. In the default install the gateway hands an app the in-process
 * one (`installs.forApp("shopify")`); an app running alone builds `createInstallsClient` (HTTP,
 * `X-VARAi-App-Key`). Both behave the same, audit included.
 */
export interface InstallsPort {
  readonly platform: InstallPlatform;
  /** Provisions the store on its first call; hands over fresh credentials on every later one. */
  install(storeId: string, input: InstallInput): Promise<InstallView>;
  /** null if the store never installed the app. */
  get(storeId: string): Promise<InstallView | null>;
  uninstall(storeId: string): Promise<{ status: "uninstalled"; changed: boolean }>;
  /** A short-lived access token of the store's tenant for one of its platform users. */
  openSession(storeId: string, who?: OpenInstallSession): Promise<InstallSession>;
  removeUser(storeId: string, platformUserId: string): Promise<{ removed: boolean }>;
}

/** The port for one app (the HTTP routes pass the app its key belongs to, and the request id). */
export type PortFor = (app: InstallPlatform, requestId?: string) => InstallsPort;
