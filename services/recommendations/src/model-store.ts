import { newId } from "@varai/schema";
import type { CatalogIndex } from "./catalog-index.ts";
import { type EventDoc, MODEL_KIND, type ModelDoc, type RecsCollections } from "./collections.ts";
import type { TrainMetrics } from "./preference-model.ts";
import { type PreferenceWeights, serialiseWeights } from "./preference-weights.ts";
import type { ModelSummary } from "./types.ts";

/** Frames whose popularity a model document keeps (the rest count as 0 when serving). */
const POPULARITY_KEEP = 5000;

type Models = Pick<RecsCollections, "models">;

export async function nextModelVersion(ctx: Models, tenantId: string): Promise<number> {
  const last = await ctx.models.findOne(
    tenantId,
    { kind: MODEL_KIND },
    { sort: { version: -1 }, projection: { version: 1 } },
  );
  return (last?.version ?? 0) + 1;
}

/** `GET /v1/recommendations/model`: the last 20 versions, without their weights. */
export function listModels(ctx: Models, tenantId: string): Promise<ModelSummary[]> {
  return ctx.models.find(
    tenantId,
    { kind: MODEL_KIND },
    { sort: { version: -1 }, limit: 20, projection: { weights: 0, popularity: 0 } },
  );
}

/** A run with too little data is recorded too, so the merchant sees why there is no model. */
export async function recordSkippedRun(
  ctx: Models,
  tenantId: string,
  run: { version: number; trainedAt: string; usable: EventDoc[]; reason: string },
): Promise<void> {
  await ctx.models.insertOne(tenantId, {
    id: newId("model"),
    kind: MODEL_KIND,
    version: run.version,
    status: "skipped",
    trainedAt: run.trainedAt,
    dataFrom: run.usable[0]?.occurredAt ?? null,
    dataTo: run.usable.at(-1)?.occurredAt ?? null,
    metrics: { usableEvents: run.usable.length, reason: run.reason },
    weights: null,
    popularity: null,
  });
}

/** Stores a trained model; an active one supersedes the model in force. */
export async function recordTrainedModel(
  ctx: Models,
  tenantId: string,
  run: {
    version: number;
    status: Extract<ModelDoc["status"], "active" | "rejected">;
    trainedAt: string;
    usable: EventDoc[];
    shoppers: number;
    metrics: TrainMetrics;
    weights: PreferenceWeights;
    index: CatalogIndex;
    popularity: Float32Array;
  },
): Promise<void> {
  const { popularity, index } = run;
  const top = Array.from(popularity.keys())
    .filter((i) => (popularity[i] as number) > 0)
    .sort((a, b) => (popularity[b] as number) - (popularity[a] as number))
    .slice(0, POPULARITY_KEEP);
  if (run.status === "active") {
    await ctx.models.updateMany(tenantId, { kind: MODEL_KIND, status: "active" }, { $set: { status: "superseded" } });
  }
  await ctx.models.insertOne(tenantId, {
    id: newId("model"),
    kind: MODEL_KIND,
    version: run.version,
    status: run.status,
    trainedAt: run.trainedAt,
    dataFrom: run.usable[0]?.occurredAt ?? null,
    dataTo: run.usable.at(-1)?.occurredAt ?? null,
    metrics: { ...run.metrics, usableEvents: run.usable.length, shoppers: run.shoppers },
    weights: serialiseWeights(run.weights),
    popularity: { ids: top.map((i) => index.ids[i] as string), values: top.map((i) => popularity[i] as number) },
  });
}
