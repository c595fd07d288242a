import type { GlobalCollection, Logger, TenantCollection } from "@varai/runtime";
import type { FaceMeasurementRecord } from "@varai/schema";

interface RecordDoc {
  id: string;
  tenantId: string;
  shopperId: string | null;
  faceAnalysisId: string | null;
  expiresAt: Date;
}

type AnalysisDoc = Pick<FaceMeasurementRecord, "id" | "tenantId" | "shopperId" | "expiresAt">;

const MIGRATION_ID = "records-follow-their-analysis";
/** Records looked at per tenant in one run; a larger backlog is finished by the next start. */
const MAX_RECORDS = 100_000;

/**
 * Records written before issue 24 kept the face profile of a consented analysis for 90 days
 * without the analysis's shopper: neither exported nor erased with them. Once per store, every
 * record made from an analysis is brought under today's rule: it belongs to the analysis's
 * shopper and expires with the analysis; when the analysis is gone (expired or erased), so is
 * the record. Returns how many records were linked and deleted.
 */
export async function linkFaceRecords(deps: {
  records: TenantCollection<RecordDoc>;
  faces: TenantCollection<AnalysisDoc>;
  tenants: GlobalCollection<{ id: string }>;
  migrations: GlobalCollection<{ id: string; at: string }>;
  logger: Logger;
  now: Date;
}): Promise<{ linked: number; deleted: number }> {
  if (await deps.migrations.findById(MIGRATION_ID)) return { linked: 0, deleted: 0 };
  let linked = 0;
  let deleted = 0;
  let complete = true;
  for (const { id: tenantId } of await deps.tenants.find({}, { projection: { id: 1 } })) {
    const found = await deps.records.find(
      tenantId,
      { faceAnalysisId: { $ne: null } },
      { limit: MAX_RECORDS, projection: { faceAnalysisId: 1 } },
    );
    if (found.length === MAX_RECORDS) complete = false;
    const analysisIds = [...new Set(found.map((r) => r.faceAnalysisId).filter((id): id is string => !!id))];
    for (const analysisId of analysisIds) {
      const analysis = await deps.faces.findById(tenantId, analysisId);
      const expiresAt = analysis ? new Date(analysis.expiresAt) : null;
      if (!analysis || !expiresAt || expiresAt.getTime() <= deps.now.getTime()) {
        deleted += await deps.records.deleteMany(tenantId, { faceAnalysisId: analysisId });
        continue;
      }
      if (analysis.shopperId) {
        linked += (
          await deps.records.updateMany(
            tenantId,
            { faceAnalysisId: analysisId, shopperId: null },
            { $set: { shopperId: analysis.shopperId } },
          )
        ).modified;
      }
      await deps.records.updateMany(
        tenantId,
        { faceAnalysisId: analysisId, expiresAt: { $gt: expiresAt } },
        { $set: { expiresAt } },
      );
    }
  }
  if (linked + deleted > 0) deps.logger.info({ linked, deleted }, "recommendation records now follow their analysis");
  if (complete)
    await deps.migrations.updateOne({ id: MIGRATION_ID }, { $set: { at: deps.now.toISOString() } }, { upsert: true });
  return { linked, deleted };
}
