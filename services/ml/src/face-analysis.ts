import type { ShopperIdentity } from "@varai/runtime";
import type { FaceAnalysis } from "@varai/schema";
import { type AnalyzedPhoto, analyzePhoto } from "./analysis/analyze.ts";
import type { ConsentedAnalyses } from "./consent.ts";
import type { FacePool } from "./engine/face-pool.ts";

export interface FaceAnalysisInput {
  tenantId: string;
  photo: Uint8Array;
  consent?: boolean | undefined;
  shopperId?: string | undefined;
  shopperEmail?: string | undefined;
  child?: boolean | undefined;
}

export interface FaceAnalysisDeps {
  pool: FacePool;
  consented: ConsentedAnalyses;
  shoppers: ShopperIdentity;
}

/** `POST /v1/face-analysis`: analyse a photo, and keep it only with the shopper's consent. */
export function createFaceAnalysis(deps: FaceAnalysisDeps) {
  return async function analyseFace(
    input: FaceAnalysisInput,
  ): Promise<{ result: FaceAnalysis; timings: AnalyzedPhoto["timings"] }> {
    const analyzed = await analyzePhoto(deps.pool, input.photo, { child: input.child });
    const shopperId = input.shopperId ? deps.shoppers.normalise(input.shopperId) : null;
    const result: FaceAnalysis = input.consent
      ? await deps.consented.keep(input.tenantId, analyzed, input.photo, shopperId)
      : { ...analyzed.face, id: null, expiresAt: null };
    // Nothing about the shopper is kept without consent, the link to the email included.
    if (input.consent && result.id && shopperId && input.shopperEmail) {
      await deps.shoppers.link(input.tenantId, shopperId, input.shopperEmail);
    }
    return { result, timings: analyzed.timings };
  };
}
