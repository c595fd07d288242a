import { randomBytes } from "node:crypto";
import { signInternalCall } from "@varai/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTestGateway, stopTestGateway, type TestGateway } from "./test-helpers.ts";
import { type ServiceProcess, startServiceProcess } from "./test-service-process.ts";

/**
 * Tenant-region routing: two ml-datadriven-recos processes (`VARAI_REGION=us` and `eu`, each
 * its own process as `pnpm --filter @varai/recommendations start` runs it) behind a gateway with
 * RECS_URL_US and RECS_URL_EU. Each tenant's recommendations come from its region's process, and
 * a region that is down is refused, never served by the other.
 */

const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };
const ORIGIN = "https://shop-regions.test";
const INTERNAL_KEY = randomBytes(32).toString("base64");
const HASH_KEY = randomBytes(32).toString("base64");

let gateway: TestGateway;
const recs: Partial<Record<"us" | "eu", ServiceProcess>> = {};
const ports = { us: 0, eu: 0 };
const tenants: Record<"us" | "eu", { id: string; pk: string; token: string }> = {
  us: { id: "", pk: "", token: "" },
  eu: { id: "", pk: "", token: "" },
};

const startRecs = async (region: "us" | "eu") => {
  recs[region] = await startServiceProcess("recommendations", {
    PORT: String(ports[region]),
    VARAI_REGION: region,
    VARAI_INTERNAL_KEY: INTERNAL_KEY,
    VARAI_HASH_KEY: HASH_KEY,
    // One store for the test (the embedded SQLite file, shared by processes); in production each
    // region's deployment has its own (ops/deploy/cloudrun).
    DATA_DIR: gateway.dataDir,
    LOG_LEVEL: "info",
  });
};

/** How many predict calls a recommendation process has served, from its own /metrics. */
async function predictCalls(region: "us" | "eu"): Promise<number> {
  const text = await (await fetch(`${recs[region]!.base}/metrics`)).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith("varai_http_requests_total{") && l.includes("predict") && l.includes('status="200"'));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

