import type { PreviewRequest } from "@varai/schema";
import type { RecsContext } from "./context.ts";
import { rank } from "./ranker.ts";
import { resolveProfile } from "./resolve-profile.ts";
import type { RecommendationsUseCases } from "./types.ts";

/** `POST /v1/recommendations/preview`: a sample face ranked with the rules in force or a draft; nothing stored. */
export async function previewRanking(
  ctx: RecsContext,
  tenantId: string,
  request: PreviewRequest,
): ReturnType<RecommendationsUseCases["previewRanking"]> {
  const { states } = ctx;
  const { face, probabilities, label } = await resolveProfile(ctx, tenantId, {
    limit: request.limit,
    filters: {},
    ...(request.faceShape ? { faceShape: request.faceShape } : {}),
    ...(request.measurements ? { measurements: request.measurements } : {}),
  });
  const state = states.get(tenantId);
  const [catVersion, current] = await Promise.all([states.catalogVersion(tenantId), states.versions(tenantId, state)]);
  const index = await states.catalogIndex(tenantId, state, catVersion);
  const result = rank({
    index,
    face,
    faceShape: probabilities,
    faceShapeLabel: label,
    rules: request.rules ?? current.rules.rules,
    filters: {},
    limit: request.limit,
    preference: null,
    diversity: ctx.options.diversity,
  });
  return { items: result.items, ...(result.reason ? { reason: result.reason } : {}) };
}
