import type { SecretBox } from "@varai/runtime";
import type { InstallPlatform, InstallView } from "@varai/schema";
import type { InstallDoc } from "./collections.ts";

export const installKey = (platform: InstallPlatform, storeId: string) => `${platform}:${storeId}`;

/** The install as answered; `status` is the connection's (an `app/uninstalled` webhook changes it too). */
export function toView(
  box: SecretBox,
  doc: InstallDoc,
  status: "active" | "uninstalled",
  created: boolean,
): InstallView {
  return {
    platform: doc.platform,
    storeId: doc.storeId,
    tenantId: doc.tenantId,
    connectionId: doc.connectionId,
    region: doc.region,
    status,
    publishableKey: status === "active" && doc.publishableKeyCipher ? box.decrypt(doc.publishableKeyCipher) : null,
    created,
    installedAt: doc.installedAt,
    updatedAt: doc.updatedAt,
  };
}
