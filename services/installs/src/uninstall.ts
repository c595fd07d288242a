import { AppError, type InstallPlatform, type InstallView } from "@varai/schema";
import type { InstallContext } from "./install.ts";
import { installKey, toView } from "./view.ts";

/** `GET /v1/installs/{platform}/{storeId}`: null if the store never installed the app. */
export async function getInstall(
  c: InstallContext,
  platform: InstallPlatform,
  storeId: string,
): Promise<InstallView | null> {
  const doc = await c.installs.findById(installKey(platform, storeId));
  if (doc?.state !== "installed") return null;
  const connection = await c.deps.connections.get(doc.tenantId, doc.connectionId);
  return toView(c.secretBox, doc, connection?.status === "active" ? "active" : "uninstalled", false);
}

/**
 * `DELETE /v1/installs/{platform}/{storeId}`: the app was uninstalled. The connection stops
 * calling the store and its credentials are erased; the storefront key is revoked. The tenant
 * and its data stay (the platform's shop erasure, or a tenant admin, removes them): a reinstall
 * finds them again. A replay changes nothing.
 */
export async function uninstall(
  c: InstallContext,
  platform: InstallPlatform,
  storeId: string,
): Promise<{ status: "uninstalled"; changed: boolean }> {
  const doc = await c.installs.findById(installKey(platform, storeId));
  if (doc?.state !== "installed") throw new AppError("NOT_FOUND", "This store has not installed the app");
  const { changed } = await c.deps.connections.uninstall(doc.tenantId, doc.connectionId);
  if (doc.keyId) {
    await c.deps.keys.revoke(doc.tenantId, doc.keyId);
    const updatedAt = c.clock().toISOString();
    await c.installs.updateOne({ id: doc.id }, { $set: { keyId: null, publishableKeyCipher: null, updatedAt } });
  }
  return { status: "uninstalled", changed };
}

/** The install a session or user call is about: NOT_FOUND unless installed and active. */
export async function activeInstall(c: InstallContext, platform: InstallPlatform, storeId: string) {
  const view = await getInstall(c, platform, storeId);
  if (view?.status !== "active") throw new AppError("NOT_FOUND", "This store has not installed the app");
  return view;
}
