import { COLLECTIONS, cacheKeys, createPrivacyRegistry, createRetentionPolicy } from "@varai/runtime";
import type { Product } from "@varai/schema";
import { createTestApp, createTestRuntime } from "@varai/testkit";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RECS_COLLECTIONS } from "./collections.ts";
import { createRecommendationsService } from "./service.ts";
import { DEFAULT_STYLE_RULES } from "./style-rules.ts";
import type { RecommendationsService } from "./types.ts";

const T = "ten_shop1";
/** Who a request acts as, in testkit's header dialect (`principalFromTestHeaders`). */
const as = {
  storefront: { "x-test-storefront": T },
  admin: { "x-test-user": `${T}:tenant_admin` },
  viewer: { "x-test-user": `${T}:viewer` },
};

let n = 0;
function product(overrides: Omit<Partial<Product>, "frame"> & { frame?: Partial<Product["frame"]> } = {}): Product {
  const id = overrides.id ?? `prd_t${n++}`;
  const at = "2025-01-01T00:00:00.000Z";
  const { frame, ...rest } = overrides;
  return {
    id,
    tenantId: T,
    source: { platform: "demo", connectionId: "con_t", externalId: id, externalUpdatedAt: at },
    title: `Frame ${id}`,
    handle: id,
    brand: "Northlight",
    productType: "eyeglasses",
    categories: [],
    tags: [],
    status: "active",
    variants: [
      {
        externalId: `${id}-v`,
        sku: "",
        price: { amount: "120.00", currency: "USD" },
        options: {},
        inventoryQuantity: 3,
      },
    ],
    images: [],
    frame: {
      shape: "rectangle",
      rim: "full-rim",
      color: "black",
      material: "acetate",
      dimensions: { frameWidthMm: 138, lensWidthMm: 50, bridgeWidthMm: 18, lensHeightMm: 35 },
      ...frame,
    },
    tryOn: { assetStatus: "none" },
    merchandising: { pinned: false, boost: 1 },
    createdAt: at,
    updatedAt: at,
    ...rest,
  };
}

const face = { pupillaryDistanceMm: 63, faceWidthMm: 136, faceLengthMm: 190 };