/** How many privacy calls (export or erase) a recommendation process has served. */
async function privacyCalls(region: "us" | "eu"): Promise<number> {
  const text = await (await fetch(`${recs[region]!.base}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith("varai_http_requests_total{") && l.includes('route="/internal/privacy/:action"'))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
}

const recommend = (region: "us" | "eu") =>
  fetch(`${gateway.base}/v1/recommendations`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-varai-key": tenants[region].pk, origin: ORIGIN },
    body: JSON.stringify({ faceShape: "oval", limit: 3 }),
  });

beforeAll(async () => {
  ports.us = await freePort();
  ports.eu = await freePort();
  gateway = await startTestGateway({
    VARAI_ADMIN_EMAIL: ADMIN.email,
    VARAI_ADMIN_PASSWORD: ADMIN.password,
    VARAI_HASH_KEY: HASH_KEY,
    VARAI_INTERNAL_KEY: INTERNAL_KEY,
    RECS_URL_US: `http://127.0.0.1:${ports.us}`,
    RECS_URL_EU: `http://127.0.0.1:${ports.eu}`,
  });
  await Promise.all([startRecs("us"), startRecs("eu")]);
  const root = (await gateway.call("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  for (const region of ["us", "eu"] as const) {
    const tenant = await gateway.call("POST", "/v1/tenants", root, { name: `Shop ${region}`, region });
    expect(tenant.status).toBe(201);
    const owner = { email: `owner@${region}.regions.test`, password: `pw-owner-${region}-long-enough-01` };
    await gateway.call("POST", `/v1/tenants/${tenant.body.id}/users`, root, { ...owner, role: "tenant_admin" });
    const token = (await gateway.call("POST", "/v1/auth/login", undefined, owner)).body.accessToken;
    const pk = (await gateway.call("POST", "/v1/api-keys", token, { kind: "publishable", allowedOrigins: [ORIGIN] }))
      .body.key;
    tenants[region] = { id: tenant.body.id, pk, token };
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([recs.us?.stop(), recs.eu?.stop()]);
  if (gateway) await stopTestGateway(gateway);
});

describe("tenant-region routing of recommendations", () => {
  it("serves the US tenant from the US process and the EU tenant from the EU process", async () => {
    const before = { us: await predictCalls("us"), eu: await predictCalls("eu") };
    const us = await recommend("us");
    expect(us.status).toBe(200);
    expect(us.headers.get("x-varai-region")).toBe("us");
    expect(await predictCalls("us")).toBe(before.us + 1);
    expect(await predictCalls("eu")).toBe(before.eu);

    const eu = await recommend("eu");
    expect(eu.status).toBe(200);
    expect(eu.headers.get("x-varai-region")).toBe("eu");
    expect(await predictCalls("eu")).toBe(before.eu + 1);
    expect(await predictCalls("us")).toBe(before.us + 1);
    expect(await eu.json()).toMatchObject({ id: expect.any(String), items: expect.any(Array) });
  });

  it("forwards the rules routes to the tenant's region, with the principal's permissions checked there", async () => {
    const rules = await gateway.call("GET", "/v1/recommendations/rules", tenants.eu.token);
    expect(rules.status).toBe(200);
    expect(rules.body).toMatchObject({ version: expect.any(Number) });
    const anonymous = await gateway.call("GET", "/v1/recommendations/rules");
    expect(anonymous.status).toBe(401);
  });

  it("refuses an EU tenant while the EU process is down, and never falls back to the US one", async () => {
    const usBefore = await predictCalls("us");
    await recs.eu!.stop();
    const refused = await recommend("eu");
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", service: "recommendations (eu)" });
    expect(await predictCalls("us")).toBe(usBefore);
    // The US tenant is still served.
    expect((await recommend("us")).status).toBe(200);
    await startRecs("eu");
    expect((await recommend("eu")).status).toBe(200);
  });

  it("the recommendation process trusts only the gateway's signature", async () => {
    const base = recs.us!.base;
    const path = "/v1/models/recommendations:predict";
    const body = JSON.stringify({ instances: [{ faceShape: "oval" }] });
    const principal = { kind: "storefront" as const, tenantId: tenants.us.id, keyId: "k", origin: null };
    const post = (headers: Record<string, string>) =>
      fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

    expect((await post({})).status).toBe(401);
    const forged = signInternalCall(randomBytes(32), {
      method: "POST",
      path,
      requestId: "r1",
      principal,
      region: "us",
    });
    expect((await post({ ...forged, "x-request-id": "r1" })).status).toBe(401);
    const key = Buffer.from(INTERNAL_KEY, "base64");
    const good = signInternalCall(key, { method: "POST", path, requestId: "r2", principal, region: "us" });
    expect((await post({ ...good, "x-request-id": "r2" })).status).toBe(200);
    // The same signature for another request id (a replay onto another call) is refused.
    expect((await post({ ...good, "x-request-id": "r3" })).status).toBe(401);
    // A tenant of another region, even correctly signed, is refused by the US process.
    const eu = signInternalCall(key, { method: "POST", path, requestId: "r4", principal, region: "eu" });
    const wrongRegion = await post({ ...eu, "x-request-id": "r4" });
    expect(wrongRegion.status).toBe(403);
  });

  it("exports and erases a shopper's recommendation history in the tenant's region's store only", async () => {
    const shopperId = "shopper-eu-privacy-1";
    const given = await fetch(`${gateway.base}/v1/recommendations`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-varai-key": tenants.eu.pk, origin: ORIGIN },
      body: JSON.stringify({ faceShape: "oval", shopperId, consent: true, limit: 3 }),
    });
    expect(given.status).toBe(200);
    const { id } = (await given.json()) as { id: string };
    const usBefore = await privacyCalls("us");
    const euBefore = await privacyCalls("eu");

    const exported = await gateway.call("POST", "/v1/privacy/export", tenants.eu.token, { shopperId });
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).toContain(id);
    const redacted = await gateway.call("POST", "/v1/privacy/redact", tenants.eu.token, { shopperId });
    expect(redacted.status).toBe(200);
    const after = await gateway.call("POST", "/v1/privacy/export", tenants.eu.token, { shopperId });
    expect(after.status).toBe(200);
    expect(JSON.stringify(after.body)).not.toContain(id);
    // The EU process did the work; the US one was never asked.
    expect(await privacyCalls("eu")).toBeGreaterThan(euBefore);
    expect(await privacyCalls("us")).toBe(usBefore);

    // With its region down, an erasure is reported incomplete (to be retried), never done.
    await recs.eu!.stop();
    const refused = await gateway.call("POST", "/v1/privacy/redact", tenants.eu.token, { shopperId });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: "UPSTREAM_UNAVAILABLE" });
    await startRecs("eu");
  });

  it("refuses a privacy call that is not the gateway's, or names another tenant or region", async () => {
    const base = recs.eu!.base;
    const path = "/internal/privacy/erase";
    const key = Buffer.from(INTERNAL_KEY, "base64");
    const subject = { kind: "tenant", tenantId: tenants.eu.id };
    const post = (principal: Parameters<typeof signInternalCall>[1]["principal"], region: string, requestId: string) =>
      fetch(`${base}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-request-id": requestId,
          ...signInternalCall(key, { method: "POST", path, requestId, principal, region }),
        },
        body: JSON.stringify({ subject }),
      });
    expect((await fetch(`${base}${path}`, { method: "POST", body: "{}" })).status).toBe(401);
    const storefront = { kind: "storefront" as const, tenantId: tenants.eu.id, keyId: "k", origin: null };
    expect((await post(storefront, "eu", "p1")).status).toBe(401);
    const platform = { kind: "platform" as const, tenantId: tenants.us.id, source: "privacy" };
    expect((await post(platform, "eu", "p2")).status).toBe(403);
    expect((await post({ ...platform, tenantId: tenants.eu.id }, "us", "p3")).status).toBe(403);
    // Nothing of the tenant was erased by the refused calls: its rules are still there.
    expect((await gateway.call("GET", "/v1/recommendations/rules", tenants.eu.token)).status).toBe(200);
  });

  it("answers the TF Serving model status and refuses an unknown model", async () => {
    const status = await fetch(`${recs.us!.base}/v1/models/recommendations`);
    expect(await status.json()).toEqual({
      model_version_status: [{ version: "1", state: "AVAILABLE", status: { error_code: "OK", error_message: "" } }],
    });
    const unknown = await fetch(`${recs.us!.base}/v1/models/resnet`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: expect.stringContaining("Servable not found") });
  });
});
