import { createRetentionPolicy, daysToMs, type RuntimeDeps } from "@varai/runtime";
import { AppError, type FaceAnalysis, type FaceMeasurementRecord, FaceMeasurementsSchema, newId } from "@varai/schema";
import type { ShopperBlobs } from "@varai/storage";
import type { AnalyzedPhoto } from "./analysis/analyze.ts";
import type { MlCollections } from "./collections.ts";
import { withoutMetadata } from "./image/decode.ts";

/**
 * Consented analyses: kept with their photo for the tenant's face data retention, and read back
 * by a try-on that names one. Nothing is kept without consent, and nothing withheld at all.
 */
export interface ConsentedAnalyses {
  /** Stores a measured analysis and its photo; a withheld one comes back unstored (id null). */
  keep(tenantId: string, analyzed: AnalyzedPhoto, photo: Uint8Array, shopperId: string | null): Promise<FaceAnalysis>;
  /** A kept analysis that has not expired, else NOT_FOUND (FACE_ANALYSIS_NOT_FOUND). */
  find(tenantId: string, id: string): Promise<FaceMeasurementRecord>;
}

export function createConsentedAnalyses(
  deps: RuntimeDeps,
  faces: MlCollections["faces"],
  shopperBlobs: ShopperBlobs,
): ConsentedAnalyses {
  // How long a consented analysis and its photo are kept: the tenant's face data retention.
  const retention = createRetentionPolicy(deps.store);

  async function keep(
    tenantId: string,
    analyzed: AnalyzedPhoto,
    photo: Uint8Array,
    shopperId: string | null,
  ): Promise<FaceAnalysis> {
    const now = deps.clock();
    const ttlMs = daysToMs((await retention.get(tenantId)).faceDataDays);
    const expiresAt = new Date(now.getTime() + ttlMs);
    const id = newId("faceAnalysis");
    const analysis: FaceAnalysis = { ...analyzed.face, id, expiresAt: expiresAt.toISOString() };
    const { measurements: m, faceShape } = analysis;
    // Withheld figures are not kept: there is nothing to recommend from, and the shopper is
    // asked for another photo.
    if (m.status === "withheld" || faceShape.status === "withheld") return { ...analysis, id: null, expiresAt: null };
    // Cannot throw: measured figures lie inside the human ranges this schema is built from.
    const measurements = FaceMeasurementsSchema.parse({
      pupillaryDistanceMm: m.pupillaryDistance.valueMm,
      faceWidthMm: m.faceWidth.valueMm,
      faceLengthMm: m.faceLength.valueMm,
      jawWidthMm: m.jawWidth.valueMm,
      foreheadWidthMm: m.foreheadWidth.valueMm,
    });
    // Photo first: a crash in between leaves an orphan blob that expires, never a dangling id.
    await shopperBlobs.save({
      tenantId,
      kind: "photo",
      id,
      data: await withoutMetadata(photo, analyzed.header.type),
      contentType: `image/${analyzed.header.type}`,
      ttlMs,
      // Exactly the analysis's expiry (re-encoding takes a while; the clock has moved on).
      expiresAt,
      shopperId,
      ref: id,
    });
    await faces.insertOne(tenantId, {
      id,
      shopperId,
      measurements,
      faceShape: { label: faceShape.label, scores: faceShape.scores },
      analysis,
      createdAt: now.toISOString(),
      expiresAt,
    });
    return analysis;
  }

  async function find(tenantId: string, id: string): Promise<FaceMeasurementRecord> {
    const doc = await faces.findById(tenantId, id);
    // TTL removal is not instantaneous in every store: check the expiry as well.
    if (!doc || new Date(doc.expiresAt).getTime() <= deps.clock().getTime()) {
      throw new AppError("NOT_FOUND", "Unknown or expired face analysis", {
        details: { reason: "FACE_ANALYSIS_NOT_FOUND" },
      });
    }
    return doc;
  }

  return { keep, find };
}
