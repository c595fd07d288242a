import type { PrivacySubject } from "@varai/runtime";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_COLLECTIONS, type UserDoc } from "./collections.ts";
import { createHarness, type Harness, seedTenant } from "./test-harness.ts";

type Seeded = Awaited<ReturnType<typeof seedTenant>>;
let h: Harness;
let a: Seeded;
let b: Seeded;
const participantCalls: PrivacySubject[] = [];

beforeAll(async () => {
  h = await createHarness();
  h.deps.privacy.register({
    name: "test.recorder",
    async export(subject) {
      participantCalls.push(subject);
      return [];
    },
    async erase(subject) {
      participantCalls.push(subject);
      return 0;
    },
  });
  a = await seedTenant(h, "Alpha");
  b = await seedTenant(h, "Bravo");
});
afterAll(async () => {
  await h.close();
});

/** Everything of B an attacker could read or change through these routes. */
async function snapshotOfB() {
  const users = h.deps.store.tenantCollection<UserDoc>(AUTH_COLLECTIONS.users);
  return {
    tenant: await h.auth.getTenant(b.tenant.id),
    users: (await users.find(b.tenant.id, {})).map((u) => ({ ...u })),
    keys: await h.auth.listApiKeys(b.tenant.id),
    audit: await h.auth.audit.list(b.tenant.id, { limit: 200 }),
  };
}

interface Case {
  name: string;
  method: "get" | "post" | "delete";
  path: (b: Seeded) => string;
  body?: object;
  /** Routes without a tenant in the path are aimed at B by naming it. */
  namesTenant?: boolean;
}

// Every tenant-scoped route of the auth service.
const cases: Case[] = [
  { name: "read a tenant", method: "get", path: (t) => `/v1/tenants/${t.tenant.id}` },
  {
    name: "add a user",
    method: "post",
    path: (t) => `/v1/tenants/${t.tenant.id}/users`,
    body: { email: "intruder@evil.test", role: "tenant_admin", password: "intruder-password" },
  },
  { name: "revoke a key", method: "delete", path: (t) => `/v1/api-keys/${t.publishable.apiKey.id}` },
  {
    name: "create a key",
    method: "post",
    path: () => "/v1/api-keys",
    body: { kind: "secret", allowedOrigins: [] },
    namesTenant: true,
  },
  { name: "list keys", method: "get", path: () => "/v1/api-keys", namesTenant: true },
  { name: "read the audit log", method: "get", path: () => "/v1/audit", namesTenant: true },
  {
    name: "export a shopper",
    method: "post",
    path: () => "/v1/privacy/export",
    body: { shopperId: "s1" },
    namesTenant: true,
  },
  {
    name: "redact a shopper",
    method: "post",
    path: () => "/v1/privacy/redact",
    body: { shopperId: "s1" },
    namesTenant: true,
  },
  {
    name: "redact the shop",
    method: "post",
    path: () => "/v1/privacy/redact",
    body: { scope: "tenant" },
    namesTenant: true,
  },
];

type Credential = { label: string; apply: (r: request.Test) => request.Test };
const credentialsOf = (t: () => Seeded): Credential[] => [
  { label: "admin token", apply: (r) => r.set("Authorization", `Bearer ${t().token}`) },
  { label: "secret key", apply: (r) => r.set("X-VARAi-Key", t().secret.key) },
  {
    label: "publishable key",
    apply: (r) => r.set("X-VARAi-Key", t().publishable.key).set("Origin", "https://alpha.example"),
  },
];

function send(c: Case, target: Seeded, credential: Credential) {
  let r = request(h.app)[c.method](c.path(target));
  if (c.namesTenant) r = r.set("X-VARAi-Tenant", target.tenant.id);
  r = credential.apply(r);
  return c.body ? r.send(c.body) : r;
}

describe("tenant isolation matrix", () => {
  for (const c of cases) {
    for (const credential of credentialsOf(() => a)) {
      it(`refuses tenant A's ${credential.label} to ${c.name} of tenant B, and B is unchanged`, async () => {
        const before = await snapshotOfB();
        participantCalls.length = 0;
        const res = await send(c, b, credential);
        // Tokens get 404 (foreign ids are not confirmed); keys are not admin credentials at all (401/403).
        expect([401, 403, 404]).toContain(res.status);
        if (credential.label === "admin token") expect(res.status).toBe(404);
        expect(res.headers["content-type"]).toContain("application/problem+json");
        const text = res.text;
        for (const secretOfB of [b.email, b.publishable.apiKey.id, b.secret.apiKey.id, b.user.id, b.tenant.name]) {
          expect(text).not.toContain(secretOfB);
        }
        expect(participantCalls.filter((s) => s.tenantId === b.tenant.id)).toEqual([]);
        // The audit entry of the refused call (if any) lands in A's log, never in B's.
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(await snapshotOfB()).toEqual(before);
      });
    }
  }

  it("lets B's own admin do each of these (the matrix exercises real routes)", async () => {
    const ownCredential = credentialsOf(() => b)[0] as Credential;
    for (const c of cases) {
      const res = await send(c, b, ownCredential);
      expect(res.status, `${c.method} ${c.path(b)}`).toBeLessThan(300);
    }
    // The B key revoked by the last pass is not usable any more.
    const probe = await request(h.app)
      .get("/test/principal")
      .set("X-VARAi-Key", b.publishable.key)
      .set("Origin", "https://bravo.example");
    expect(probe.status).toBe(401);
  });
});
