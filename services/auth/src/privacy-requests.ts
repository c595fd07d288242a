import type { PrivacySubject } from "@varai/runtime";
import { subjectDigest } from "./audit.ts";
import type { AuthContext } from "./context.ts";
import { expandSubject, type PrivacyExport, type PrivacyRedaction, walkParticipants } from "./privacy.ts";
import type { PrivacyExportSummary } from "./privacy-exports.ts";
import type { AuditActor } from "./types.ts";

// Shopper and shop privacy requests: every one is audited, success or failure, with the shopper
// as a keyed digest (the audit log never holds a shopper id in clear).

async function privacyAudit(ctx: AuthContext, subject: PrivacySubject, action: string, by: AuditActor, ok: boolean) {
  const target =
    subject.kind === "tenant"
      ? { type: "tenant", id: subject.tenantId }
      : {
          type: "shopper",
          id: subjectDigest(ctx.digestKey, subject.tenantId, subject.shopperId ?? subject.email ?? ""),
        };
  await ctx.auditLog.record({
    tenantId: subject.tenantId,
    actor: by.actor,
    action,
    target,
    outcome: ok ? "success" : "failure",
    ...(by.requestId ? { requestId: by.requestId } : {}),
  });
}

async function withPrivacyAudit<T>(
  ctx: AuthContext,
  subject: PrivacySubject,
  action: string,
  by: AuditActor,
  run: () => Promise<T>,
) {
  try {
    const result = await run();
    await privacyAudit(ctx, subject, action, by, true);
    return result;
  } catch (error) {
    await privacyAudit(ctx, subject, action, by, false);
    throw error;
  }
}

/** `POST /v1/privacy/export`: the subject's data from every privacy participant. */
export function exportShopper(ctx: AuthContext, subject: PrivacySubject, by: AuditActor): Promise<PrivacyExport> {
  return withPrivacyAudit(ctx, subject, "privacy.export", by, async () => ({
    subject,
    data: await walkParticipants(ctx.privacy, ctx.logger, "export", await expandSubject(subject, ctx.shoppers)),
  }));
}

/** `POST /v1/privacy/redact`: erased from every participant, and from the store's files, before the answer. */
export function redactShopper(ctx: AuthContext, subject: PrivacySubject, by: AuditActor): Promise<PrivacyRedaction> {
  return withPrivacyAudit(ctx, subject, "privacy.redact", by, async () => {
    const erased = await walkParticipants(ctx.privacy, ctx.logger, "erase", await expandSubject(subject, ctx.shoppers));
    // Gone from every file of the store before we answer (embedded: WAL checkpoint), so a
    // backup taken a second later holds none of it. A busy database answers 503: retry.
    await ctx.store.checkpoint();
    return { subject, erased };
  });
}

/** A platform's data request: exported, stored sealed for the merchant, both steps audited. */
export async function storePlatformExport(
  ctx: AuthContext,
  subject: PrivacySubject,
  by: AuditActor,
  source: Record<string, string>,
): Promise<PrivacyExportSummary> {
  const exported = await exportShopper(ctx, subject, by);
  return withPrivacyAudit(ctx, subject, "privacy.export.stored", by, () =>
    ctx.privacyExports.store(subject, exported, source),
  );
}

/** `GET /v1/privacy/exports/:id/download`: audited. */
export async function downloadPrivacyExport(
  ctx: AuthContext,
  tenantId: string,
  id: string,
  by: AuditActor,
): Promise<PrivacyExport> {
  const exported = await ctx.privacyExports.download(tenantId, id);
  await ctx.auditLog.record({
    tenantId,
    actor: by.actor,
    action: "privacy.export.download",
    target: { type: "privacy-export", id },
    outcome: "success",
    ...(by.requestId ? { requestId: by.requestId } : {}),
  });
  return exported;
}
