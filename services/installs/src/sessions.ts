import { parseInput } from "@varai/runtime";
import { type InstallPlatform, type InstallSession, OpenInstallSessionSchema } from "@varai/schema";
import type { InstallContext } from "./install.ts";
import { activeInstall } from "./uninstall.ts";

/**
 * `POST /v1/installs/{platform}/{storeId}/sessions`: the app's server has authenticated one of
 * the store's users (Shopify session token, BigCommerce signed payload) and asks for a
 * short-lived access token of the store's tenant, which its admin UI uses on the normal API.
 */
export async function openSession(
  c: InstallContext,
  platform: InstallPlatform,
  storeId: string,
  body: unknown,
): Promise<InstallSession> {
  const who = parseInput(OpenInstallSessionSchema, body ?? {});
  const install = await activeInstall(c, platform, storeId);
  return c.deps.users.openSession({
    tenantId: install.tenantId,
    app: platform,
    storeId,
    platformUserId: who.userId ?? "owner",
  });
}

/** `DELETE /v1/installs/{platform}/{storeId}/users/{userId}`: BigCommerce's `remove_user`. */
export async function removeUser(
  c: InstallContext,
  platform: InstallPlatform,
  storeId: string,
  platformUserId: string,
): Promise<{ removed: boolean }> {
  const install = await c.installs.findById(`${platform}:${storeId}`);
  if (!install) return { removed: false };
  return c.deps.users.remove({ tenantId: install.tenantId, app: platform, storeId, platformUserId });
}
