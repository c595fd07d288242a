import { createMemoryCache, createPrivacyRegistry } from "@varai/runtime";
import { createTestRuntime } from "@varai/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { runOfflineEvaluation } from "./evaluation.ts";
import { createRecommendationsService } from "./service.ts";

describe("preference model", () => {
  let deps: ReturnType<typeof createTestRuntime> | null = null;
  afterEach(async () => {
    await deps?.close();
    deps = null;
  });

  it("learns from events a ranking that beats fit + style on later events, and survives a restart", async () => {
    deps = createTestRuntime({ clock: () => new Date("2025-03-05T00:00:00Z") });
    const tenantId = "ten_sim";
    const report = await runOfflineEvaluation(
      deps,
      { tenantId, products: 200, shoppers: 500, days: 60, seed: 3, start: new Date("2025-01-01T00:00:00Z") },
      { epochs: 3, seed: 3 },
    );
    expect(report.training.status).toBe("active");
    if (report.training.status !== "active") return;
    expect(report.training.metrics.holdoutAuc).toBeGreaterThan(report.training.metrics.rulesHoldoutAuc);
    expect(report.learned.ndcgAt10).toBeGreaterThan(report.rules.ndcgAt10);
    expect(report.learned.hitRateAt10).toBeGreaterThan(report.rules.hitRateAt10);

    // A new service instance on the same store (a restart) serves the persisted model.
    const restarted = createRecommendationsService(
      { ...deps, cache: createMemoryCache(), privacy: createPrivacyRegistry() },
      { retrainIntervalMs: null },
    );
    const response = await restarted.recommend(tenantId, {
      measurements: { pupillaryDistanceMm: 63, faceWidthMm: 138 },
      faceShape: "oval",
      limit: 10,
      filters: {},
      shopperId: "shp_1",
      consent: true,
    });
    expect(response.modelVersion).toBe(`pref-v${report.training.version}`);
    expect(response.items[0]?.parts.preference).not.toBeNull();
    const models = await restarted.listModels(tenantId);
    expect(models[0]).toMatchObject({ status: "active", version: report.training.version });
    expect(models[0]?.trainedAt).toBe("2025-03-05T00:00:00.000Z");
  }, 300_000); // a hang guard: about 50 s on a quiet 2-core machine, 160 s under heavy load
});
