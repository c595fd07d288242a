import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePorts } from "./ports.ts";
import { startTestGateway, type TestGateway } from "./test-helpers.ts";

/** `GET/PUT /v1/widget-settings` through the whole gateway, and what `/widget/config` then serves. */

const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };
const ORIGIN = "https://shop-ws.test";
let gateway: TestGateway;
let admin = "";
let viewer = "";
let pk = "";

const call: TestGateway["call"] = (...args) => gateway.call(...args);

const widgetConfig = () => call("GET", "/widget/config", undefined, undefined, { "x-varai-key": pk, origin: ORIGIN });

beforeAll(async () => {
  gateway = await startTestGateway({ VARAI_ADMIN_EMAIL: ADMIN.email, VARAI_ADMIN_PASSWORD: ADMIN.password });
  const root = (await call("POST", "/v1/auth/login", undefined, ADMIN)).body.accessToken;
  const tenant = await call("POST", "/v1/tenants", root, { name: "Settings shop", region: "us" });
  for (const role of ["tenant_admin", "viewer"] as const) {
    const email = `${role}@settings.test`;
    const password = `pw-${role}-long-enough-0001`;
    await call("POST", `/v1/tenants/${tenant.body.id}/users`, root, { email, role, password });
    const token = (await call("POST", "/v1/auth/login", undefined, { email, password })).body.accessToken;
    if (role === "viewer") viewer = token;
    else admin = token;
  }
  pk = (await call("POST", "/v1/api-keys", admin, { kind: "publishable", allowedOrigins: [ORIGIN] })).body.key;
}, 60_000);

afterAll(async () => {
  for (const m of gateway.modules) await m.stop?.();
  await new Promise((r) => gateway.server.close(r));
  await closePorts(gateway.deps);
  await gateway.remove();
});

describe("widget settings", () => {
  it("starts at version 0 with the defaults, the same as /widget/config", async () => {
    const got = await call("GET", "/v1/widget-settings", admin);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ version: 0, updatedAt: null, config: { theme: { primary: "#1f4fd1" } } });
    expect((await widgetConfig()).body).toEqual(got.body.config);
  });

  it("saves a new version that storefronts get at /widget/config, audited and listed", async () => {
    const saved = await call("PUT", "/v1/widget-settings", admin, {
      version: 0,
      config: { locale: "fr", theme: { primary: "#aa0055" }, features: { liveTryOn: false } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: 1, config: { locale: "fr", theme: { primary: "#aa0055" } } });
    const served = (await widgetConfig()).body;
    expect(served).toMatchObject({ locale: "fr", theme: { primary: "#aa0055" }, features: { liveTryOn: false } });
    expect(served.features.photoTryOn).toBe(true);

    const second = await call("PUT", "/v1/widget-settings", admin, { version: 1, config: { locale: "de" } });
    expect(second.body.version).toBe(2);
    const versions = await call("GET", "/v1/widget-settings/versions", admin);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const audit = await call("GET", "/v1/audit", admin);
    const entries = audit.body.items.filter((e: { target?: { type: string } }) => e.target?.type === "widget-settings");
    expect(entries.map((e: { target: { id: string } }) => e.target.id)).toEqual(["v2", "v1"]);
  });

  it("refuses a save from a stale version (409) and changes nothing", async () => {
    const before = (await call("GET", "/v1/widget-settings", admin)).body;
    const stale = await call("PUT", "/v1/widget-settings", admin, { version: 1, config: { locale: "en" } });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: "CONFLICT", currentVersion: before.version });
    expect((await call("GET", "/v1/widget-settings", admin)).body).toEqual(before);
  });

  it("refuses invalid values and unknown keys with the field's path, and changes nothing", async () => {
    const before = (await call("GET", "/v1/widget-settings", admin)).body;
    const css = await call("PUT", "/v1/widget-settings", admin, {
      version: before.version,
      config: { theme: { primary: "red;} body{display:none" } },
    });
    expect(css.status).toBe(400);
    expect(css.body.code).toBe("INVALID_INPUT");
    expect(css.body.issues[0].path).toBe("config.theme.primary");
    const typo = await call("PUT", "/v1/widget-settings", admin, {
      version: before.version,
      config: { theme: { primry: "#000" } },
    });
    expect(typo.status).toBe(400);
    expect(typo.body.issues).toEqual([{ path: "config.theme.primry", message: "unknown setting" }]);
    const shape = await call("PUT", "/v1/widget-settings", admin, { config: {} });
    expect(shape.status).toBe(400);
    expect((await call("GET", "/v1/widget-settings", admin)).body).toEqual(before);
  });

  it("is exported and erased with its tenant (privacy participant)", async () => {
    const participant = gateway.deps.privacy.participants().find((p) => p.name === "gateway.widget-settings");
    const tenantId = (await call("GET", "/v1/me", admin)).body.user.tenantId;
    const subject = { kind: "tenant" as const, tenantId };
    expect(await participant?.export({ kind: "shopper", tenantId, shopperId: "s1" })).toEqual([]);
    const exported = (await participant?.export(subject)) ?? [];
    expect(exported.length).toBeGreaterThanOrEqual(3); // the current document and two versions
    expect(await participant?.erase(subject)).toBe(exported.length);
    expect((await call("GET", "/v1/widget-settings", admin)).body.version).toBe(0);
    expect((await call("GET", "/v1/widget-settings/versions", admin)).body.items).toEqual([]);
  });

  it("lets a viewer read but not save", async () => {
    expect((await call("GET", "/v1/widget-settings", viewer)).status).toBe(200);
    const version = (await call("GET", "/v1/widget-settings", viewer)).body.version;
    const refused = await call("PUT", "/v1/widget-settings", viewer, { version, config: {} });
    expect(refused.status).toBe(403);
    expect((await call("GET", "/v1/widget-settings", viewer)).body.version).toBe(version);
  });
});
