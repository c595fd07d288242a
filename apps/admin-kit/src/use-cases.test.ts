import { createVaraiClient } from "@varai/clients";
import { startTestGateway, stopTestGateway, type TestGateway } from "@varai/gateway/testing";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AnalyticsSummary, createAdminApi } from "./api.ts";
import { catalogReadiness, describeGaps, frameGaps } from "./catalog-readiness.ts";
import { conversionDifferenceInterval, impactSummary, lastDays } from "./impact-summary.ts";
import { createAdminSession } from "./session.ts";
import { currentSyncRun, isFurtherAlong } from "./store-sync.ts";
import { createTokenSession } from "./token-session.ts";
import { widgetDraftProblems } from "./widget-settings-draft.ts";

/**
 * The shared use cases of the platform apps (Shopify, BigCommerce) against the real gateway and
 * the platform simulator: the pure parts with the API's own answers, the token session for real.
 * The React hooks over them run in the Shopify app's browser test (apps/shopify-app/ui).
 */

const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };
const OWNER = { email: "owner@use-cases.test", password: "pw-use-cases-long-enough-01" };
let gateway: TestGateway;
let sim: PlatformSimulator;

async function signIn(who: { email: string; password: string }) {
  const session = createAdminSession({ baseUrl: gateway.base });
  await session.login(who.email, who.password);
  const client = createVaraiClient({ baseUrl: gateway.base, accessToken: session.getAccessToken });
  return { session, client, api: createAdminApi(client) };
}

beforeAll(async () => {
  sim = await startPlatformSimulator({ shopify: { products: 6 } });
  gateway = await startTestGateway({
    // The catalog verifies (and registers) Shopify webhooks with the app secret.
    SHOPIFY_API_SECRET: sim.shopify.apiSecret,
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
  });
  const root = await signIn(ADMIN);
  const tenant = await root.client.post(z.any(), "/v1/tenants", { name: "Use cases", region: "us" });
  await root.client.post(z.any(), `/v1/tenants/${tenant.id}/users`, { ...OWNER, role: "tenant_admin" });
}, 60_000);

afterAll(async () => {
  await sim?.close();
  if (gateway) await stopTestGateway(gateway);
});

describe("catalog readiness", () => {
  it("counts the synced frames lacking sizes or assets, and an edit through the frame API clears a size gap", async () => {
    const { api } = await signIn(OWNER);
    // Product 0 comes without any size: no dimension metafields, no size in its variants.
    const first = sim.shopify.store.products.get(0);
    if (!first) throw new Error("no simulated product 0");
    const { frameWidthMm, lensWidthMm, bridgeWidthMm, templeLengthMm, ...unsized } = first.frame;
    sim.shopify.store.updateProduct(0, {
      frame: unsized as typeof first.frame,
      variants: first.variants.map((v) => ({ ...v, size: "" })),
    });
    const connection = await api.createConnection({
      platform: "shopify",
      name: "Readiness shop",
      shopDomain: sim.shopify.shopDomain,
      apiBaseUrl: sim.baseUrl("shopify"),
      credentials: { accessToken: sim.shopify.accessToken },
    });
    await expect.poll(async () => (await api.products()).items.length, { timeout: 20_000, interval: 1000 }).toBe(6);
    const products = (await api.products()).items;
    const before = catalogReadiness(products);
    // Nothing has a try-on asset yet (the simulator's images are not reachable); one lacks sizes.
    expect(before).toMatchObject({ total: 6, ready: 0, missingAsset: 6, missingDimensions: 1 });
    const unsizedFrame = before.needsWork.find((w) => w.gaps.size);
    expect(unsizedFrame?.missing).toEqual(["size (lens, bridge)", "frame width", "try-on asset"]);
    for (const { product, missing } of before.needsWork) expect(missing).toEqual(describeGaps(frameGaps(product)));

    await api.updateFrame(unsizedFrame?.product.id ?? "", {
      dimensions: { lensWidthMm: 52, bridgeWidthMm: 18, templeLengthMm: 140 },
    });
    const after = catalogReadiness((await api.products()).items);
    expect(after.missingDimensions).toBe(0);
    expect(after.needsWork.find((w) => w.product.id === unsizedFrame?.product.id)?.missing).toEqual([
      expect.stringMatching(/^try-on asset/),
    ]);

    // The finished backfill is what the onboarding screen shows.
    const listed = await api.connection(connection.id);
    const run = currentSyncRun(listed, undefined);
    expect(run).toMatchObject({ status: "succeeded", active: false, counts: { upserted: 6 } });
  }, 60_000);
});

