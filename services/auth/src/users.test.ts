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

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe("users of a tenant", () => {
  it("lists the tenant's users without password hashes, to its admin only", async () => {
    const a = await seedTenant(h, "Alpha");
    await h.auth.createUser({ tenantId: a.tenant.id, email: "staff@alpha.test", role: "tenant_staff" });
    const res = await request(h.app).get(`/v1/tenants/${a.tenant.id}/users`).set(bearer(a.token));
    expect(res.status).toBe(200);
    expect(res.body.items.map((u: { email: string; role: string }) => [u.email, u.role])).toEqual([
      ["admin@alpha.test", "tenant_admin"],
      ["staff@alpha.test", "tenant_staff"],
    ]);
    expect(res.text).not.toMatch(/passwordHash|scrypt/);

    await h.auth.createUser({
      tenantId: a.tenant.id,
      email: "viewer@alpha.test",
      role: "viewer",
      password: "viewer-pw-0001",
    });
    const viewer = await loginAs(h.app, "viewer@alpha.test", "viewer-pw-0001");
    expect((await request(h.app).get(`/v1/tenants/${a.tenant.id}/users`).set(bearer(viewer.accessToken))).status).toBe(
      403,
    );
  });

  it("answers 404 for another tenant's users, listing or changing", async () => {
    const a = await seedTenant(h, "Alpha");
    const b = await seedTenant(h, "Beta");
    expect((await request(h.app).get(`/v1/tenants/${b.tenant.id}/users`).set(bearer(a.token))).status).toBe(404);
    const change = await request(h.app)
      .patch(`/v1/tenants/${a.tenant.id}/users/${b.user.id}`)
      .set(bearer(a.token))
      .send({ role: "viewer" });
    expect(change.status).toBe(404);
    expect((await h.auth.listUsers(b.tenant.id))[0]?.role).toBe("tenant_admin");
  });

  it("changes a role, which the user's current session then holds", async () => {
    const a = await seedTenant(h, "Alpha");
    const { user } = await h.auth.createUser({
      tenantId: a.tenant.id,
      email: "staff@alpha.test",
      role: "tenant_staff",
      password: "staff-pw-00001",
    });
    const staff = await loginAs(h.app, "staff@alpha.test", "staff-pw-00001");
    const res = await request(h.app)
      .patch(`/v1/tenants/${a.tenant.id}/users/${user.id}`)
      .set(bearer(a.token))
      .send({ role: "viewer" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, role: "viewer" });
    expect(res.body.passwordHash).toBeUndefined();
    // The role comes from the store (the session check), not from the token signed before the change.
    const me = await request(h.app).get("/v1/me").set(bearer(staff.accessToken));
    expect(me.body.user.role).toBe("viewer");
  });

  it("refuses a bad role, a bad id, an own role change and a platform admin role, changing nothing", async () => {
    const a = await seedTenant(h, "Alpha");
    const { user } = await h.auth.createUser({
      tenantId: a.tenant.id,
      email: "staff@alpha.test",
      role: "tenant_staff",
    });
    const patch = (id: string, body: object) =>
      request(h.app).patch(`/v1/tenants/${a.tenant.id}/users/${id}`).set(bearer(a.token)).send(body);
    const bad = await patch(user.id, { role: "owner" });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].path).toBe("role");
    expect((await patch(user.id, { role: "platform_admin" })).status).toBe(400);
    expect((await patch(user.id, { role: "viewer", extra: 1 })).status).toBe(400);
    expect((await patch("usr_nope", { role: "viewer" })).status).toBe(400);
    expect((await patch("usr_0000000000000000", { role: "viewer" })).status).toBe(404);
    const own = await patch(a.user.id, { role: "viewer" });
    expect(own.status).toBe(409);
    expect(own.headers["content-type"]).toContain("application/problem+json");
    const roles = (await h.auth.listUsers(a.tenant.id)).map((u) => u.role);
    expect(roles).toEqual(["tenant_admin", "tenant_staff"]);
  });

  it("records a role change in the audit log with the user as target", async () => {
    const a = await seedTenant(h, "Alpha");
    const { user } = await h.auth.createUser({
      tenantId: a.tenant.id,
      email: "staff@alpha.test",
      role: "tenant_staff",
    });
    await request(h.app)
      .patch(`/v1/tenants/${a.tenant.id}/users/${user.id}`)
      .set(bearer(a.token))
      .send({ role: "viewer" });
    let entry: { action: string; target?: { id: string } } | undefined;
    for (let i = 0; i < 50 && !entry; i++) {
      entry = (await h.auth.audit.list(a.tenant.id, { limit: 50 })).find((e) => e.action.startsWith("PATCH"));
      if (!entry) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(entry).toMatchObject({
      action: "PATCH /v1/tenants/:id/users/:userId",
      target: { type: "user", id: user.id },
    });
  });
});
