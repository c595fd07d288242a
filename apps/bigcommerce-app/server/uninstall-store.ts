import { verifySignedPayload } from "./bc/jwt.ts";
import type { AppContext } from "./context.ts";

/**
 * The uninstall callback: the shared install is uninstalled (connection marked, its credentials
 * deleted, no more sync or calls), the app's sealed token is deleted and the store's user links
 * go. BigCommerce itself removes our hooks and the auto_uninstall script. A replay, or a store
 * we never saw, changes nothing and is still a 200.
 */
export async function uninstallStore(c: AppContext, signedPayload: unknown): Promise<{ changed: boolean }> {
  const { storeHash } = await verifySignedPayload(signedPayload, c.app, c.clock());
  const doc = await c.stores.stores.findById(storeHash);
  if (!doc || doc.status === "uninstalled") return { changed: false };
  await c.installs.uninstall(storeHash);
  await forgetToken(c, storeHash);
  c.logger.info({ storeHash }, "BigCommerce store uninstalled");
  return { changed: true };
}

/** The app's side of an uninstall: the sealed token and the user links are deleted. */
export async function forgetToken(c: AppContext, storeHash: string): Promise<void> {
  const t = c.clock().toISOString();
  await c.stores.stores.updateOne(
    { id: storeHash },
    { $set: { status: "uninstalled", tokenCipher: null, scriptUuid: null, uninstalledAt: t, updatedAt: t } },
  );
  await c.stores.users.deleteMany({ storeHash });
}
