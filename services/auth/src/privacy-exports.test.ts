import { randomBytes } from "node:crypto";
import {
  createEmbeddedStore,
  createSecretBox,
  createShopperIdentity,
  type MerchantNotification,
  type PrivacyParticipant,
} from "@varai/runtime";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PRIVACY_EXPORTS } from "./privacy-exports.ts";
import { createHarness, type Harness, seedTenant } from "./test-harness.ts";

/**
 * Shopify `customers/data_request`: the export is kept for the merchant (sealed, with an
 * expiry), listed and downloadable by a tenant admin, the merchant is notified, every step is
 * audited, and the stored export goes with the shopper's later redaction.
 */
let h: Harness;
let a: Awaited<ReturnType<typeof seedTenant>>;
const notified: MerchantNotification[] = [];
const platform = { actor: { kind: "platform", id: "shopify:con_1" } };

const holding: PrivacyParticipant = {
  name: "test.faces",
  async export(subject) {
    return subject.kind === "shopper" && subject.shopperId === "191167"
      ? [{ shopperId: "191167", pd: 63.4, note: "landmark-0.4242" }]
      : [];
  },
  async erase() {
    return 0;
  },
};

beforeEach(async () => {
  const store = createEmbeddedStore({ file: null });
  notified.length = 0;
  h = await createHarness(
    {
      shoppers: createShopperIdentity({ hashKey: randomBytes(32), store }),
      secretBox: createSecretBox({ keys: { v1: randomBytes(32).toString("base64") }, current: "v1" }),
      notifier: { notify: async (n) => void notified.push(n) },
    },
    { store },
  );
  a = await seedTenant(h, "Alpha");
  h.deps.privacy.register(holding);
});
afterEach(() => h.close());

const get = (path: string, token = a.token) => request(h.app).get(path).set("Authorization", `Bearer ${token}`);
const subject = () => ({
  kind: "shopper" as const,
  tenantId: a.tenant.id,
  shopperId: "gid://shopify/Customer/191167",
  email: "john@example.com",
});

describe("platform data requests", () => {
  it("stores the export sealed, lists it, lets a tenant admin download it, notifies and audits", async () => {
    const stored = await h.auth.storePlatformExport(subject(), platform, {
      platform: "shopify",
      connectionId: "con_1",
      requestId: "9999",
    });
    expect(stored).toMatchObject({ status: "ready", source: { requestId: "9999" }, downloads: 0 });

    // Sealed at rest: neither the shopper's data nor their ids are readable in the store.
    const docs = await h.deps.store.tenantCollection(PRIVACY_EXPORTS).find(a.tenant.id, {});
    const raw = JSON.stringify(docs);
    for (const needle of ["191167", "john@example.com", "landmark-0.4242"]) expect(raw).not.toContain(needle);

    const list = await get("/v1/privacy/exports");
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: stored.id, status: "ready" })]);
    expect(JSON.stringify(list.body)).not.toContain("191167");

    const download = await get(stored.downloadPath);
    expect(download.status).toBe(200);
    expect(download.headers["content-disposition"]).toContain(`${stored.id}.json`);
    expect(download.body.data["test.faces"]).toEqual([{ shopperId: "191167", pd: 63.4, note: "landmark-0.4242" }]);
    expect((await get(`/v1/privacy/exports/${stored.id}`)).body).toMatchObject({ downloads: 1 });

    expect(notified).toEqual([
      expect.objectContaining({ tenantId: a.tenant.id, kind: "privacy.export.ready", path: stored.downloadPath }),
    ]);
    expect(JSON.stringify(notified)).not.toContain("john@example.com");

    const actions = (await h.auth.audit.list(a.tenant.id, { limit: 20 })).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(["privacy.export", "privacy.export.stored", "privacy.export.download"]),
    );
  });

  it("is for the tenant's privacy managers only, and another tenant's id is 404", async () => {
    const stored = await h.auth.storePlatformExport(subject(), platform, { platform: "shopify", connectionId: "c" });
    const b = await seedTenant(h, "Beta");
    expect((await get(stored.downloadPath, b.token)).status).toBe(404);
    expect((await get("/v1/privacy/exports", b.token)).body.items).toEqual([]);
    await h.auth.createUser({
      tenantId: a.tenant.id,
      email: "st@alpha.test",
      role: "tenant_staff",
      password: "staff-password-1",
    });
    const staff = await request(h.app)
      .post("/v1/auth/login")
      .send({ email: "st@alpha.test", password: "staff-password-1" });
    expect((await get(stored.downloadPath, staff.body.accessToken)).status).toBe(403);
    expect((await get("/v1/privacy/exports/not-an-id")).status).toBe(400);
  });

  it("expires: listed as expired, no longer downloadable", async () => {
    const stored = await h.auth.storePlatformExport(subject(), platform, { platform: "shopify", connectionId: "c" });
    h.now.value = new Date(h.now.value.getTime() + 31 * 24 * 3600_000);
    // (The session expired too: the service is asked directly.)
    await expect(h.auth.downloadPrivacyExport(a.tenant.id, stored.id, platform)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await h.auth.listPrivacyExports(a.tenant.id))[0]).toMatchObject({ status: "expired" });
  });

  it("goes with the shopper: a redaction by any form of the id or by the email deletes it", async () => {
    for (const redact of [{ shopperId: "191167" }, { email: "JOHN@example.com" }]) {
      await h.auth.storePlatformExport(subject(), platform, { platform: "shopify", connectionId: "c" });
      const other = await h.auth.storePlatformExport(
        { kind: "shopper", tenantId: a.tenant.id, shopperId: "555" },
        platform,
        { platform: "shopify", connectionId: "c" },
      );
      const result = await h.auth.redactShopper({ kind: "shopper", tenantId: a.tenant.id, ...redact }, platform);
      expect(result.erased["auth.privacy-exports"]).toBe(1);
      expect((await get("/v1/privacy/exports")).body.items.map((e: { id: string }) => e.id)).toEqual([other.id]);
      await h.auth.redactShopper({ kind: "shopper", tenantId: a.tenant.id, shopperId: "555" }, platform);
    }
  });
});