describe("recommendations service", () => {
  let deps: ReturnType<typeof createTestRuntime>;
  let service: RecommendationsService;
  let app: ReturnType<typeof createTestApp>;

  beforeEach(() => {
    deps = createTestRuntime();
    service = createRecommendationsService(deps, { retrainIntervalMs: null });
    app = createTestApp({ modules: [service] });
  });
  afterEach(async () => {
    await service.stop?.();
    await deps.close();
  });

  const products = () => deps.store.tenantCollection<Product & { tenantId: string }>(COLLECTIONS.products);
  const seed = async (...items: Product[]) => {
    await products().insertMany(T, items);
    await deps.cache.increment(cacheKeys.catalogVersion(T), 1, 86_400_000);
  };
  const recommend = (body: Record<string, unknown>) =>
    request(app).post("/v1/recommendations").set(as.storefront).send(body);

  it("ranks the frame that fits first and explains it with real millimetres and the style rule", async () => {
    await seed(
      product({ id: "prd_fits", frame: { shape: "rectangle" } }),
      product({
        id: "prd_narrow",
        frame: { shape: "rectangle", dimensions: { frameWidthMm: 124, lensWidthMm: 44, bridgeWidthMm: 16 } },
      }),
    );
    const res = await recommend({ measurements: face, faceShape: "round" });
    expect(res.status).toBe(200);
    expect(res.body.modelVersion).toBeNull();
    const [first, second] = res.body.items;
    expect(first.productId).toBe("prd_fits");
    expect(first.reasons).toContain("frame width 138 mm matches your face width 136 mm");
    expect(first.reasons).toContain("angular frames balance a round face");
    expect(first.fitBadges).toContain("pd-comfortable");
    expect(first.parts).toEqual({ fit: 1, style: expect.any(Number), preference: null, merchantBoost: 1 });
    expect(second.productId).toBe("prd_narrow");
    expect(second.reasons[0]).toBe("frame width 124 mm is 12 mm narrower than your face width 136 mm");
    expect(second.score).toBeLessThan(first.score);
  });

  it("scores frames without dimensions on style only and flags them size unknown", async () => {
    await seed(product({ id: "prd_nosize", frame: { shape: "rectangle", dimensions: {} } }));
    const res = await recommend({ measurements: face, faceShape: "round" });
    const [item] = res.body.items;
    expect(item.sizeUnknown).toBe(true);
    expect(item.parts.fit).toBeNull();
    expect(item.fitBadges).toEqual(["size-unknown"]);
    expect(item.score).toBeCloseTo(item.parts.style, 4);
  });

  it("leaves out archived, deleted, draft and out-of-stock frames but keeps untracked stock", async () => {
    const variant = (q: number | null) => [
      { externalId: "v", sku: "", price: { amount: "99.00", currency: "USD" }, options: {}, inventoryQuantity: q },
    ];
    await seed(
      product({ id: "prd_active" }),
      product({ id: "prd_archived", status: "archived" }),
      product({ id: "prd_deleted", status: "deleted" }),
      product({ id: "prd_draft", status: "draft" }),
      product({ id: "prd_sold_out", variants: variant(0) }),
      product({ id: "prd_untracked", variants: variant(null) }),
    );
    const res = await recommend({ faceShape: "oval", limit: 50 });
    expect(res.body.items.map((i: { productId: string }) => i.productId).sort()).toEqual([
      "prd_active",
      "prd_untracked",
    ]);
  });

  it("applies shape, rim, brand and price filters", async () => {
    await seed(
      product({ id: "prd_a", brand: "Kestrel", frame: { shape: "round", rim: "rimless" } }),
      product({ id: "prd_b", brand: "Kestrel", frame: { shape: "round", rim: "full-rim" } }),
      product({ id: "prd_c", brand: "Fjord", frame: { shape: "round", rim: "rimless" } }),
      product({
        id: "prd_d",
        brand: "Kestrel",
        frame: { shape: "round", rim: "rimless" },
        variants: [
          { externalId: "v", sku: "", price: { amount: "250.50", currency: "USD" }, options: {}, inventoryQuantity: 1 },
        ],
      }),
      product({ id: "prd_e", brand: "Kestrel", frame: { shape: "square", rim: "rimless" } }),
    );
    const res = await recommend({
      faceShape: "square",
      filters: { shapes: ["round"], rims: ["rimless"], brands: ["kestrel"], maxPrice: "250.49" },
    });
    expect(res.body.items.map((i: { productId: string }) => i.productId)).toEqual(["prd_a"]);
    const none = await recommend({ faceShape: "square", filters: { shapes: ["aviator"] } });
    expect(none.body).toMatchObject({ items: [], reason: "No frames match the filters" });
  });

  it("puts pinned frames first and lets boosts lift or bury frames", async () => {
    await seed(
      product({ id: "prd_best", frame: { shape: "rectangle" } }),
      product({ id: "prd_pinned", frame: { shape: "round" }, merchandising: { pinned: true, boost: 1 } }),
      product({ id: "prd_boosted", frame: { shape: "oval" }, merchandising: { pinned: false, boost: 3 } }),
      product({ id: "prd_hidden", frame: { shape: "square" }, merchandising: { pinned: false, boost: 0 } }),
    );
    const res = await recommend({ measurements: face, faceShape: "round" });
    const ids = res.body.items.map((i: { productId: string }) => i.productId);
    expect(ids[0]).toBe("prd_pinned");
    expect(ids[1]).toBe("prd_boosted");
    expect(ids.at(-1)).toBe("prd_hidden");
    expect(res.body.items[0].reasons).toContain("featured by the store");
    expect(res.body.items[1].parts.merchantBoost).toBe(3);
  });

  it("varies shape, colour and brand at the top instead of near-identical frames", async () => {
    const clones = Array.from({ length: 8 }, (_, i) => product({ id: `prd_clone${i}` }));
    const others = [
      product({ id: "prd_geo", brand: "Fjord", frame: { shape: "geometric", color: "gold" } }),
      product({ id: "prd_way", brand: "Kestrel", frame: { shape: "wayfarer", color: "tortoise" } }),
      product({ id: "prd_sq", brand: "Vela", frame: { shape: "square", color: "navy" } }),
    ];
    await seed(...clones, ...others);
    const res = await recommend({ measurements: face, faceShape: "round", limit: 5 });
    const top = res.body.items.map((i: { productId: string }) => i.productId);
    expect(top[0]).toMatch(/^prd_clone/);
    expect(top.filter((id: string) => id.startsWith("prd_clone")).length).toBeLessThanOrEqual(2);
    expect(top).toEqual(expect.arrayContaining(["prd_geo", "prd_way", "prd_sq"]));
  });

  it("reads measurements and face shape of a stored analysis, and answers 404 for unknown or expired ones", async () => {
    await seed(product({ id: "prd_one" }));
    const faces = deps.store.tenantCollection<{ id: string; tenantId: string } & Record<string, unknown>>(
      COLLECTIONS.faceMeasurements,
    );
    await faces.insertOne(T, {
      id: "fa_known",
      shopperId: "shp_1",
      measurements: face,
      faceShape: { label: "round", scores: { round: 0.7, oval: 0.3 } },
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await faces.insertOne(T, {
      id: "fa_expired",
      shopperId: "shp_1",
      measurements: face,
      faceShape: { label: "round", scores: { round: 1 } },
      expiresAt: new Date("2001-01-01T00:00:00Z"),
    });
    const ok = await recommend({ faceAnalysisId: "fa_known", shopperId: "shp_1", consent: true });
    expect(ok.status).toBe(200);
    expect(ok.body.items[0].reasons).toContain("frame width 138 mm matches your face width 136 mm");
    const missing = await recommend({ faceAnalysisId: "fa_nope" });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("NOT_FOUND");
    expect((await recommend({ faceAnalysisId: "fa_expired" })).status).toBe(404);
  });

  it("refuses measurements outside human ranges with the field named, and stores nothing", async () => {
    await seed(product());
    const res = await recommend({ measurements: { ...face, pupillaryDistanceMm: 200 } });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.body.issues).toEqual([expect.objectContaining({ path: "measurements.pupillaryDistanceMm" })]);
    expect((await recommend({ limit: 5 })).status).toBe(400);
    expect((await recommend({ faceShape: "round", limit: 500 })).status).toBe(400);
    expect(await deps.store.tenantCollection(RECS_COLLECTIONS.recommendations).count(T)).toBe(0);
  });

  it("answers an empty catalog with an empty list and a reason", async () => {
    const res = await recommend({ faceShape: "oval" });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    expect(res.body.reason).toBe("The catalog has no active, in-stock frames yet");
  });

  it("needs a storefront key to recommend and recommendations:manage for the rules", async () => {
    expect((await request(app).post("/v1/recommendations").send({ faceShape: "oval" })).status).toBe(401);
    // A valid storefront key is authenticated, but not a user: 403.
    expect((await request(app).get("/v1/recommendations/rules").set(as.storefront)).status).toBe(403);
    expect((await request(app).get("/v1/recommendations/rules").set(as.viewer)).status).toBe(403);
  });

  it("edits the style rules per tenant: validated, versioned, and the cached ranking follows", async () => {
    await seed(
      product({ id: "prd_rect", frame: { shape: "rectangle", dimensions: {} } }),
      product({ id: "prd_round", frame: { shape: "round", dimensions: {} } }),
    );
    const before = await recommend({ faceShape: "round" });
    expect(before.body.items[0].productId).toBe("prd_rect");

    const rules = await request(app).get("/v1/recommendations/rules").set(as.admin);
    expect(rules.body).toMatchObject({ version: 0, isDefault: true });
    expect(rules.body.rules.shapes.round.rectangle).toBe(0.95);

    const invalid = structuredClone(DEFAULT_STYLE_RULES) as unknown as { shapes: Record<string, unknown> };
    invalid.shapes.round = { rectangle: 1.5 };
    const bad = await request(app).put("/v1/recommendations/rules").set(as.admin).send({ rules: invalid });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe("rules.shapes.round.rectangle");
    const { oval: _oval, ...missingFace } = DEFAULT_STYLE_RULES.shapes;
    const incomplete = await request(app)
      .put("/v1/recommendations/rules")
      .set(as.admin)
      .send({ rules: { ...DEFAULT_STYLE_RULES, shapes: missingFace } });
    expect(incomplete.status).toBe(400);

    const edited = structuredClone(DEFAULT_STYLE_RULES);
    edited.shapes.round = { ...edited.shapes.round, round: 1, rectangle: 0 };
    edited.notes.round = { round: "this store loves round on round" };
    const put = await request(app)
      .put("/v1/recommendations/rules")
      .set(as.admin)
      .send({ rules: edited, expectedVersion: 0 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 1, isDefault: false, updatedBy: "usr_test" });

    const after = await recommend({ faceShape: "round" });
    expect(after.body.items[0].productId).toBe("prd_round");
    expect(after.body.items[0].reasons).toContain("this store loves round on round");

    const stale = await request(app)
      .put("/v1/recommendations/rules")
      .set(as.admin)
      .send({ rules: edited, expectedVersion: 0 });
    expect(stale.status).toBe(409);
    expect((await request(app).get("/v1/recommendations/rules").set(as.admin)).body.version).toBe(1);
  });

  it("previews the ranking of a sample face with a draft of the rules, storing and changing nothing", async () => {
    await seed(
      product({ id: "prd_rect", frame: { shape: "rectangle", dimensions: {} } }),
      product({ id: "prd_round", frame: { shape: "round", dimensions: {} } }),
    );
    const preview = (body: Record<string, unknown>, who: keyof typeof as = "admin") =>
      request(app).post("/v1/recommendations/preview").set(as[who]).send(body);
    const inForce = await preview({ faceShape: "round" });
    expect(inForce.status).toBe(200);
    expect(inForce.body.items.map((i: { productId: string }) => i.productId)).toEqual(["prd_rect", "prd_round"]);

    const draft = structuredClone(DEFAULT_STYLE_RULES);
    draft.shapes.round = { ...draft.shapes.round, round: 1, rectangle: 0 };
    const drafted = await preview({ faceShape: "round", rules: draft });
    expect(drafted.body.items[0].productId).toBe("prd_round");
    expect(drafted.body.items[0].parts.preference).toBeNull();

    // A draft is only a draft: the rules in force, the storefront's ranking and the history are unchanged.
    expect((await request(app).get("/v1/recommendations/rules").set(as.admin)).body.version).toBe(0);
    expect((await recommend({ faceShape: "round" })).body.items[0].productId).toBe("prd_rect");
    const kept = await deps.store.tenantCollection(RECS_COLLECTIONS.recommendations).count(T);
    expect(kept).toBe(1);

    const bad = structuredClone(draft) as unknown as { shapes: Record<string, Record<string, number>> };
    (bad.shapes.round as Record<string, number>).round = 2;
    const refused = await preview({ faceShape: "round", rules: bad });
    expect(refused.status).toBe(400);
    expect(refused.body.issues[0].path).toBe("rules.shapes.round.round");
    const noFace = await preview({});
    expect(noFace.status).toBe(400);
    expect(noFace.body.issues[0].path).toBe("faceShape");
    expect((await preview({ faceShape: "round" }, "viewer")).status).toBe(403);
    expect((await preview({ faceShape: "round" }, "storefront")).status).toBe(403);
  });

  it("keys the cache on the catalog version, so a catalog change shows at once", async () => {
    await seed(product({ id: "prd_old", frame: { shape: "oval" } }));
    expect((await recommend({ faceShape: "round" })).body.items.map((i: { productId: string }) => i.productId)).toEqual(
      ["prd_old"],
    );
    await seed(product({ id: "prd_new", frame: { shape: "rectangle" } }));
    const res = await recommend({ faceShape: "round" });
    expect(res.body.items.map((i: { productId: string }) => i.productId)).toEqual(["prd_new", "prd_old"]);
  });

  it("keeps what was recommended to whom and exports and erases it by shopper", async () => {
    await seed(product({ id: "prd_x" }));
    await recommend({ faceShape: "oval", shopperId: "shp_erase", consent: true });
    await recommend({ faceShape: "oval", shopperId: "shp_erase", consent: true });
    await recommend({ faceShape: "oval", shopperId: "shp_keep", consent: true });
    const participant = deps.privacy.participants().find((p) => p.name === "recommendations.history");
    expect(participant).toBeDefined();
    const exported = await participant!.export({ kind: "shopper", tenantId: T, shopperId: "shp_erase" });
    expect(exported).toHaveLength(2);
    expect(exported[0]).toMatchObject({ shopperId: "shp_erase", items: [{ productId: "prd_x" }] });
    expect(await participant!.erase({ kind: "shopper", tenantId: T, shopperId: "shp_erase" })).toBe(2);
    expect(await participant!.export({ kind: "shopper", tenantId: T, shopperId: "shp_erase" })).toEqual([]);
    expect(await participant!.export({ kind: "shopper", tenantId: T, shopperId: "shp_keep" })).toHaveLength(1);
    const record = await deps.store
      .tenantCollection<{ id: string; tenantId: string; expiresAt: Date }>(RECS_COLLECTIONS.recommendations)
      .findOne(T, { shopperId: "shp_keep" });
    expect(new Date(record!.expiresAt).getTime()).toBeGreaterThan(Date.now() + 80 * 86_400_000);
  });

  it("refuses a shopperId without the shopper's consent, and keeps nothing", async () => {
    await seed(product({ id: "prd_c" }));
    const records = deps.store.tenantCollection<{ id: string; tenantId: string }>(RECS_COLLECTIONS.recommendations);
    for (const body of [
      { faceShape: "oval", shopperId: "shp_c" },
      { faceShape: "oval", shopperId: "shp_c", consent: false },
    ]) {
      const res = await recommend(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: "INVALID_INPUT", reason: "CONSENT_REQUIRED" });
    }
    expect(await records.count(T)).toBe(0);
    // Anonymous requests need no consent.
    expect((await recommend({ faceShape: "oval" })).status).toBe(200);
  });

  it("links a recommendation made from a face analysis to that analysis's shopper, and expires it with the analysis", async () => {
    await seed(product({ id: "prd_f" }));
    const analysisExpiry = new Date(Date.now() + 3 * 86_400_000);
    await deps.store
      .tenantCollection<{ id: string; tenantId: string } & Record<string, unknown>>(COLLECTIONS.faceMeasurements)
      .insertOne(T, {
        id: "fa_linked",
        shopperId: "shp_face",
        measurements: face,
        faceShape: { label: "oval", scores: { oval: 1 } },
        expiresAt: analysisExpiry,
      });
    expect((await recommend({ faceAnalysisId: "fa_linked" })).status).toBe(200);
    // Another shopper cannot use it.
    expect((await recommend({ faceAnalysisId: "fa_linked", shopperId: "shp_else", consent: true })).status).toBe(404);
    const participant = deps.privacy.participants().find((p) => p.name === "recommendations.history")!;
    const exported = await participant.export({ kind: "shopper", tenantId: T, shopperId: "shp_face" });
    expect(exported).toEqual([
      expect.objectContaining({
        faceAnalysisId: "fa_linked",
        profile: expect.objectContaining({ pupillaryDistanceMm: 63 }),
        expiresAt: analysisExpiry.toISOString(),
      }),
    ]);
    expect(await participant.erase({ kind: "shopper", tenantId: T, shopperId: "shp_face" })).toBe(1);
    const records = deps.store.tenantCollection<{ id: string; tenantId: string }>(RECS_COLLECTIONS.recommendations);
    expect(await records.count(T, { faceAnalysisId: "fa_linked" })).toBe(0);
  });

  it("at start, brings records of earlier releases made from an analysis under its shopper and expiry", async () => {
    const day = 86_400_000;
    await deps.store.globalCollection<{ id: string }>(COLLECTIONS.tenants).insertOne({ id: T });
    const analysisExpiry = new Date(Date.now() + 2 * day);
    await deps.store
      .tenantCollection<{ id: string; tenantId: string } & Record<string, unknown>>(COLLECTIONS.faceMeasurements)
      .insertOne(T, { id: "fa_old", shopperId: "shp_old", expiresAt: analysisExpiry });
    const records = deps.store.tenantCollection<{ id: string; tenantId: string } & Record<string, unknown>>(
      RECS_COLLECTIONS.recommendations,
    );
    const late = new Date(Date.now() + 90 * day);
    await records.insertMany(T, [
      { id: "rec_linked", shopperId: null, faceAnalysisId: "fa_old", profile: { faceWidthMm: 136 }, expiresAt: late },
      { id: "rec_orphan", shopperId: null, faceAnalysisId: "fa_gone", profile: { faceWidthMm: 140 }, expiresAt: late },
      { id: "rec_plain", shopperId: null, faceAnalysisId: null, profile: null, expiresAt: late },
    ]);
    const restarted = createRecommendationsService(
      { ...deps, privacy: createPrivacyRegistry() },
      { retrainIntervalMs: null },
    );
    await restarted.start?.();
    await restarted.stop?.();
    expect(await records.findById(T, "rec_linked")).toMatchObject({ shopperId: "shp_old", expiresAt: analysisExpiry });
    expect(await records.findById(T, "rec_orphan")).toBeNull();
    expect(await records.findById(T, "rec_plain")).toMatchObject({ shopperId: null, expiresAt: late });
    const participant = deps.privacy.participants().find((p) => p.name === "recommendations.history")!;
    expect(await participant.export({ kind: "shopper", tenantId: T, shopperId: "shp_old" })).toHaveLength(1);
  });

  it("keeps history for the tenant's history retention", async () => {
    await seed(product({ id: "prd_h" }));
    await createRetentionPolicy(deps.store).set(T, { historyDays: 10 }, new Date());
    const before = Date.now();
    const res = await recommend({ faceShape: "oval" });
    const record = await deps.store
      .tenantCollection<{ id: string; tenantId: string; expiresAt: Date }>(RECS_COLLECTIONS.recommendations)
      .findById(T, res.body.id);
    const expires = new Date(record!.expiresAt).getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 10 * 86_400_000);
    expect(expires).toBeLessThan(before + 11 * 86_400_000);
  });

  it("skips training with too few events, records the run, and keeps the cold start", async () => {
    await seed(product({ id: "prd_y" }), product({ id: "prd_z" }));
    const res = await request(app).post("/v1/recommendations/model/train").set(as.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "skipped", version: 1 });
    const models = await request(app).get("/v1/recommendations/model").set(as.admin);
    expect(models.body.active).toBeNull();
    expect(models.body.versions[0]).toMatchObject({ version: 1, status: "skipped" });
    expect((await recommend({ faceShape: "oval" })).body.modelVersion).toBeNull();
  });

  describe("model versions", () => {
    const events = (count: number, productIds: string[]) =>
      Array.from({ length: count }, (_, i) => ({
        id: `evt_${i}`,
        type: i % 3 === 0 ? ("add_to_cart" as const) : ("product_viewed" as const),
        sessionId: `s${i % 17}`,
        productId: productIds[i % productIds.length] as string,
        occurredAt: new Date(Date.now() - (count - i) * 60_000).toISOString(),
      }));
    const train = () => request(app).post("/v1/recommendations/model/train").set(as.admin);
    const activate = (version: number | string, who: keyof typeof as = "admin") =>
      request(app).post(`/v1/recommendations/model/${version}/activate`).set(as[who]);
    const models = async () =>
      (await request(app).get("/v1/recommendations/model").set(as.admin)).body as {
        active: { version: number } | null;
        versions: Array<{ version: number; status: string }>;
      };

    async function withTrainedModels(onTraining?: (tenantId: string, update: unknown) => void) {
      // A service with a low training threshold, on a runtime of its own (one privacy registry each).
      await service.stop?.();
      await deps.close();
      deps = createTestRuntime();
      service = createRecommendationsService(deps, {
        retrainIntervalMs: null,
        minTrainingEvents: 20,
        training: { epochs: 2, factors: 4 },
        ...(onTraining ? { onTraining } : {}),
      });
      app = createTestApp({ modules: [service] });
      const ids = ["prd_m1", "prd_m2", "prd_m3", "prd_m4"];
      await seed(...ids.map((id) => product({ id })));
      await deps.store.tenantCollection(COLLECTIONS.analyticsEvents).insertMany(T, events(120, ids));
    }

    it("reports a training run's progress per epoch, then how it ended", async () => {
      const updates: Array<{ tenantId: string; update: Record<string, unknown> }> = [];
      await withTrainedModels((tenantId, update) =>
        updates.push({ tenantId, update: update as Record<string, unknown> }),
      );
      const res = await train();
      expect(res.status).toBe(200);
      expect(updates.every((u) => u.tenantId === T)).toBe(true);
      expect(updates.map((u) => u.update)).toEqual([
        { status: "running", phase: "loading", epoch: 0, epochs: 2, loss: null },
        expect.objectContaining({ status: "running", phase: "training", epoch: 1, epochs: 2 }),
        expect.objectContaining({ status: "running", phase: "training", epoch: 2, epochs: 2 }),
        expect.objectContaining({ status: res.body.status, version: 1 }),
      ]);
    });

    it("activates an earlier version: the active one is superseded and serving switches to it", async () => {
      await withTrainedModels();
      await train();
      await train();
      // Whatever the holdout said, make version 1 the one in force.
      const first = await activate(1);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ version: 1, status: "active" });
      expect(first.body.weights).toBeUndefined();
      let listed = await models();
      expect(listed.active?.version).toBe(1);
      expect(listed.versions.filter((v) => v.status === "active")).toHaveLength(1);
      expect((await recommend({ faceShape: "oval" })).body.modelVersion).toBe("pref-v1");

      expect((await activate(2)).status).toBe(200);
      listed = await models();
      expect(listed.active?.version).toBe(2);
      expect(listed.versions.find((v) => v.version === 1)?.status).toBe("superseded");
      expect((await recommend({ faceShape: "oval" })).body.modelVersion).toBe("pref-v2");
      // Activating the active version again changes nothing.
      expect((await activate(2)).body).toMatchObject({ version: 2, status: "active" });
    });

    it("refuses a skipped run (409), an unknown version (404), a malformed one (400) and a viewer (403)", async () => {
      await seed(product({ id: "prd_s" }));
      expect((await train()).body.status).toBe("skipped");
      const skipped = await activate(1);
      expect(skipped.status).toBe(409);
      expect(skipped.body.code).toBe("CONFLICT");
      expect((await activate(7)).status).toBe(404);
      expect((await activate("latest")).status).toBe(400);
      expect((await activate(1, "viewer")).status).toBe(403);
    });
  });
});
