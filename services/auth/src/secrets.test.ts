import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, loginAs, seedTenant } from "./test-harness.ts";

let h: Harness;
const secrets: string[] = [];
const readBodies: string[] = [];

beforeAll(async () => {
  // No configured admin password: the generated one is a secret too.
  h = await createHarness({ adminPassword: undefined as never });
  const generated = h.bootstrapped.generatedPassword as string;
  secrets.push(generated, h.jwtSecret);
  const admin = await loginAs(h.app, "root@varai.test", generated);
  secrets.push(admin.accessToken, admin.refreshToken);

  const a = await seedTenant(h, "Alpha");
  secrets.push(a.password, a.token, a.session.refreshToken, a.publishable.key, a.secret.key);

  const staff = await request(h.app)
    .post(`/v1/tenants/${a.tenant.id}/users`)
    .set("Authorization", `Bearer ${a.token}`)
    .send({ email: "staff@alpha.test", role: "tenant_staff" });
  secrets.push(staff.body.generatedPassword);
  const key = await request(h.app)
    .post("/v1/api-keys")
    .set("Authorization", `Bearer ${a.token}`)
    .send({ kind: "secret", allowedOrigins: [] });
  secrets.push(key.body.key);

  // Failures and misuse are where secrets usually leak: wrong passwords, bad tokens, reused refresh tokens.
  await request(h.app)
    .post("/v1/auth/login")
    .send({ email: a.email, password: `${a.password}-typo` });
  secrets.push(`${a.password}-typo`);
  const rotated = await request(h.app).post("/v1/auth/refresh").send({ refreshToken: a.session.refreshToken });
  secrets.push(rotated.body.accessToken, rotated.body.refreshToken);
  await request(h.app).post("/v1/auth/refresh").send({ refreshToken: a.session.refreshToken });
  await request(h.app).get("/v1/me").set("Authorization", `Bearer ${a.token}x`);
  await request(h.app)
    .get("/test/principal")
    .set("X-VARAi-Key", a.publishable.key)
    .set("Origin", "https://evil.example");
  await request(h.app).get("/test/principal").set("X-VARAi-Key", a.secret.key).set("Origin", "https://alpha.example");
  await request(h.app).get("/test/principal").set("X-VARAi-Key", a.secret.key);

  // Everything an admin can read after creation, in a new session (the reuse above ended the first).
  const reader = await loginAs(h.app, a.email, a.password);
  secrets.push(reader.accessToken, reader.refreshToken);
  for (const path of ["/v1/me", `/v1/tenants/${a.tenant.id}`, "/v1/api-keys", "/v1/audit?limit=200"]) {
    const res = await request(h.app).get(path).set("Authorization", `Bearer ${reader.accessToken}`);
    expect(res.status, path).toBe(200);
    readBodies.push(res.text);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe("secrets stay out of logs and later responses", () => {
  it("collected the secrets and logs it claims to check", () => {
    expect(secrets.every((s) => typeof s === "string" && s.length >= 12)).toBe(true);
    expect(secrets.length).toBe(16);
    // Requests were logged (with their headers) and auth logged its own events.
    expect(h.logs.some((line) => line.includes('"msg":"request"'))).toBe(true);
    expect(h.logs.some((line) => line.includes("refresh token reuse"))).toBe(true);
    // The headers that carried tokens and keys reached the logger and were redacted there.
    expect(h.logs.some((line) => line.includes('"authorization":"[redacted]"'))).toBe(true);
    expect(h.logs.some((line) => line.includes('"x-varai-key":"[redacted]"'))).toBe(true);
  });

  it("writes no password, token, API key or signing key to the logs", () => {
    const logs = h.logs.join("\n");
    for (const secret of secrets) expect(logs).not.toContain(secret);
    // Nor the tail of a JWT or key (a logger that truncates would still leak a usable fragment).
    for (const secret of secrets) expect(logs).not.toContain(secret.slice(-16));
  });

  it("returns no secret in any response read after creation", () => {
    const bodies = readBodies.join("\n");
    for (const secret of secrets) expect(bodies).not.toContain(secret);
    expect(bodies).not.toContain("passwordHash");
    expect(bodies).not.toMatch(/scrypt\$/);
    expect(bodies).not.toContain('"hash"');
  });
});
