import type { Logger } from "@varai/runtime";
import { AppError } from "@varai/schema";
import type { InstallsPort } from "./installs-port.ts";
import type { AppStores } from "./stores.ts";

export const DEFAULT_LOGIN_BASE_URL = "https://login.bigcommerce.com";
export const DEFAULT_API_BASE_URL = "https://api.bigcommerce.com";

export interface BigCommerceAppOptions {
  /** BIGCOMMERCE_CLIENT_ID / _SECRET; null = not configured (every callback answers 501). */
  credentials: { clientId: string; clientSecret: string } | null;
  /** BIGCOMMERCE_LOGIN_BASE_URL (the OAuth token endpoint's host). */
  loginBaseUrl?: string;
  /** BIGCOMMERCE_API_BASE_URL (the store API's host). */
  apiBaseUrl?: string;
  /** Our public base (PUBLIC_BASE_URL): the redirect_uri, the widget script's host. */
  publicBaseUrl: () => string;
  installs: InstallsPort;
  /** For the login and store API hosts, which come from configuration, not from tenants. */
  fetch?: typeof fetch;
  /** Where the built admin UI is (default: this package's dist/). */
  distDir?: string;
}

/** What every use case of the app shares. */
export interface AppContext {
  app: { clientId: string; clientSecret: string };
  loginBaseUrl: string;
  apiBaseUrl: string;
  publicBaseUrl: () => string;
  installs: InstallsPort;
  stores: AppStores;
  fetch: typeof fetch;
  clock: () => Date;
  logger: Logger;
}

export const notConfigured = () =>
  new AppError("UNSUPPORTED", "The BigCommerce app is not configured (BIGCOMMERCE_CLIENT_ID and _SECRET)");
