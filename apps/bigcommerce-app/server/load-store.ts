import { AppError } from "@varai/schema";
import { verifySignedPayload } from "./bc/jwt.ts";
import type { ScriptCheck } from "./bc/scripts.ts";
import type { AppContext } from "./context.ts";
import { linkUser, repairScript, storeApiFor } from "./install-store.ts";
import type { InstallView } from "./installs-port.ts";
import { forgetToken } from "./uninstall-store.ts";

export interface LoadedStore {
  storeHash: string;
  install: InstallView & { publishableKey: string };
  user: { id: number; email: string };
  script: ScriptCheck | { error: string };
}

/**
 * The load callback (a user opens the app in the control panel): a verified payload for an
 * installed store links that user to the store's tenant and re-checks the storefront script
 * (repairing it if the merchant deleted or changed it). An uninstalled or unknown store is
 * FORBIDDEN and its API is not called.
 */
export async function loadStore(c: AppContext, signedPayload: unknown): Promise<LoadedStore> {
  const payload = await verifySignedPayload(signedPayload, c.app, c.clock());
  const { storeHash } = payload;
  const doc = await c.stores.stores.findById(storeHash);
  const token = doc?.status === "installed" ? c.stores.openToken(doc) : null;
  const install = token ? await c.installs.get(storeHash) : null;
  // Uninstalled by another path (BigCommerce's store/app/uninstalled hook): our token goes too.
  if (doc && token && install?.status === "uninstalled") await forgetToken(c, storeHash);
  if (!doc || !token || !install || install.status !== "active" || !install.publishableKey)
    throw new AppError("FORBIDDEN", "The VARAi app is not installed on this store");
  await linkUser(c, storeHash, payload.user, payload.owner.id);
  const script = await repairScript(c, storeHash, storeApiFor(c, storeHash, token), install.publishableKey);
  return { storeHash, install: { ...install, publishableKey: install.publishableKey }, user: payload.user, script };
}
