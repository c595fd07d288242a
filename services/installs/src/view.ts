import type { SecretBox } from "@varai/runtime";
import type { InstallPlatform, InstallView } from "@varai/schema";
import type { InstallDoc } from "./collections.ts";

export const installKey = (platform: InstallPlatform, storeId: string) => `${platform}:${storeId}`;

/**
 * The install as answered. `status` is the connection's (an `app/uninstalled` webhook changes it
 * too), and `region` the tenant's (a platform admin may move it); both default to the install's.
 */
export function toView(
  box: SecretBox,
  doc: InstallDoc,
  now: { status: "active" | "uninstalled"; region?: InstallDoc["region"] },
  created: boolean,
): InstallView {
  const { status } = now;
  return {
    platform: doc.platform,
    storeId: doc.storeId,
    tenantId: doc.tenantId,
    connectionId: doc.connectionId,
    region: now.region ?? doc.region,
    status,
    publishableKey: status === "active" && doc.publishableKeyCipher ? box.decrypt(doc.publishableKeyCipher) : null,
    created,
    installedAt: doc.installedAt,
    updatedAt: doc.updatedAt,
  };
}
