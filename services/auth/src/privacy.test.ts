import { createHash, randomBytes } from "node:crypto";
import {
  createEmbeddedStore,
  createShopperIdentity,
  type PrivacyParticipant,
  type PrivacySubject,
  type ShopperIdentity,
} from "@varai/runtime";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AUTH_COLLECTIONS } from "./collections.ts";
import { createHarness, type Harness, seedTenant } from "./test-harness.ts";

type Seeded = Awaited<ReturnType<typeof seedTenant>>;
let h: Harness;
let a: Seeded;

/** A participant holding shopper rows in memory, as a real service would in its collection. */
function fakeParticipant(
  name: string,
  rows: Array<{ tenantId: string; shopperId: string; email: string; data: string }>,
) {
  const calls: Array<{ action: string; subject: PrivacySubject }> = [];
  const matches = (row: (typeof rows)[number], s: PrivacySubject) =>
    row.tenantId === s.tenantId &&
    (s.kind === "tenant" || row.shopperId === s.shopperId || (s.email !== undefined && row.email === s.email));
  const participant: PrivacyParticipant = {
    name,
    async export(subject) {
      calls.push({ action: "export", subject });
      return rows.filter((r) => matches(r, subject)).map((r) => ({ ...r }));
    },
    async erase(subject) {
      calls.push({ action: "erase", subject });
      const before = rows.length;
      for (let i = rows.length - 1; i >= 0; i--)
        if (matches(rows[i] as (typeof rows)[number], subject)) rows.splice(i, 1);
      return before - rows.length;
    },
  };
  return { participant, calls, rows };
}

let shoppers: ShopperIdentity;
let fakeFaces: ReturnType<typeof fakeParticipant> | null = null;
/** One shared fake participant per test, registered once. */
const faces = () => {
  fakeFaces ??= fakeParticipant("test.faces", []);
  return fakeFaces;
};

beforeEach(async () => {
  const store = createEmbeddedStore({ file: null });
  shoppers = createShopperIdentity({ hashKey: randomBytes(32), store });
  h = await createHarness({ shoppers }, { store });
  a = await seedTenant(h, "Alpha");
  fakeFaces = null;
});
afterEach(async () => {
  await h.close();
});

const post = (path: string, body: object) =>
  request(h.app).post(path).set("Authorization", `Bearer ${a.token}`).send(body);

async function everythingStoredByAuth(): Promise<string> {
  const dump: unknown[] = [];
  for (const definition of Object.values(AUTH_COLLECTIONS)) {
    if (definition.scope === "tenant") {
      dump.push(
        await h.deps.store.tenantCollection<{ id: string; tenantId: string }>(definition).find(a.tenant.id, {}),
      );
    } else {
      dump.push(await h.deps.store.globalCollection<{ id: string }>(definition).find({}));
    }
  }
  return JSON.stringify(dump);
}

