import { AppError } from "@varai/schema";
import { REMOVED_DIGEST, UNKEYED_DIGEST } from "./audit.ts";
import { AUTH_COLLECTIONS, type AuditDoc, PLATFORM_TENANT_ID } from "./collections.ts";
import { type AuthContext, nowIso } from "./context.ts";
import { createUser, normaliseEmail } from "./users.ts";

/**
 * Once per start: the store's one-time migrations, then the platform admin if there is none
 * (with the configured password, or a generated one returned once).
 */
export async function bootstrap(
  ctx: AuthContext,
  admin: { email?: string; password?: string },
): Promise<{ adminEmail: string; generatedPassword: string | null }> {
  await removeUnkeyedDigests(ctx);
  const adminEmail = normaliseEmail(admin.email ?? "admin@varai.local");
  if (await ctx.collections.identities.findById(adminEmail)) return { adminEmail, generatedPassword: null };
  try {
    const { generatedPassword } = await createUser(ctx, {
      tenantId: PLATFORM_TENANT_ID,
      email: adminEmail,
      role: "platform_admin",
      ...(admin.password ? { password: admin.password } : {}),
    });
    ctx.logger.info({ tenantId: PLATFORM_TENANT_ID }, "platform admin created");
    return { adminEmail, generatedPassword };
  } catch (error) {
    // Another process bootstrapped first.
    if (error instanceof AppError && error.code === "CONFLICT") return { adminEmail, generatedPassword: null };
    throw error;
  }
}

/**
 * Audit entries written before the digests were keyed hold a plain SHA-256 of tenant and
 * shopper id, which anyone can recompute: their target id is replaced (once; cheap after).
 */
async function removeUnkeyedDigests(ctx: AuthContext): Promise<void> {
  const { store } = ctx;
  const migrations = store.globalCollection<{ id: string; at: string }>(AUTH_COLLECTIONS.migrations);
  if (await migrations.findById("audit-keyed-digests")) return;
  const audit = store.tenantCollection<AuditDoc>(AUTH_COLLECTIONS.audit);
  let changed = 0;
  for (const { id } of await ctx.collections.tenants.find({}, { projection: { id: 1 } })) {
    changed += (
      await audit.updateMany(
        id,
        { "target.type": "shopper", "target.id": { $regex: UNKEYED_DIGEST.source } },
        { $set: { "target.id": REMOVED_DIGEST } },
      )
    ).modified;
  }
  if (changed > 0) {
    await store.checkpoint();
    ctx.logger.info({ entries: changed }, "removed unkeyed shopper digests from the audit log");
  }
  // Entries written from now on are keyed: the scan runs once per store.
  await migrations.updateOne({ id: "audit-keyed-digests" }, { $set: { at: nowIso(ctx) } }, { upsert: true });
}
