import { AppError } from "@varai/schema";
import { MODEL_KIND } from "./collections.ts";
import type { RecsContext } from "./context.ts";
import type { ModelSummary } from "./types.ts";

const SUMMARY = { projection: { weights: 0, popularity: 0 } } as const;

/** `POST /v1/recommendations/model/:version/activate`: one active version at a time. */
export async function activateModel(
  ctx: Pick<RecsContext, "collections" | "states" | "logger">,
  tenantId: string,
  version: number,
): Promise<ModelSummary> {
  const { models } = ctx.collections;
  const doc = await models.findOne(tenantId, { kind: MODEL_KIND, version }, SUMMARY);
  if (!doc) throw new AppError("NOT_FOUND", `Model version ${version} not found`);
  if (doc.status === "skipped") {
    throw new AppError("CONFLICT", `Version ${version} was a skipped run: it has no model to activate`);
  }
  if (doc.status !== "active") {
    await models.updateMany(tenantId, { kind: MODEL_KIND, status: "active" }, { $set: { status: "superseded" } });
    await models.updateOne(tenantId, { id: doc.id }, { $set: { status: "active" } });
    // Serving caches the tenant's model: the next recommendation loads this one.
    await ctx.states.invalidate(tenantId);
    ctx.logger.info({ tenantId, version, was: doc.status }, "preference model activated");
  }
  return { ...doc, status: "active" };
}
