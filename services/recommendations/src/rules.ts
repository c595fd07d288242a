import { AppError, newId, type StyleRules, StyleRulesSchema } from "@varai/schema";
import type { RecsContext } from "./context.ts";
import { DEFAULT_STYLE_RULES } from "./style-rules.ts";
import { latestRulesDoc } from "./tenant-state.ts";
import type { RulesView } from "./types.ts";

/** `GET /v1/recommendations/rules`: the rules in force, the defaults until a merchant edits them. */
export async function getRules(ctx: Pick<RecsContext, "collections">, tenantId: string): Promise<RulesView> {
  const doc = await latestRulesDoc(ctx.collections, tenantId);
  if (!doc) return { version: 0, rules: DEFAULT_STYLE_RULES, isDefault: true, updatedAt: null, updatedBy: null };
  return {
    version: doc.version,
    rules: doc.rules,
    isDefault: false,
    updatedAt: doc.updatedAt,
    updatedBy: doc.updatedBy,
  };
}

/** `PUT /v1/recommendations/rules`: a new version of the rules; cached lists and every process's copy go. */
export async function putRules(
  ctx: RecsContext,
  tenantId: string,
  rules: StyleRules,
  actor: string,
  expectedVersion?: number,
): Promise<RulesView> {
  const parsed = StyleRulesSchema.parse(rules);
  const latest = await latestRulesDoc(ctx.collections, tenantId);
  const current = latest?.version ?? 0;
  if (expectedVersion !== undefined && expectedVersion !== current) {
    throw new AppError("CONFLICT", `The rules are at version ${current}, not ${expectedVersion}`, {
      details: { currentVersion: current },
    });
  }
  const doc = {
    id: newId("recommendation").replace(/^rec_/, "rul_"),
    version: current + 1,
    rules: parsed,
    updatedAt: ctx.clock().toISOString(),
    updatedBy: actor,
  };
  // The unique version index turns two concurrent edits into one success and one CONFLICT.
  await ctx.collections.rulesDocs.insertOne(tenantId, doc);
  await ctx.states.invalidate(tenantId);
  return { version: doc.version, rules: parsed, isDefault: false, updatedAt: doc.updatedAt, updatedBy: actor };
}
