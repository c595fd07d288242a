import type { StyleRules } from "@varai/schema";
import type { CatalogIndex } from "./catalog-index.ts";
import type { EventDoc, StoredProfile } from "./collections.ts";
import type { RecsContext } from "./context.ts";
import { EVENT_WEIGHTS, HISTORY_LENGTH, POSITIVE_TYPES } from "./event-weights.ts";
import { CONTEXT_DIM, contextFeatures, HISTORY_DIM, historyFeatures, ITEM_DIM, POPULARITY_OFFSET } from "./features.ts";
import { combinedFit, type FaceSize } from "./fit.ts";
import type { TrainingSet } from "./preference-model.ts";
import { RIM_SLOTS, styleTable, toProbabilities } from "./style-rules.ts";

/** Positive events of the training window whose frame is in the catalog index, oldest first. */
export async function loadUsableEvents(
  ctx: RecsContext,
  tenantId: string,
  index: CatalogIndex,
  now: Date,
): Promise<EventDoc[]> {
  const since = new Date(now.getTime() - (ctx.options.trainingWindowDays ?? 90) * 86_400_000).toISOString();
  const all = await ctx.collections.events.find(
    tenantId,
    { type: { $in: POSITIVE_TYPES }, occurredAt: { $gte: since } },
    {
      sort: { occurredAt: 1 },
      limit: ctx.options.maxTrainingEvents ?? 200_000,
      projection: { type: 1, sessionId: 1, shopperId: 1, productId: 1, occurredAt: 1, properties: 1 },
    },
  );
  return all.filter((e) => e.productId !== undefined && index.byId.has(e.productId));
}

export interface FaceProfiles {
  /** By shopperId: a consented face analysis, else the latest consented profile kept with a recommendation. */
  byShopper: Map<string, StoredProfile>;
  /** By recommendation id (events name it in `properties.recommendationId`). */
  byRecommendation: Map<string, StoredProfile>;
}

/** Face context per shopper: consented face analyses, then consented profiles kept with recommendations. */
export async function loadFaceProfiles(ctx: RecsContext, tenantId: string, now: Date): Promise<FaceProfiles> {
  const byShopper = new Map<string, StoredProfile>();
  const byRecommendation = new Map<string, StoredProfile>();
  const recs = await ctx.collections.records.find(
    tenantId,
    { profile: { $ne: null } },
    { sort: { createdAt: 1 }, limit: 100_000, projection: { shopperId: 1, profile: 1 } },
  );
  for (const r of recs) {
    if (!r.profile) continue;
    byRecommendation.set(r.id, r.profile);
    if (r.shopperId) byShopper.set(r.shopperId, r.profile);
  }
  const analyses = await ctx.collections.faces.find(
    tenantId,
    { shopperId: { $ne: null } },
    { limit: 100_000, projection: { shopperId: 1, measurements: 1, faceShape: 1, expiresAt: 1 } },
  );
  for (const a of analyses) {
    if (!a.shopperId || new Date(a.expiresAt).getTime() <= now.getTime()) continue;
    byShopper.set(a.shopperId, {
      faceShape: toProbabilities(a.faceShape.scores) ?? { [a.faceShape.label]: 1 },
      pupillaryDistanceMm: a.measurements.pupillaryDistanceMm,
      faceWidthMm: a.measurements.faceWidthMm,
      faceLengthMm: a.measurements.faceLengthMm ?? null,
    });
  }
  return { byShopper, byRecommendation };
}

/**
 * Popularity per index row from the training part only (the first `trainCount` events), so the
 * holdout measures what the model would have known; and the item features with it filled in.
 */
export function trainingPopularity(
  index: CatalogIndex,
  usable: EventDoc[],
  trainCount: number,
): { popularity: Float32Array; items: Float32Array } {
  const counts = new Float32Array(index.size);
  for (let e = 0; e < trainCount; e++) {
    const ev = usable[e] as EventDoc;
    const row = index.byId.get(ev.productId as string) as number;
    counts[row] = (counts[row] as number) + (EVENT_WEIGHTS[ev.type] ?? 0);
  }
  let maxCount = 0;
  for (const c of counts) maxCount = Math.max(maxCount, c);
  const popularity = new Float32Array(index.size);
  for (let i = 0; i < index.size; i++)
    popularity[i] = maxCount > 0 ? Math.log1p(counts[i] as number) / Math.log1p(maxCount) : 0;
  const items = new Float32Array(index.features);
  for (let i = 0; i < index.size; i++) items[i * ITEM_DIM + POPULARITY_OFFSET] = popularity[i] as number;
  return { popularity, items };
}

