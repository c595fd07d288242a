import { createHmac, randomBytes } from "node:crypto";
import { createEmbeddedStore } from "@varai/runtime";
import { SignJWT, UnsecuredJWT } from "jose";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AUTH_COLLECTIONS, type UserDoc } from "./collections.ts";
import { SESSION_CHECK_TTL_MS } from "./session-check.ts";
import { createHarness, type Harness, loginAs, seedTenant } from "./test-harness.ts";

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function meWith(token: string) {
  return request(h.app).get("/v1/me").set("Authorization", `Bearer ${token}`);
}

describe("login and /v1/me", () => {
  it("signs in with email and password and answers /v1/me with the user and tenant", async () => {
    const a = await seedTenant(h, "Acme");
    const res = await meWith(a.token);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: a.user.id, tenantId: a.tenant.id, role: "tenant_admin" });
    expect(res.body.tenant).toMatchObject({ id: a.tenant.id, region: "us" });
  });

  it("issues 15-minute HS256 access tokens with issuer, audience and the current kid", async () => {
    const { accessToken } = await loginAs(h.app, "root@varai.test", "root-password-123");
    const [header, payload] = accessToken
      .split(".")
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, "base64url").toString()));
    expect(header).toMatchObject({ alg: "HS256", kid: "k1" });
    expect(payload).toMatchObject({ iss: "varai", aud: "varai-api", role: "platform_admin" });
    expect(payload.exp - payload.iat).toBe(15 * 60);
  });

  it("refuses a wrong password and an unknown email with the same 401", async () => {
    await seedTenant(h, "Acme");
    const wrong = await request(h.app)
      .post("/v1/auth/login")
      .send({ email: "admin@acme.test", password: "nope-nope-nope" });
    const unknown = await request(h.app)
      .post("/v1/auth/login")
      .send({ email: "ghost@acme.test", password: "nope-nope-nope" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers["content-type"]).toContain("application/problem+json");
  });

  it("answers malformed login bodies with 400 INVALID_INPUT", async () => {
    const res = await request(h.app)
      .post("/v1/auth/login")
      .send({ email: "a@b.c", password: "x".repeat(5000) });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("INVALID_INPUT");
  });
});

