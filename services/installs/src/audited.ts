import { PLATFORM_TENANT_ID } from "@varai/auth";
import type { InstallPlatform } from "@varai/schema";
import type { InstallContext } from "./install.ts";
import { installKey } from "./view.ts";

/**
 * Runs one app call and records it in the audit log, refused ones too, under the store's tenant
 * when the store is known (else the platform's: a refused first install). Reads are not audited.
 */
export async function audited<T>(
  c: InstallContext,
  call: { app: InstallPlatform | null; action: string; platform: InstallPlatform; storeId: string; requestId?: string },
  run: () => Promise<T>,
): Promise<T> {
  const record = async (outcome: "success" | "failure") => {
    const doc = await c.installs.findById(installKey(call.platform, call.storeId));
    await c.deps.audit.record({
      tenantId: doc?.tenantId ?? PLATFORM_TENANT_ID,
      actor: { kind: "app", id: call.app ?? "unknown" },
      action: call.action,
      target: { type: "store", id: installKey(call.platform, call.storeId) },
      outcome,
      ...(call.requestId ? { requestId: call.requestId } : {}),
    });
  };
  try {
    const result = await run();
    if (call.action !== "installs.read") await record("success");
    return result;
  } catch (error) {
    await record("failure");
    throw error;
  }
}