/** A face profile as the pair features use it: the fit inputs and the style row. */
interface PairProfile {
  face: FaceSize | null;
  styles: Float32Array;
}

function pairProfile(profile: StoredProfile, rules: StyleRules): PairProfile {
  return {
    face:
      profile.pupillaryDistanceMm !== null && profile.faceWidthMm !== null
        ? {
            pupillaryDistanceMm: profile.pupillaryDistanceMm,
            faceWidthMm: profile.faceWidthMm,
            faceLengthMm: profile.faceLengthMm ?? undefined,
          }
        : null,
    styles: styleTable(rules, profile.faceShape),
  };
}

/**
 * One example per usable event: its face context, the shopper's history before it, the frame and
 * the event's weight; plus `pair`, the fit and style of any (example, frame).
 */
export function buildTrainingSet(
  index: CatalogIndex,
  usable: EventDoc[],
  items: Float32Array,
  faceProfiles: FaceProfiles,
  rules: StyleRules,
): { set: TrainingSet; shoppers: number } {
  const m = usable.length;
  const contexts = new Float32Array(m * CONTEXT_DIM);
  const histories = new Float32Array(m * HISTORY_DIM);
  const positives = new Int32Array(m);
  const weights = new Float32Array(m);
  const profileOf = new Int32Array(m).fill(-1);
  const profileList: PairProfile[] = [];
  const profileIds = new Map<StoredProfile, number>();
  const historyOf = new Map<string, number[]>();
  const shoppers = new Set<string>();
  usable.forEach((ev, e) => {
    const row = index.byId.get(ev.productId as string) as number;
    const who = ev.shopperId ?? `session:${ev.sessionId}`;
    shoppers.add(who);
    const fromRecord =
      typeof ev.properties?.recommendationId === "string"
        ? faceProfiles.byRecommendation.get(ev.properties.recommendationId)
        : undefined;
    const profile = fromRecord ?? (ev.shopperId ? faceProfiles.byShopper.get(ev.shopperId) : undefined);
    if (profile) {
      let p = profileIds.get(profile);
      if (p === undefined) {
        p = profileList.length;
        profileIds.set(profile, p);
        profileList.push(pairProfile(profile, rules));
      }
      profileOf[e] = p;
    }
    contextFeatures(
      {
        faceShape: profile?.faceShape ?? null,
        pupillaryDistanceMm: profile?.pupillaryDistanceMm ?? null,
        faceWidthMm: profile?.faceWidthMm ?? null,
      },
      contexts,
      e,
    );
    const past = historyOf.get(who) ?? [];
    historyFeatures(items, null, past, histories, e);
    positives[e] = row;
    weights[e] = EVENT_WEIGHTS[ev.type] ?? 1;
    if (past.at(-1) !== row) {
      past.push(row);
      if (past.length > HISTORY_LENGTH) past.shift();
    }
    historyOf.set(who, past);
  });
  const pair = pairWriter(index, profileOf, profileList, styleTable(rules, null));
  return {
    set: { items, itemCount: index.size, contexts, histories, positives, weights, pair },
    shoppers: shoppers.size,
  };
}

/**
 * The pair features (fit, fit known, style) of an (example, frame). Training calls it for every
 * positive and sampled negative of every batch: a measured hot loop, so it allocates nothing.
 */
function pairWriter(
  index: CatalogIndex,
  profileOf: Int32Array,
  profileList: PairProfile[],
  neutral: Float32Array,
): TrainingSet["pair"] {
  return (example, item, out, at) => {
    const p = profileOf[example] as number;
    const profile = p >= 0 ? profileList[p] : undefined;
    const f = profile?.face
      ? combinedFit(
          index.frameWidth[item] as number,
          index.lensWidth[item] as number,
          index.bridgeWidth[item] as number,
          index.lensHeight[item] as number,
          profile.face,
        )
      : Number.NaN;
    out[at] = Number.isNaN(f) ? 0 : f;
    out[at + 1] = Number.isNaN(f) ? 0 : 1;
    const styles = profile?.styles ?? neutral;
    out[at + 2] = styles[(index.shapeSlot[item] as number) * RIM_SLOTS + (index.rimSlot[item] as number)] as number;
  };
}
