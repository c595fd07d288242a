import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, loginAs, seedTenant } from "./test-harness.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const probe = (key: string, origin?: string) => {
  const r = request(h.app).get("/test/principal").set("X-VARAi-Key", key);
  return origin ? r.set("Origin", origin) : r;
};

async function waitForAudit(tenantId: string, count: number) {
  for (let i = 0; i < 50; i++) {
    const items = await h.auth.audit.list(tenantId, { limit: 200 });
    if (items.length >= count) return items;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return h.auth.audit.list(tenantId, { limit: 200 });
}

describe("API keys", () => {
  it("returns a new key once, stores only its hash and never lists it again", async () => {
    const a = await seedTenant(h, "Alpha");
    const res = await request(h.app)
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${a.token}`)
      .send({ kind: "publishable", allowedOrigins: ["https://alpha.example"] });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^pk_[A-Za-z0-9_-]{43}$/);
    expect(res.body.apiKey.prefix).toBe(`${res.body.key.slice(0, 11)}…`);
    const list = await request(h.app).get("/v1/api-keys").set("Authorization", `Bearer ${a.token}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(3);
    expect(list.text).not.toContain(res.body.key);
    expect(list.text).not.toContain("hash");
  });

  it("resolves a publishable key from an allowed origin to a storefront principal", async () => {
    const a = await seedTenant(h, "Alpha");
    const res = await probe(a.publishable.key, "https://alpha.example");
    expect(res.status).toBe(200);
    expect(res.body.principal).toEqual({
      kind: "storefront",
      tenantId: a.tenant.id,
      keyId: a.publishable.apiKey.id,
      origin: "https://alpha.example",
    });
  });

  it("refuses a publishable key from a foreign origin, a look-alike origin or no origin with 403", async () => {
    const a = await seedTenant(h, "Alpha");
    for (const origin of [
      "https://evil.example",
      "https://alpha.example.evil.test",
      "http://alpha.example",
      undefined,
    ]) {
      const res = await probe(a.publishable.key, origin);
      expect(res.status, String(origin)).toBe(403);
      expect(res.body.code).toBe("FORBIDDEN");
    }
  });

  it("accepts a publishable key from any origin only when its allow-list is explicitly ['*']", async () => {
    const a = await seedTenant(h, "Alpha");
    const open = await h.auth.createApiKey({
      tenantId: a.tenant.id,
      kind: "publishable",
      allowedOrigins: ["*"],
      createdBy: a.user.id,
    });
    expect((await probe(open.key, "https://anywhere.example")).status).toBe(200);
    const refused = await request(h.app)
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${a.token}`)
      .send({ kind: "publishable", allowedOrigins: [] });
    expect(refused.status).toBe(400);
  });

  it("refuses a secret key from a browser origin and accepts it server to server", async () => {
    const a = await seedTenant(h, "Alpha");
    expect((await probe(a.secret.key, "https://alpha.example")).status).toBe(403);
    const res = await probe(a.secret.key);
    expect(res.status).toBe(200);
    expect(res.body.principal).toEqual({ kind: "secret-key", tenantId: a.tenant.id, keyId: a.secret.apiKey.id });
  });

  it("refuses invalid origin lists and secret keys with origins with 400", async () => {
    const a = await seedTenant(h, "Alpha");
    for (const body of [
      { kind: "publishable", allowedOrigins: ["https://alpha.example/"] },
      { kind: "publishable", allowedOrigins: ["alpha.example"] },
      { kind: "publishable", allowedOrigins: ["*", "https://alpha.example"] },
      { kind: "secret", allowedOrigins: ["https://alpha.example"] },
      { kind: "magic", allowedOrigins: [] },
    ]) {
      const res = await request(h.app).post("/v1/api-keys").set("Authorization", `Bearer ${a.token}`).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await h.auth.listApiKeys(a.tenant.id)).toHaveLength(2);
  });

  it("stops accepting a key as soon as it is revoked, and refuses unknown keys with 401", async () => {
    const a = await seedTenant(h, "Alpha");
    expect((await probe(a.secret.key)).status).toBe(200);
    const revoke = await request(h.app)
      .delete(`/v1/api-keys/${a.secret.apiKey.id}`)
      .set("Authorization", `Bearer ${a.token}`);
    expect(revoke.status).toBe(200);
    expect(revoke.body.revokedAt).not.toBeNull();
    expect((await probe(a.secret.key)).status).toBe(401);
    expect((await probe(`sk_${"A".repeat(43)}`)).status).toBe(401);
    expect((await probe("not-a-key")).status).toBe(401);
  });
});

describe("tenants and users", () => {
  it("lets only a platform admin create tenants", async () => {
    const admin = await loginAs(h.app, "root@varai.test", "root-password-123");
    const created = await request(h.app)
      .post("/v1/tenants")
      .set("Authorization", `Bearer ${admin.accessToken}`)
      .send({ name: "Gamma", region: "eu" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Gamma", region: "eu", status: "active" });
    expect(created.body.id).toMatch(/^ten_/);
    const a = await seedTenant(h, "Alpha");
    const refused = await request(h.app)
      .post("/v1/tenants")
      .set("Authorization", `Bearer ${a.token}`)
      .send({ name: "Delta", region: "us" });
    expect(refused.status).toBe(403);
    const bad = await request(h.app)
      .post("/v1/tenants")
      .set("Authorization", `Bearer ${admin.accessToken}`)
      .send({ name: "Delta", region: "mars" });
    expect(bad.status).toBe(400);
  });

  it("lists every tenant, oldest first, to a platform admin only", async () => {
    const admin = await loginAs(h.app, "root@varai.test", "root-password-123");
    const a = await seedTenant(h, "Alpha");
    h.now.value = new Date(h.now.value.getTime() + 1000);
    const b = await seedTenant(h, "Bravo", "eu");
    const list = await request(h.app).get("/v1/tenants").set("Authorization", `Bearer ${admin.accessToken}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([a.tenant.id, b.tenant.id]);
    expect(list.body.items[1]).toMatchObject({ name: "Bravo", region: "eu", status: "active" });
    // A tenant admin, even of a listed tenant, gets no directory; nor does a secret key or nobody.
    expect((await request(h.app).get("/v1/tenants").set("Authorization", `Bearer ${a.token}`)).status).toBe(403);
    expect((await request(h.app).get("/v1/tenants").set("X-VARAi-Key", a.secret.key)).status).toBe(403);
    expect((await request(h.app).get("/v1/tenants")).status).toBe(401);
  });

  it("lists only the tenants of the region a deployment serves", async () => {
    const store = h.deps.store;
    const us = await seedTenant(h, "Alpha", "us");
    await seedTenant(h, "Bravo", "eu");
    const eu = await createHarness({ region: "eu" }, { store });
    try {
      const admin = await loginAs(eu.app, "root@varai.test", "root-password-123");
      const list = await request(eu.app).get("/v1/tenants").set("Authorization", `Bearer ${admin.accessToken}`);
      expect(list.body.items.map((t: { name: string }) => t.name)).toEqual(["Bravo"]);
      expect(list.body.items.map((t: { id: string }) => t.id)).not.toContain(us.tenant.id);
    } finally {
      await eu.close();
    }
  });

  it("adds users with a generated password shown once, keeps emails unique across tenants, and refuses platform roles", async () => {
    const a = await seedTenant(h, "Alpha");
    const b = await seedTenant(h, "Bravo");
    const res = await request(h.app)
      .post(`/v1/tenants/${a.tenant.id}/users`)
      .set("Authorization", `Bearer ${a.token}`)
      .send({ email: "Staff@Alpha.test", role: "tenant_staff" });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: "staff@alpha.test", role: "tenant_staff", tenantId: a.tenant.id });
    expect(res.body.user.passwordHash).toBeUndefined();
    const staff = await loginAs(h.app, "staff@alpha.test", res.body.generatedPassword);
    expect(staff.user.tenantId).toBe(a.tenant.id);

    const clash = await request(h.app)
      .post(`/v1/tenants/${b.tenant.id}/users`)
      .set("Authorization", `Bearer ${b.token}`)
      .send({ email: "staff@alpha.test", role: "viewer", password: "long-enough-password" });
    expect(clash.status).toBe(409);
    const escalate = await request(h.app)
      .post(`/v1/tenants/${a.tenant.id}/users`)
      .set("Authorization", `Bearer ${a.token}`)
      .send({ email: "boss@alpha.test", role: "platform_admin", password: "long-enough-password" });
    expect(escalate.status).toBe(400);
    // Staff may not manage users.
    const byStaff = await request(h.app)
      .post(`/v1/tenants/${a.tenant.id}/users`)
      .set("Authorization", `Bearer ${staff.accessToken}`)
      .send({ email: "x@alpha.test", role: "viewer", password: "long-enough-password" });
    expect(byStaff.status).toBe(403);
  });

  it("shows a platform admin any tenant and a tenant user only their own", async () => {
    const a = await seedTenant(h, "Alpha");
    const admin = await loginAs(h.app, "root@varai.test", "root-password-123");
    const own = await request(h.app).get(`/v1/tenants/${a.tenant.id}`).set("Authorization", `Bearer ${a.token}`);
    expect(own.status).toBe(200);
    const any = await request(h.app)
      .get(`/v1/tenants/${a.tenant.id}`)
      .set("Authorization", `Bearer ${admin.accessToken}`);
    expect(any.body).toEqual(own.body);
    const missing = await request(h.app)
      .get("/v1/tenants/ten_nothere")
      .set("Authorization", `Bearer ${admin.accessToken}`);
    expect(missing.status).toBe(404);
  });

  it("refuses a suspended tenant's credentials", async () => {
    const a = await seedTenant(h, "Alpha");
    await h.deps.store
      .globalCollection<{ id: string }>({
        name: "tenants",
        scope: "global",
        indexes: [{ fields: { name: 1 }, name: "by_name" }],
      })
      .updateOne({ id: a.tenant.id }, { $set: { status: "suspended" } });
    await h.deps.cache.deleteByPrefix("auth:tenant:");
    expect((await request(h.app).get("/v1/me").set("Authorization", `Bearer ${a.token}`)).status).toBe(403);
    expect((await probe(a.secret.key)).status).toBe(403);
  });
});

