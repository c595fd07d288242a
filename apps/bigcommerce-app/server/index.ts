import type { RuntimeDeps, SecretBox, ServiceModule } from "@varai/runtime";
import { APP_DIST } from "./app-view.ts";
import {
  type AppContext,
  type BigCommerceAppOptions,
  DEFAULT_API_BASE_URL,
  DEFAULT_LOGIN_BASE_URL,
  notConfigured,
} from "./context.ts";
import { BIGCOMMERCE_APP_OPENAPI } from "./openapi.ts";
import { bigCommerceAppPrivacy } from "./privacy.ts";
import { createAppRouter } from "./routes.ts";
import { openAppStores } from "./stores.ts";

export { LOADER_SCRIPT_NAME, loaderHtml } from "./bc/scripts.ts";
export type { BigCommerceAppOptions } from "./context.ts";
export { DEFAULT_API_BASE_URL, DEFAULT_LOGIN_BASE_URL } from "./context.ts";
export type { InstallsPort } from "./installs-port.ts";

const trimSlash = (url: string) => url.replace(/\/+$/, "");

/**
 * The BigCommerce single-click app's server side, as a gateway module: the auth, load, uninstall
 * and remove_user callbacks and the admin UI's assets under /bigcommerce/app. Provisioning goes
 * through the shared installs port; the catalog does the sync and the product hooks.
 */
export function createBigCommerceAppModule(
  deps: RuntimeDeps,
  options: BigCommerceAppOptions & { secretBox: SecretBox },
): ServiceModule {
  const stores = openAppStores(deps.store, options.secretBox);
  deps.privacy.register(bigCommerceAppPrivacy(stores));
  const context: AppContext | null = options.credentials
    ? {
        app: options.credentials,
        loginBaseUrl: trimSlash(options.loginBaseUrl ?? DEFAULT_LOGIN_BASE_URL),
        apiBaseUrl: trimSlash(options.apiBaseUrl ?? DEFAULT_API_BASE_URL),
        publicBaseUrl: () => trimSlash(options.publicBaseUrl()),
        installs: options.installs,
        stores,
        fetch: options.fetch ?? fetch,
        clock: deps.clock,
        logger: deps.logger.child({ component: "bigcommerce-app" }),
      }
    : null;
  const ctx = () => {
    if (!context) throw notConfigured();
    return context;
  };
  return {
    name: "bigcommerce-app",
    router: createAppRouter(ctx, {
      distDir: options.distDir ?? APP_DIST,
      loginBaseUrl: trimSlash(options.loginBaseUrl ?? DEFAULT_LOGIN_BASE_URL),
    }),
    openapi: BIGCOMMERCE_APP_OPENAPI,
  };
}