describe("privacy export and redaction", () => {
  it("calls every participant, erases the shopper, is idempotent and leaves no trace in auth's own collections", async () => {
    const faces = fakeParticipant("test.faces", [
      { tenantId: a.tenant.id, shopperId: "shopper-42", email: "jane@shopper.test", data: "pd 63" },
      { tenantId: a.tenant.id, shopperId: "shopper-7", email: "kim@shopper.test", data: "pd 60" },
    ]);
    const events = fakeParticipant("test.events", [
      { tenantId: a.tenant.id, shopperId: "shopper-42", email: "jane@shopper.test", data: "viewed" },
    ]);
    h.deps.privacy.register(faces.participant);
    h.deps.privacy.register(events.participant);

    const exported = await post("/v1/privacy/export", { shopperId: "shopper-42" });
    expect(exported.status).toBe(200);
    expect(exported.body.data["test.faces"]).toHaveLength(1);
    expect(exported.body.data["test.events"]).toHaveLength(1);

    const first = await post("/v1/privacy/redact", { shopperId: "shopper-42" });
    expect(first.status).toBe(200);
    expect(first.body.erased).toMatchObject({ "test.faces": 1, "test.events": 1 });
    const again = await post("/v1/privacy/redact", { shopperId: "shopper-42" });
    expect(again.status).toBe(200);
    expect(again.body.erased).toMatchObject({ "test.faces": 0, "test.events": 0 });

    const expectedSubject = { kind: "shopper", tenantId: a.tenant.id, shopperId: "shopper-42" };
    for (const { calls } of [faces, events]) {
      expect(calls).toEqual([
        { action: "export", subject: expectedSubject },
        { action: "erase", subject: expectedSubject },
        { action: "erase", subject: expectedSubject },
      ]);
    }
    expect(faces.rows.map((r) => r.shopperId)).toEqual(["shopper-7"]);
    expect(events.rows).toEqual([]);

    // Audited (export = a read of shopper data) with the subject as a digest only.
    const audit = await h.auth.audit.list(a.tenant.id, { limit: 50 });
    expect(audit.filter((e) => e.action === "privacy.export")).toHaveLength(1);
    expect(audit.filter((e) => e.action === "privacy.redact")).toHaveLength(2);
    expect(audit.find((e) => e.action === "privacy.redact")?.target?.id).toMatch(/^sub_[0-9a-f]{32}$/);
    const stored = await everythingStoredByAuth();
    expect(stored).not.toContain("shopper-42");
    expect(stored).not.toContain("jane@shopper.test");
    // Not recomputable from the tenant and shopper ids: no unkeyed hash of them is stored.
    for (const algorithm of ["sha256", "sha1", "md5"]) {
      const unkeyed = createHash(algorithm).update(`${a.tenant.id}\u0000shopper-42`).digest("hex");
      expect(stored).not.toContain(unkeyed.slice(0, 16));
    }
  });

  it("replaces the unkeyed digests of earlier releases at start-up", async () => {
    const audit = h.deps.store.tenantCollection<{ id: string; tenantId: string } & Record<string, unknown>>(
      AUTH_COLLECTIONS.audit,
    );
    const unkeyed = `sub_${createHash("sha256").update(`${a.tenant.id}\u0000shopper-42`).digest("hex").slice(0, 24)}`;
    await audit.insertOne(a.tenant.id, {
      id: "aud_old",
      actor: { kind: "user", id: "usr_1" },
      action: "privacy.redact",
      target: { type: "shopper", id: unkeyed },
      outcome: "success",
      at: new Date().toISOString(),
    });
    // A store written by an earlier release: the one-time migration has not run on it.
    await h.deps.store.globalCollection<{ id: string }>(AUTH_COLLECTIONS.migrations).deleteMany({});
    await h.auth.bootstrap();
    expect((await audit.findById(a.tenant.id, "aud_old"))?.target).toEqual({ type: "shopper", id: "sub_removed" });
  });

  it("redacts by email and a whole shop by scope", async () => {
    h.deps.privacy.register(faces().participant);
    // The widget sent both once (a consented analysis): the email's hash is linked to the id.
    await shoppers.link(a.tenant.id, "s1", "jane@shopper.test");
    const rows = faces().rows;
    rows.push(
      { tenantId: a.tenant.id, shopperId: "s1", email: "", data: "x" },
      // Stored before ids were normalised: a storefront that sent the email as the shopper id.
      { tenantId: a.tenant.id, shopperId: "jane@shopper.test", email: "", data: "legacy" },
      { tenantId: a.tenant.id, shopperId: "s2", email: "", data: "y" },
      { tenantId: "ten_otherxx", shopperId: "s3", email: "", data: "z" },
    );
    const byEmail = await post("/v1/privacy/redact", { email: "Jane@Shopper.test" });
    expect(byEmail.body.erased).toMatchObject({ "test.faces": 2, "runtime.shopper-links": 1 });
    expect(rows.map((r) => r.shopperId)).toEqual(["s2", "s3"]);
    const shop = await post("/v1/privacy/redact", { scope: "tenant" });
    expect(shop.body.erased).toMatchObject({ "test.faces": 1 });
    // Another tenant's data is out of reach of this tenant's shop redaction.
    expect(rows.map((r) => r.shopperId)).toEqual(["s3"]);
  });

  it("finds a Shopify customer under every form of its id: the gid, the plain id, the email", async () => {
    h.deps.privacy.register(faces().participant);
    const rows = faces().rows;
    rows.push(
      { tenantId: a.tenant.id, shopperId: "191167", email: "", data: "stored normalised" },
      { tenantId: a.tenant.id, shopperId: "gid://shopify/Customer/191167", email: "", data: "stored as given" },
      { tenantId: a.tenant.id, shopperId: shoppers.emailKey("john@example.com"), email: "", data: "email as id" },
      { tenantId: a.tenant.id, shopperId: "1911670", email: "", data: "another customer" },
    );
    await shoppers.link(a.tenant.id, "191167", "john@example.com");
    const exported = await post("/v1/privacy/export", { shopperId: "gid://shopify/Customer/191167" });
    expect(exported.body.data["test.faces"].map((r: { data: string }) => r.data).sort()).toEqual([
      "email as id",
      "stored as given",
      "stored normalised",
    ]);
    const redacted = await post("/v1/privacy/redact", { shopperId: "191167" });
    expect(redacted.body.erased["test.faces"]).toBe(3);
    expect(rows.map((r) => r.data)).toEqual(["another customer"]);
  });

  it("still calls the other participants when one fails, answers 503 and audits the failure", async () => {
    const ok = fakeParticipant("test.ok", [{ tenantId: a.tenant.id, shopperId: "s1", email: "e@x.test", data: "x" }]);
    h.deps.privacy.register({
      name: "test.broken",
      async export() {
        throw new Error("disk on fire");
      },
      async erase() {
        throw new Error("disk on fire");
      },
    });
    h.deps.privacy.register(ok.participant);
    const res = await post("/v1/privacy/redact", { shopperId: "s1" });
    expect(res.status).toBe(503);
    expect(res.body.failedParticipants).toEqual(["test.broken"]);
    expect(res.text).not.toContain("disk on fire");
    expect(ok.rows).toEqual([]);
    const audit = await h.auth.audit.list(a.tenant.id, { limit: 10 });
    expect(audit[0]).toMatchObject({ action: "privacy.redact", outcome: "failure" });
  });

  it("refuses bodies without a subject and callers without privacy permission", async () => {
    for (const body of [
      {},
      { scope: "everything" },
      { shopperId: "" },
      { email: "not-an-email" },
      { shopperId: "s", extra: 1 },
    ]) {
      expect((await post("/v1/privacy/redact", body)).status, JSON.stringify(body)).toBe(400);
    }
    await h.auth.createUser({
      tenantId: a.tenant.id,
      email: "staff@alpha.test",
      role: "tenant_staff",
      password: "staff-password-1",
    });
    const staff = await request(h.app)
      .post("/v1/auth/login")
      .send({ email: "staff@alpha.test", password: "staff-password-1" });
    const res = await request(h.app)
      .post("/v1/privacy/export")
      .set("Authorization", `Bearer ${staff.body.accessToken}`)
      .send({ shopperId: "s1" });
    expect(res.status).toBe(403);
  });

  it("serves platform webhooks through redactShopper with the platform as the audited actor", async () => {
    const faces = fakeParticipant("test.faces", [
      { tenantId: a.tenant.id, shopperId: "s9", email: "e@x.test", data: "x" },
    ]);
    h.deps.privacy.register(faces.participant);
    const result = await h.auth.redactShopper(
      { kind: "shopper", tenantId: a.tenant.id, shopperId: "s9" },
      { actor: { kind: "platform", id: "shopify" } },
    );
    expect(result.erased).toMatchObject({ "test.faces": 1 });
    const audit = await h.auth.audit.list(a.tenant.id, { limit: 10 });
    expect(audit[0]).toMatchObject({ action: "privacy.redact", actor: { kind: "platform", id: "shopify" } });
  });
});