describe("audit log", () => {
  it("records mutating admin calls with actor, route pattern, target and outcome, and not reads", async () => {
    const a = await seedTenant(h, "Alpha");
    const tick = () => {
      h.now.value = new Date(h.now.value.getTime() + 1000);
    };
    const created = await request(h.app)
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${a.token}`)
      .send({ kind: "secret", allowedOrigins: [] });
    await waitForAudit(a.tenant.id, 1);
    tick();
    await request(h.app).delete(`/v1/api-keys/${created.body.apiKey.id}`).set("Authorization", `Bearer ${a.token}`);
    await waitForAudit(a.tenant.id, 2);
    tick();
    await request(h.app).delete("/v1/api-keys/key_missing").set("Authorization", `Bearer ${a.token}`);
    await request(h.app).get("/v1/api-keys").set("Authorization", `Bearer ${a.token}`);
    const entries = await waitForAudit(a.tenant.id, 3);
    expect(entries.map((e) => [e.action, e.target?.id, e.outcome])).toEqual([
      ["DELETE /v1/api-keys/:id", "key_missing", "failure"],
      ["DELETE /v1/api-keys/:id", created.body.apiKey.id, "success"],
      ["POST /v1/api-keys", created.body.apiKey.id, "success"],
    ]);
    expect(entries[0]?.actor).toEqual({ kind: "user", id: a.user.id });
  });

  it("files a tenant created by a platform admin under that tenant", async () => {
    const admin = await loginAs(h.app, "root@varai.test", "root-password-123");
    const created = await request(h.app)
      .post("/v1/tenants")
      .set("Authorization", `Bearer ${admin.accessToken}`)
      .send({ name: "Gamma", region: "us" });
    const entries = await waitForAudit(created.body.id, 1);
    expect(entries[0]).toMatchObject({
      action: "POST /v1/tenants",
      target: { type: "tenant", id: created.body.id },
      actor: { kind: "user", id: admin.user.id },
    });
  });

  it("pages the tenant's own log for tenant admins and refuses viewers", async () => {
    const a = await seedTenant(h, "Alpha");
    const start = h.now.value.getTime();
    for (const minute of [1, 2, 3]) {
      h.now.value = new Date(start + minute * 60_000);
      await h.auth.audit.record({
        tenantId: a.tenant.id,
        actor: { kind: "user", id: a.user.id },
        action: `test.${minute}`,
        outcome: "success",
      });
    }
    const first = await request(h.app).get("/v1/audit?limit=2").set("Authorization", `Bearer ${a.token}`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((e: { action: string }) => e.action)).toEqual(["test.3", "test.2"]);
    const second = await request(h.app)
      .get(`/v1/audit?limit=2&before=${encodeURIComponent(first.body.nextBefore)}`)
      .set("Authorization", `Bearer ${a.token}`);
    expect(second.body.items.map((e: { action: string }) => e.action)).toEqual(["test.1"]);
    expect((await request(h.app).get("/v1/audit?limit=0").set("Authorization", `Bearer ${a.token}`)).status).toBe(400);

    await h.auth.createUser({
      tenantId: a.tenant.id,
      email: "v@alpha.test",
      role: "viewer",
      password: "viewer-password-1",
    });
    const viewer = await loginAs(h.app, "v@alpha.test", "viewer-password-1");
    expect((await request(h.app).get("/v1/audit").set("Authorization", `Bearer ${viewer.accessToken}`)).status).toBe(
      403,
    );
  });
});

describe("regions", () => {
  it("refuses tenants of another region on a regional deployment with FORBIDDEN naming the region", async () => {
    const euTenant = await seedTenant(h, "Euro", "eu");
    const usTenant = await seedTenant(h, "Yank", "us");
    // A second service on the same data, deployed for the US region with the same signing keys
    // (another process: its own privacy registry).
    const { app } = h.anotherProcess({ region: "us", jwtKeys: { keys: { k1: h.jwtSecret }, current: "k1" } });
    {
      const me = await request(app).get("/v1/me").set("Authorization", `Bearer ${euTenant.token}`);
      expect(me.status).toBe(403);
      expect(me.body).toMatchObject({ code: "FORBIDDEN", detail: "tenant lives in region eu" });
      const key = await request(app).get("/v1/api-keys").set("X-VARAi-Key", euTenant.secret.key);
      expect(key.status).toBe(403);
      const login = await request(app)
        .post("/v1/auth/login")
        .send({ email: euTenant.email, password: euTenant.password });
      expect(login.status).toBe(403);
      expect((await request(app).get("/v1/me").set("Authorization", `Bearer ${usTenant.token}`)).status).toBe(200);

      const admin = await loginAs(app, "root@varai.test", "root-password-123");
      const read = await request(app)
        .get(`/v1/tenants/${euTenant.tenant.id}`)
        .set("Authorization", `Bearer ${admin.accessToken}`);
      expect(read.body.detail).toBe("tenant lives in region eu");
      const create = await request(app)
        .post("/v1/tenants")
        .set("Authorization", `Bearer ${admin.accessToken}`)
        .send({ name: "Another EU shop", region: "eu" });
      expect(create.status).toBe(403);
    }
  });
});