describe("sync progress", () => {
  const counts = (fetched: number) => ({ fetched, upserted: fetched, failed: 0, skipped: 0 });
  it("prefers the live event over the listed run, and a poll only when it is further along", () => {
    const live = {
      connectionId: "con_1",
      runId: "run_2",
      mode: "full" as const,
      status: "running" as const,
      pages: 1,
      counts: counts(12),
      error: null,
    };
    expect(currentSyncRun(null, live)).toMatchObject({ runId: "run_2", active: true, counts: { fetched: 12 } });
    const older = { id: "run_2", status: "queued" as const, counts: counts(0), error: null };
    expect(currentSyncRun(null, live, older)?.status).toBe("running");
    const done = { id: "run_2", status: "succeeded" as const, counts: counts(24), error: null };
    expect(currentSyncRun(null, live, done)).toMatchObject({ status: "succeeded", active: false });
    expect(currentSyncRun(null, live, { ...done, id: "run_1" })?.status).toBe("running");
    expect(isFurtherAlong({ status: "running", counts: counts(5) }, { status: "succeeded", counts: counts(1) })).toBe(
      false,
    );
    expect(currentSyncRun(null, undefined)).toBeNull();
  });
});

describe("impact summary", () => {
  it("reads the API's summary of an empty range as empty", async () => {
    const { api } = await signIn(OWNER);
    const impact = impactSummary(await api.analyticsSummary(lastDays(30)));
    expect(impact).toMatchObject({ empty: true, tryOns: 0, purchases: 0, lift: null, significant: false });
  });

  it("calls a difference significant only when its 95 % interval excludes zero", () => {
    expect(conversionDifferenceInterval({ sessions: 0, purchased: 0 }, { sessions: 10, purchased: 1 })).toBeNull();
    const wide = conversionDifferenceInterval({ sessions: 10, purchased: 2 }, { sessions: 10, purchased: 1 });
    expect(wide && wide.low < 0 && wide.high > 0).toBe(true);
    const rate = (sessions: number, purchased: number) => ({ sessions, purchased, rate: purchased / sessions });
    const zero = { widgetShown: 0, tryOnStarted: 0, tryOnRendered: 0, addToCart: 0, purchases: 0, sessions: 0 };
    const summary: AnalyticsSummary = {
      from: "2026-11-04",
      to: "2026-12-03",
      totals: { ...zero, tryOnStarted: 400, purchases: 130, sessions: 2000, revenue: { EUR: 10, USD: 990 } },
      series: [],
      funnel: [],
      topFrames: [],
      conversion: { triedOn: rate(400, 80), notTriedOn: rate(1600, 50), unattributedPurchaseSessions: 0, lift: 5.4 },
    };
    const impact = impactSummary(summary);
    expect(impact).toMatchObject({ empty: false, tryOns: 400, conversionWithTryOn: 0.2, significant: true, lift: 5.4 });
    expect(impact.revenue.map((r) => r.currency)).toEqual(["USD", "EUR"]);
    // One buyer out of one against none out of one: a "certain" interval, but far too few sessions.
    const tiny = { ...summary, conversion: { ...summary.conversion, triedOn: rate(1, 1), notTriedOn: rate(1, 0) } };
    expect(conversionDifferenceInterval(rate(1, 1), rate(1, 0))).toEqual({ low: 1, high: 1 });
    expect(impactSummary(tiny).significant).toBe(false);
    expect(lastDays(30, Date.parse("2026-12-03T10:00:00Z"))).toEqual({ from: "2026-11-04", to: "2026-12-03" });
  });
});

describe("widget settings draft", () => {
  it("names a draft's problems as the API does, and none for what the API accepts", async () => {
    const { api } = await signIn(OWNER);
    const loaded = await api.widgetSettings();
    expect(widgetDraftProblems(loaded.config)).toEqual({});
    const bad = structuredClone(loaded.config);
    bad.theme.primary = "red;} body{display:none";
    const problems = widgetDraftProblems(bad);
    expect(Object.keys(problems)).toEqual(["config.theme.primary"]);
    // The API refuses the same draft, on the same field.
    const refused = await api.saveWidgetSettings(loaded.version, bad).catch((e: unknown) => e);
    expect(JSON.stringify((refused as { problem?: unknown }).problem)).toContain("config.theme.primary");
  });
});

describe("createTokenSession", () => {
  it("signs in with an obtained token, obtains a new one on a 401, and signs out when obtaining fails", async () => {
    let obtained = 0;
    let fail = false;
    const session = createTokenSession({
      baseUrl: gateway.base,
      obtain: async () => {
        obtained++;
        if (fail) throw new Error("refused");
        const login = await fetch(`${gateway.base}/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(OWNER),
        });
        // The first token is spoiled so the 401 path runs.
        const body = (await login.json()) as { accessToken: string; expiresIn: number };
        return obtained === 2 ? { ...body, accessToken: `${body.accessToken}x` } : body;
      },
    });
    await expect(session.login("a", "b")).rejects.toThrow(/platform/);
    expect(await session.restore()).toBe(true);
    expect(session.getState()).toMatchObject({ status: "signed-in", role: "tenant_admin" });
    await session.refresh();
    const api = createAdminApi(
      createVaraiClient({ baseUrl: gateway.base, fetch: (i, init) => session.authorizedFetch(String(i), init) }),
    );
    expect((await api.widgetSettings()).version).toBe(0);
    expect(obtained).toBe(3);
    fail = true;
    expect(await session.refresh()).toBe(false);
    expect(session.getState()).toEqual({ status: "signed-out", reason: "expired" });
    expect(session.getAccessToken()).toBeNull();
  }, 30_000);
});
