/**
 * The slice of App Bridge (the `app-bridge.js` CDN script the server puts first in <head>) this
 * app uses, typed here rather than through `@shopify/app-bridge-types` to keep the boundary
 * small: tests stub exactly this object on `window.shopify`.
 */
export interface AppBridge {
  /** A fresh session token (an HS256 JWT signed with the app secret, about a minute long). */
  idToken(): Promise<string>;
  config: { apiKey: string; shop: string; locale?: string };
  toast: { show(message: string, options?: { duration?: number; isError?: boolean }): void };
  /** The admin's loading bar. */
  loading(isLoading: boolean): void;
}

export function appBridge(): AppBridge {
  const bridge = (window as unknown as { shopify?: AppBridge }).shopify;
  if (!bridge || typeof bridge.idToken !== "function")
    throw new Error("App Bridge is not loaded: open the app from the Shopify admin");
  return bridge;
}

/**
 * Opens a page of the Shopify admin (the theme editor, the charge approval) in the top window:
 * App Bridge turns `open(url, "_top")` from the app's frame into an admin navigation.
 */
export function openInAdmin(url: string): void {
  open(url, "_top");
}
