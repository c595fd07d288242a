import { COLLECTIONS, createEmbeddedStore, createPrivacyRegistry, createRetentionPolicy } from "@varai/runtime";
import { createTestApp, createTestRuntime, storefrontOf, tenantUser } from "@varai/testkit";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { createStorageService } from "./service.ts";

function setup() {
  let now = new Date("2025-01-01T00:00:00Z");
  const deps = createTestRuntime({ store: createEmbeddedStore({ file: null, clock: () => now }), clock: () => now });
  const storage = createStorageService(deps, { sweepIntervalMs: 0 });
  return {
    deps,
    storage,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    cleanup: () => deps.close(),
  };
}

const HOUR = 3600_000;
let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

describe("storage service", () => {
  it("hides and then sweeps photos and renders once their retention has passed", async () => {
    const { storage, advance, cleanup, deps } = setup();
    cleanups.push(cleanup);
    await storage.blobs.save({
      tenantId: "ten_a",
      kind: "photo",
      id: "p1",
      data: Buffer.from("x"),
      contentType: "image/jpeg",
      ttlMs: HOUR,
    });
    await storage.blobs.save({
      tenantId: "ten_a",
      kind: "render",
      id: "r1",
      data: Buffer.from("y"),
      contentType: "image/jpeg",
      ttlMs: 3 * HOUR,
    });
    await deps.blobs.put("ten_a/frame-assets/ast_1.png", Buffer.from("z"), { contentType: "image/png" });
    expect(await storage.blobs.get("ten_a", "photo", "p1")).not.toBeNull();
    advance(2 * HOUR);
    expect(await storage.blobs.get("ten_a", "photo", "p1")).toBeNull();
    expect(await storage.sweepExpired()).toEqual({ documents: 0, blobs: 1 });
    expect(await storage.blobs.get("ten_a", "render", "r1")).not.toBeNull();
    // Frame assets are not shopper data and have no expiry: never swept.
    expect(await deps.blobs.head("ten_a/frame-assets/ast_1.png")).not.toBeNull();
  });

  it("deletes expired records of every TTL collection, at start and when asked for a given time", async () => {
    const { storage, cleanup, deps } = setup();
    cleanups.push(cleanup);
    const faces = deps.store.tenantCollection<{ id: string; tenantId: string; expiresAt: Date }>(
      COLLECTIONS.faceMeasurements,
    );
    const events = deps.store.tenantCollection<{ id: string; tenantId: string; expiresAt: Date }>(
      COLLECTIONS.analyticsEvents,
    );
    const day = 86_400_000;
    const t0 = deps.clock().getTime();
    await faces.insertOne("ten_a", { id: "fa_1", expiresAt: new Date(t0 + 7 * day) });
    await events.insertOne("ten_a", { id: "ev_1", expiresAt: new Date(t0 + 90 * day) });
    expect(await storage.sweepExpired(new Date(t0 + 8 * day))).toEqual({ documents: 1, blobs: 0 });
    expect(await storage.sweepExpired(new Date(t0 + 91 * day))).toEqual({ documents: 1, blobs: 0 });

    // A restart after the expiry: start() sweeps before anything is served.
    await faces.insertOne("ten_a", { id: "fa_2", expiresAt: new Date(t0 - day) });
    const restarted = createStorageService(
      { ...deps, privacy: createPrivacyRegistry() },
      { sweepIntervalMs: 3_600_000 },
    );
    await restarted.start?.();
    await restarted.stop?.();
    // Nothing left for a sweep at the same time: start() deleted it (the store only hides it otherwise).
    expect(await storage.sweepExpired(new Date(t0))).toEqual({ documents: 0, blobs: 0 });
  });

  it("lets a tenant admin set retention within bounds, and refuses values outside them", async () => {
    const { storage, cleanup, deps } = setup();
    cleanups.push(cleanup);
    const app = (role: "tenant_admin" | "viewer") =>
      createTestApp({ modules: [storage], principal: tenantUser("ten_a", role) });
    const initial = await request(app("tenant_admin")).get("/v1/privacy/retention");
    expect(initial.body).toMatchObject({ faceDataDays: 7, eventDays: 90, historyDays: 90 });
    const set = await request(app("tenant_admin")).put("/v1/privacy/retention").send({ faceDataDays: 2 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ faceDataDays: 2, eventDays: 90 });
    expect(await createRetentionPolicy(deps.store).get("ten_a")).toMatchObject({ faceDataDays: 2 });
    for (const body of [{ faceDataDays: 31 }, { faceDataDays: 0 }, { eventDays: 401 }, { historyDays: 1.5 }, {}]) {
      const res = await request(app("tenant_admin")).put("/v1/privacy/retention").send(body);
      expect(res.status).toBe(400);
      expect(res.headers["content-type"]).toContain("application/problem+json");
    }
    expect((await request(app("tenant_admin")).get("/v1/privacy/retention")).body.faceDataDays).toBe(2);
    expect((await request(app("viewer")).put("/v1/privacy/retention").send({ faceDataDays: 3 })).status).toBe(403);
  });

  it("caps the expiry of face data already kept when the face data period is shortened", async () => {
    const { storage, cleanup, deps } = setup();
    cleanups.push(cleanup);
    const day = 86_400_000;
    const t0 = deps.clock().getTime();
    const faces = deps.store.tenantCollection<{ id: string; tenantId: string; expiresAt: Date }>(
      COLLECTIONS.faceMeasurements,
    );
    await faces.insertOne("ten_a", { id: "fa_long", expiresAt: new Date(t0 + 7 * day) });
    await faces.insertOne("ten_a", { id: "fa_soon", expiresAt: new Date(t0 + day / 2) });
    await faces.insertOne("ten_b", { id: "fa_other", expiresAt: new Date(t0 + 7 * day) });
    await storage.blobs.save({
      tenantId: "ten_a",
      kind: "photo",
      id: "fa_long",
      data: Buffer.from("photo"),
      contentType: "image/jpeg",
      ttlMs: 7 * day,
    });
    const app = createTestApp({ modules: [storage], principal: tenantUser("ten_a") });
    expect((await request(app).put("/v1/privacy/retention").send({ faceDataDays: 1 })).status).toBe(200);
    expect((await faces.findById("ten_a", "fa_long"))?.expiresAt).toEqual(new Date(t0 + day));
    expect((await faces.findById("ten_a", "fa_soon"))?.expiresAt).toEqual(new Date(t0 + day / 2));
    expect((await faces.findById("ten_b", "fa_other"))?.expiresAt).toEqual(new Date(t0 + 7 * day));
    const photo = await deps.blobs.head("ten_a/photos/fa_long");
    expect(photo?.tags.expiresAt).toBe(new Date(t0 + day).toISOString());
    expect((await deps.blobs.get("ten_a/photos/fa_long"))?.data.toString()).toBe("photo");
    expect(await storage.sweepExpired(new Date(t0 + day + 1))).toEqual({ documents: 2, blobs: 1 });
  });

  it("exports metadata (never pixels) and erases a shopper's blobs only", async () => {
    const { storage, cleanup, deps } = setup();
    cleanups.push(cleanup);
    const save = (id: string, shopperId: string) =>
      storage.blobs.save({
        tenantId: "ten_a",
        kind: "photo",
        id,
        data: Buffer.from("x"),
        contentType: "image/jpeg",
        ttlMs: HOUR,
        shopperId,
      });
    await save("p1", "alice");
    await save("p2", "bob");
    const participant = deps.privacy.participants().find((p) => p.name === "storage.shopper-blobs");
    const exported = await participant?.export({ kind: "shopper", tenantId: "ten_a", shopperId: "alice" });
    expect(exported).toEqual([expect.objectContaining({ key: "ten_a/photos/p1", shopperId: "alice", kind: "photo" })]);
    expect(JSON.stringify(exported)).not.toContain("data");
    expect(await participant?.erase({ kind: "shopper", tenantId: "ten_a", shopperId: "alice" })).toBe(1);
    expect(await participant?.erase({ kind: "shopper", tenantId: "ten_a", shopperId: "alice" })).toBe(0);
    expect(await storage.blobs.get("ten_a", "photo", "p2")).not.toBeNull();
    expect(await participant?.erase({ kind: "tenant", tenantId: "ten_a" })).toBe(1);
  });

  it("serves a render to its own tenant's storefront only", async () => {
    const { storage, cleanup } = setup();
    cleanups.push(cleanup);
    await storage.blobs.save({
      tenantId: "ten_a",
      kind: "render",
      id: "r1",
      data: Buffer.from("jpeg!"),
      contentType: "image/jpeg",
      ttlMs: HOUR,
    });
    const appFor = (tenantId: string) => createTestApp({ modules: [storage], principal: storefrontOf(tenantId) });
    const own = await request(appFor("ten_a")).get("/v1/renders/r1");
    expect(own.status).toBe(200);
    expect(own.headers["content-type"]).toBe("image/jpeg");
    const other = await request(appFor("ten_b")).get("/v1/renders/r1");
    expect(other.status).toBe(404);
    const bad = await request(appFor("ten_a")).get("/v1/renders/..%2Fx");
    expect(bad.status).toBe(400);
  });
});
