import { AppError } from "@varai/schema";
import type { RecsContext } from "./context.ts";
import { nextModelVersion, recordSkippedRun, recordTrainedModel } from "./model-store.ts";
import { trainPreferenceWeights } from "./preference-model.ts";
import { recsKeys } from "./tenant-state.ts";
import { buildTrainingSet, loadFaceProfiles, loadUsableEvents, trainingPopularity } from "./training-dataset.ts";
import type { TrainingUpdate, TrainResult } from "./types.ts";

/**
 * `POST /v1/recommendations/model/train` and the schedule: one run per tenant at a time, across
 * processes (a cache lock), so a schedule and an on-demand call never train one tenant twice.
 */
export async function trainPreferenceModel(ctx: RecsContext, tenantId: string): Promise<TrainResult> {
  if (!(await ctx.cache.setIfAbsent(recsKeys.trainLock(tenantId), ctx.clock().toISOString(), 30 * 60_000))) {
    throw new AppError("CONFLICT", "A training run for this tenant is already in progress");
  }
  const report = (update: TrainingUpdate) => ctx.options.onTraining?.(tenantId, update);
  try {
    const result = await train(ctx, tenantId, report);
    report(
      result.status === "skipped"
        ? { status: "skipped", version: result.version, reason: result.reason }
        : { status: result.status, version: result.version, holdoutAuc: result.metrics.holdoutAuc },
    );
    return result;
  } catch (error) {
    report({ status: "failed", error: error instanceof Error ? error.message : "training failed" });
    throw error;
  } finally {
    await ctx.cache.delete(recsKeys.trainLock(tenantId));
  }
}

async function train(
  ctx: RecsContext,
  tenantId: string,
  report: (update: TrainingUpdate) => void,
): Promise<TrainResult> {
  const { states, collections, options } = ctx;
  const epochs = options.training?.epochs ?? 8;
  report({ status: "running", phase: "loading", epoch: 0, epochs, loss: null });
  const state = states.get(tenantId);
  const index = await states.catalogIndex(tenantId, state, await states.catalogVersion(tenantId));
  const rules = (await states.versions(tenantId, state)).rules.rules;
  const now = ctx.clock();
  const usable = await loadUsableEvents(ctx, tenantId, index, now);
  const trainedAt = now.toISOString();
  const version = await nextModelVersion(collections, tenantId);
  const minEvents = options.minTrainingEvents ?? 200;
  if (usable.length < minEvents || index.size < 2) {
    const reason = `${usable.length} usable events (at least ${minEvents} needed); fit + style stay in force`;
    await recordSkippedRun(collections, tenantId, { version, trainedAt, usable, reason });
    return { status: "skipped", version, reason, trainedAt };
  }

  const faceProfiles = await loadFaceProfiles(ctx, tenantId, now);
  const m = usable.length;
  const holdoutShare = options.training?.holdoutShare ?? 0.1;
  const trainCount = m - Math.min(Math.floor(m * holdoutShare), 20_000);
  const { popularity, items } = trainingPopularity(index, usable, trainCount);
  const { set, shoppers } = buildTrainingSet(index, usable, items, faceProfiles, rules);
  const { weights, metrics } = await trainPreferenceWeights(set, options.training, (p) =>
    report({ status: "running", phase: "training", ...p }),
  );

  // A model that does not beat fit + style on the newest events is recorded but not used.
  const status = metrics.holdoutAuc > metrics.rulesHoldoutAuc ? "active" : "rejected";
  await recordTrainedModel(collections, tenantId, {
    version,
    status,
    trainedAt,
    usable,
    shoppers,
    metrics,
    weights,
    index,
    popularity,
  });
  await states.invalidate(tenantId);
  ctx.logger.info({ tenantId, version, status, metrics }, "preference model trained");
  return { status, version, metrics, trainedAt };
}