describe("access token verification", () => {
  const claims = { tid: "ten_platform", role: "platform_admin", email: "root@varai.test" };

  it("refuses alg none, a wrong key, a wrong audience, an expired and a tampered token with 401", async () => {
    const { accessToken } = await loginAs(h.app, "root@varai.test", "root-password-123");
    expect((await meWith(accessToken)).status).toBe(200);

    const unsecured = new UnsecuredJWT(claims)
      .setSubject("usr_x")
      .setIssuer("varai")
      .setAudience("varai-api")
      .setIssuedAt()
      .setExpirationTime("10m")
      .encode();
    const sign = (key: Uint8Array, audience = "varai-api", kid = "k1") =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256", kid })
        .setSubject("usr_x")
        .setIssuer("varai")
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(key);
    const rightKey = new Uint8Array(Buffer.from(h.jwtSecret, "base64"));
    const wrongKey = await sign(new Uint8Array(randomBytes(32)));
    const wrongAudience = await sign(rightKey, "someone-else");
    const unknownKid = await sign(rightKey, "varai-api", "k9");
    const [header, payload, signature] = accessToken.split(".") as [string, string, string];
    const elevated = JSON.parse(Buffer.from(payload, "base64url").toString());
    const tampered = `${header}.${b64({ ...elevated, tid: "ten_other1" })}.${signature}`;
    // alg none in a header that otherwise names our kid, signature stripped.
    const noneWithKid = `${b64({ alg: "none", kid: "k1" })}.${payload}.`;
    // HS256 computed by hand over a header claiming another algorithm.
    const confusedHeader = b64({ alg: "HS512", kid: "k1" });
    const confused = `${confusedHeader}.${payload}.${createHmac("sha256", Buffer.from(h.jwtSecret, "base64")).update(`${confusedHeader}.${payload}`).digest("base64url")}`;

    for (const token of [unsecured, noneWithKid, wrongKey, wrongAudience, unknownKid, tampered, confused]) {
      const res = await meWith(token);
      expect(res.status, token).toBe(401);
      expect(res.body.code).toBe("UNAUTHENTICATED");
    }

    h.now.value = new Date(h.now.value.getTime() + 16 * 60 * 1000);
    expect((await meWith(accessToken)).status).toBe(401);
  });

  it("keeps verifying tokens of a retired kid until the key is removed", async () => {
    const oldSecret = h.jwtSecret;
    const { accessToken } = await loginAs(h.app, "root@varai.test", "root-password-123");
    await h.close();
    const newSecret = randomBytes(32).toString("base64");
    // Rotation: k2 signs, k1 still verifies. The next processes share the store (and the session).
    const store = createEmbeddedStore({ file: null });
    h = await createHarness({ jwtKeys: { keys: { k1: oldSecret }, current: "k1" } }, { store });
    const session = await loginAs(h.app, "root@varai.test", "root-password-123");
    await h.close();
    h = await createHarness({ jwtKeys: { keys: { k1: oldSecret, k2: newSecret }, current: "k2" } }, { store });
    expect((await meWith(session.accessToken)).status).toBe(200);
    // A validly signed token of a session this store never held (the first process's) is refused.
    expect((await meWith(accessToken)).status).toBe(401);
    const fresh = await loginAs(h.app, "root@varai.test", "root-password-123");
    expect(JSON.parse(Buffer.from(fresh.accessToken.split(".")[0] as string, "base64url").toString()).kid).toBe("k2");
    await h.close();
    // k1 removed: its tokens die.
    h = await createHarness({ jwtKeys: { keys: { k2: newSecret }, current: "k2" } }, { store });
    expect((await meWith(session.accessToken)).status).toBe(401);
    expect((await meWith(fresh.accessToken)).status).toBe(200);
    await store.close();
  });

  /** Our own token with some claims changed, signed again with the right key: only the claims are wrong. */
  async function resigned(token: string, change: (claims: Record<string, unknown>) => Record<string, unknown>) {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString());
    return new SignJWT(change(claims))
      .setProtectedHeader({ alg: "HS256", kid: "k1" })
      .sign(new Uint8Array(Buffer.from(h.jwtSecret, "base64")));
  }

  it("refuses a correctly signed token naming an unknown role with 401, not 500", async () => {
    const { accessToken } = await loginAs(h.app, "root@varai.test", "root-password-123");
    for (const role of ["owner", 42, null, "__proto__"]) {
      const res = await meWith(await resigned(accessToken, (c) => ({ ...c, role })));
      expect(res.status, String(role)).toBe(401);
      expect(res.body.code).toBe("UNAUTHENTICATED");
    }
  });

  it("refuses a token whose lifetime is over the maximum, or issued in the future beyond the clock skew", async () => {
    const { accessToken } = await loginAs(h.app, "root@varai.test", "root-password-123");
    const now = Math.floor(h.now.value.getTime() / 1000);
    const longLived = await resigned(accessToken, (c) => ({ ...c, iat: now, exp: now + 15 * 60 + 1 }));
    const yearLong = await resigned(accessToken, (c) => ({ ...c, iat: now, exp: now + 365 * 24 * 3600 }));
    const future = await resigned(accessToken, (c) => ({ ...c, iat: now + 60, exp: now + 60 + 15 * 60 }));
    for (const token of [longLived, yearLong, future]) {
      const res = await meWith(token);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("UNAUTHENTICATED");
    }
    // Within the skew a clock a little ahead of ours is fine, as is a token of exactly the lifetime.
    const slightlyAhead = await resigned(accessToken, (c) => ({ ...c, iat: now + 3, exp: now + 3 + 15 * 60 }));
    expect((await meWith(slightlyAhead)).status).toBe(200);
  });

  it("answers a malformed Authorization header with 401, not 500", async () => {
    for (const value of ["Bearer", "Basic abc", "Bearer a.b", `Bearer ${"x".repeat(10)}`]) {
      expect((await request(h.app).get("/v1/me").set("Authorization", value)).status).toBe(401);
    }
  });
});

