import type { PrivacyParticipant, PrivacySubject } from "@varai/runtime";
import type { RecsContext } from "./context.ts";

const shopperFilter = (subject: PrivacySubject) =>
  subject.kind === "tenant" ? {} : subject.shopperId ? { shopperId: subject.shopperId } : null;

/**
 * `recommendations.history`: what was recommended to a shopper (records carry the face profile of
 * a consented analysis, so they go with the shopper). Erasing a tenant also drops its models and
 * rules and this process's copy of its state.
 */
export function createRecsPrivacy(ctx: RecsContext): PrivacyParticipant {
  const { records, models, rulesDocs } = ctx.collections;
  return {
    name: "recommendations.history",
    async export(subject) {
      const filter = shopperFilter(subject);
      if (!filter) return [];
      const docs = await records.find(subject.tenantId, filter, { sort: { createdAt: -1 }, limit: 10_000 });
      return docs.map(({ expiresAt, ...doc }) => ({ ...doc, expiresAt: new Date(expiresAt).toISOString() }));
    },
    async erase(subject) {
      const filter = shopperFilter(subject);
      if (!filter) return 0;
      let removed = await records.deleteMany(subject.tenantId, filter);
      if (subject.kind === "tenant") {
        removed += await models.deleteMany(subject.tenantId, {});
        removed += await rulesDocs.deleteMany(subject.tenantId, {});
        ctx.states.forget(subject.tenantId);
      }
      await ctx.states.invalidate(subject.tenantId);
      return removed;
    },
  };
}
