import { AppError } from "@varai/schema";
import { sha256, type WooConnectContext, type WooSiteDoc } from "./woocommerce-connect.ts";

/**
 * The site token's header. Not Authorization: the general authenticate middleware reads that one
 * as a VARAi access token (as with the apps' X-VARAi-App-Key).
 */
export const SITE_TOKEN_HEADER = "x-varai-site-token";

/** The connected site named by its site token, or UNAUTHENTICATED. */
export async function siteOf(c: WooConnectContext, presented: string | undefined): Promise<WooSiteDoc> {
  const site =
    presented && /^wst_[A-Za-z0-9_-]{20,100}$/.test(presented) ? await c.sites.findById(sha256(presented)) : null;
  if (!site) throw new AppError("UNAUTHENTICATED", `A site token (${SITE_TOKEN_HEADER}) is required`);
  return site;
}

/** The plugin's health section: the install's status as VARAi sees it. */
export async function siteStatus(c: WooConnectContext, site: WooSiteDoc) {
  const view = await c.port.get(site.storeId);
  return {
    status: view?.status ?? "uninstalled",
    connectionId: site.connectionId,
    tenantId: site.tenantId,
  };
}

/** Disconnect or uninstall in the plugin: the install is uninstalled and every token of the site dropped. */
export async function disconnectSite(c: WooConnectContext, site: WooSiteDoc) {
  await c.port.uninstall(site.storeId);
  await c.sites.deleteMany({ storeId: site.storeId });
  return { status: "uninstalled" as const };
}