describe("refresh tokens", () => {
  it("rotates on use: the new token works, the old one no longer does", async () => {
    const first = await loginAs(h.app, "root@varai.test", "root-password-123");
    const second = await request(h.app).post("/v1/auth/refresh").send({ refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await meWith(second.body.accessToken)).status).toBe(200);
  });

  it("revokes the whole family when a rotated refresh token is reused", async () => {
    const first = await loginAs(h.app, "root@varai.test", "root-password-123");
    const second = await request(h.app).post("/v1/auth/refresh").send({ refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    // The thief (or the user) replays the first token.
    const replay = await request(h.app).post("/v1/auth/refresh").send({ refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    // ...and the legitimately rotated token of the same family is dead too.
    const afterReuse = await request(h.app).post("/v1/auth/refresh").send({ refreshToken: second.body.refreshToken });
    expect(afterReuse.status).toBe(401);
    // Another session (another family) is untouched.
    const other = await loginAs(h.app, "root@varai.test", "root-password-123");
    expect((await request(h.app).post("/v1/auth/refresh").send({ refreshToken: other.refreshToken })).status).toBe(200);
  });

  it("lets only one of two concurrent uses of a refresh token win", async () => {
    const first = await loginAs(h.app, "root@varai.test", "root-password-123");
    const results = await Promise.all([
      request(h.app).post("/v1/auth/refresh").send({ refreshToken: first.refreshToken }),
      request(h.app).post("/v1/auth/refresh").send({ refreshToken: first.refreshToken }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it("refuses an expired, a forged and a malformed refresh token with 401", async () => {
    const first = await loginAs(h.app, "root@varai.test", "root-password-123");
    const forged = `rt_ten_platform.${randomBytes(32).toString("base64url")}`;
    expect((await request(h.app).post("/v1/auth/refresh").send({ refreshToken: forged })).status).toBe(401);
    expect((await request(h.app).post("/v1/auth/refresh").send({ refreshToken: "garbage" })).status).toBe(401);
    h.now.value = new Date(h.now.value.getTime() + 31 * 24 * 3600 * 1000);
    expect((await request(h.app).post("/v1/auth/refresh").send({ refreshToken: first.refreshToken })).status).toBe(401);
  });

  it("ends the session family on logout", async () => {
    const first = await loginAs(h.app, "root@varai.test", "root-password-123");
    expect((await request(h.app).post("/v1/auth/logout").send({ refreshToken: first.refreshToken })).status).toBe(204);
    expect((await request(h.app).post("/v1/auth/refresh").send({ refreshToken: first.refreshToken })).status).toBe(401);
  });
});

describe("access tokens end with their session and their user", () => {
  const later = (ms: number) => {
    h.now.value = new Date(h.now.value.getTime() + ms);
  };
  const users = () => h.deps.store.tenantCollection<UserDoc>(AUTH_COLLECTIONS.users);

  it("refuses the access token once its session is logged out", async () => {
    const session = await loginAs(h.app, "root@varai.test", "root-password-123");
    expect((await meWith(session.accessToken)).status).toBe(200);
    expect((await request(h.app).post("/v1/auth/logout").send({ refreshToken: session.refreshToken })).status).toBe(
      204,
    );
    const res = await meWith(session.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("UNAUTHENTICATED");
    // Another session of the same user lives on.
    const other = await loginAs(h.app, "root@varai.test", "root-password-123");
    expect((await meWith(other.accessToken)).status).toBe(200);
  });

  it("refuses every access token of a family revoked by refresh token reuse", async () => {
    const first = await loginAs(h.app, "root@varai.test", "root-password-123");
    const second = await request(h.app).post("/v1/auth/refresh").send({ refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    // The rotation itself does not end the session: both access tokens of the family work.
    expect((await meWith(first.accessToken)).status).toBe(200);
    expect((await meWith(second.body.accessToken)).status).toBe(200);
    expect((await request(h.app).post("/v1/auth/refresh").send({ refreshToken: first.refreshToken })).status).toBe(401);
    expect((await meWith(first.accessToken)).status).toBe(401);
    expect((await meWith(second.body.accessToken)).status).toBe(401);
  });

  it("refuses the access token of a deleted or disabled user within the session check bound", async () => {
    const a = await seedTenant(h, "Acme");
    const staff = await h.auth.createUser({
      tenantId: a.tenant.id,
      email: "staff@acme.test",
      role: "tenant_staff",
      password: "staff-password-123",
    });
    const staffSession = await loginAs(h.app, "staff@acme.test", "staff-password-123");
    expect((await meWith(a.token)).status).toBe(200);
    expect((await meWith(staffSession.accessToken)).status).toBe(200);
    await users().deleteOne(a.tenant.id, { id: a.user.id });
    await users().updateOne(a.tenant.id, { id: staff.user.id }, { $set: { status: "disabled" } });
    later(SESSION_CHECK_TTL_MS);
    expect((await meWith(a.token)).status).toBe(401);
    expect((await meWith(staffSession.accessToken)).status).toBe(401);
  });

  it("applies a changed role within the session check bound, not at the token's expiry", async () => {
    const a = await seedTenant(h, "Acme");
    const createKey = () =>
      request(h.app)
        .post("/v1/api-keys")
        .set("Authorization", `Bearer ${a.token}`)
        .send({ kind: "secret", allowedOrigins: [] });
    expect((await createKey()).status).toBe(201);
    await users().updateOne(a.tenant.id, { id: a.user.id }, { $set: { role: "viewer" } });
    later(SESSION_CHECK_TTL_MS);
    const me = await meWith(a.token);
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe("viewer");
    expect((await createKey()).status).toBe(403);
  });

  it("has a session check bound of seconds, and refuses one of minutes", async () => {
    expect(SESSION_CHECK_TTL_MS).toBeLessThanOrEqual(10_000);
    await expect(createHarness({ sessionCheckTtlMs: 5 * 60_000 })).rejects.toMatchObject({ code: "INVALID_CONFIG" });
  });
});

describe("bootstrap", () => {
  it("generates a platform admin password once when none is configured", async () => {
    const g = await createHarness({ adminPassword: undefined as never, adminEmail: "boss@varai.test" });
    try {
      const generated = g.bootstrapped.generatedPassword;
      expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
      await loginAs(g.app, "boss@varai.test", generated as string);
      // A store that has the admin already (a second start) returns no password again.
      const again = await g.auth.bootstrap();
      expect(again).toEqual({ adminEmail: "boss@varai.test", generatedPassword: null });
      expect(g.logs.join("\n")).not.toContain(generated);
    } finally {
      await g.close();
    }
  });
});
