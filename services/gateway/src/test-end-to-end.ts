import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { type PlatformSimulator, startPlatformSimulator } from "@varai/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

/**
 * Tests only: the gateway end to end with every service, over a real runtime and the platform
 * simulator: what a merchant and a shopper would do, across tenants. `e2e.test.ts` runs it on
 * the default install (one process), `e2e-processes.test.ts` on the gateway and the services as
 * separate processes on one Redis.
 */

/** A running deployment: the gateway's base URL and the DATA_DIR its store and blobs live in. */
export interface E2eDeployment {
  base: string;
  dataDir: string;
  /** Stops every process and service and closes the stores (DATA_DIR stays, to be scanned). */
  stop(): Promise<void>;
  /** Deletes DATA_DIR. */
  remove(): Promise<void>;
}

/** Starts a deployment with `env` on top of its own configuration. */
export type StartE2eDeployment = (env: Record<string, string>) => Promise<E2eDeployment>;

const ADMIN = { email: "root@varai.test", password: "root-password-for-tests-0001" };
const ORIGIN_A = "https://shop-a.test";
const ORIGIN_B = "https://shop-b.test";
const SHOPPER = "shopper-e2e-7f3a9c";
const PHOTO = path.resolve(import.meta.dirname, "../../../test-artifacts/photos/astronaut.png");

interface Tenant {
  id: string;
  token: string;
  pk: string;
  origin: string;
  connectionId?: string;
  productId?: string;
  faceAnalysisId?: string;
}

let dataDir = "";
let deployment: E2eDeployment | undefined;
let base = "";
let sim: PlatformSimulator;
const A = {} as Tenant;
const B = {} as Tenant;

async function call(
  method: string,
  url: string,
  options: {
    token?: string;
    key?: string;
    origin?: string;
    body?: unknown;
    form?: FormData;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) headers["x-varai-key"] = options.key;
  if (options.origin) headers.origin = options.origin;
  let body: FormData | string | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${base}${url}`, { method, headers, body });
  const type = response.headers.get("content-type") ?? "";
  const parsed = type.includes("json") ? await response.json() : await response.arrayBuffer();
  return { status: response.status, body: parsed, headers: response.headers };
}

async function photoForm(fields: Record<string, string>): Promise<FormData> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("photo", new Blob([await readFile(PHOTO)], { type: "image/png" }), "astronaut.png");
  return form;
}

async function provision(t: Tenant, name: string, origin: string, adminToken: string): Promise<void> {
  const created = await call("POST", "/v1/tenants", { token: adminToken, body: { name, region: "us" } });
  expect(created.status).toBe(201);
  t.id = created.body.id ?? created.body.tenant?.id;
  const email = `admin@${name.toLowerCase().replaceAll(" ", "")}.test`;
  const password = `pw-${name}-long-enough-0001`;
  const user = await call("POST", `/v1/tenants/${t.id}/users`, {
    token: adminToken,
    body: { email, role: "tenant_admin", password },
  });
  expect(user.status).toBe(201);
  const login = await call("POST", "/v1/auth/login", { body: { email, password } });
  expect(login.status).toBe(200);
  t.token = login.body.accessToken;
  const key = await call("POST", "/v1/api-keys", {
    token: t.token,
    body: { kind: "publishable", allowedOrigins: [origin] },
  });
  expect(key.status).toBe(201);
  t.pk = key.body.key;
  t.origin = origin;
}

/** The suite's two merchants once its set-up ran (tokens, B's WooCommerce connection), for extra tests. */
export function e2eTenants(): { A: Readonly<Tenant>; B: Readonly<Tenant> } {
  return { A, B };
}

/** Registers the suite (its hooks and tests) on the deployment `start` makes. */
export function describeGatewayE2e(start: StartE2eDeployment): void {
  beforeAll(async () => {
    deployment = await start({
      VARAI_ADMIN_EMAIL: ADMIN.email,
      VARAI_ADMIN_PASSWORD: ADMIN.password,
      SHOPIFY_API_SECRET: "shopify-app-secret-for-e2e",
      // The platform simulator listens on http://127.0.0.1.
      VARAI_ALLOW_PRIVATE_UPSTREAMS: "true",
    });
    ({ base, dataDir } = deployment);
    sim = await startPlatformSimulator({ woocommerce: { products: 6 }, shopify: { products: 4 } });

    const root = await call("POST", "/v1/auth/login", { body: ADMIN });
    expect(root.status).toBe(200);
    await provision(A, "Shop A", ORIGIN_A, root.body.accessToken);
    await provision(B, "Shop B", ORIGIN_B, root.body.accessToken);

    // B connects a (simulated) WooCommerce store; its catalog syncs in.
    const connection = await call("POST", "/v1/connections", {
      token: B.token,
      body: {
        platform: "woocommerce",
        name: "B's Woo",
        storeUrl: "https://shop-b.test",
        apiBaseUrl: sim.baseUrl("woocommerce"),
        credentials: { consumerKey: sim.woocommerce.consumerKey, consumerSecret: sim.woocommerce.consumerSecret },
        webhookSecret: sim.woocommerce.webhookSecret,
      },
    });
    expect(connection.status).toBe(201);
    B.connectionId = connection.body.id;
    await vi.waitFor(
      async () => {
        const list = await call("GET", "/v1/products", { token: B.token });
        expect(list.body.items?.length).toBe(6);
      },
      { timeout: 20_000, interval: 200 },
    );
    B.productId = (await call("GET", "/v1/products", { token: B.token })).body.items[0].id;

    // A connects a (simulated) Shopify store, so A has frames to recommend.
    const connectionA = await call("POST", "/v1/connections", {
      token: A.token,
      body: {
        platform: "shopify",
        name: "A's Shopify",
        shopDomain: sim.shopify.shopDomain,
        apiBaseUrl: sim.baseUrl("shopify"),
        credentials: { accessToken: sim.shopify.accessToken },
      },
    });
    expect(connectionA.status).toBe(201);
    await vi.waitFor(
      async () => {
        const list = await call("GET", "/v1/products", { token: A.token });
        expect(list.body.items?.length).toBe(4);
      },
      { timeout: 20_000, interval: 200 },
    );

    // B's shopper analyses a face with consent, so B holds a face analysis id.
    const analysis = await call("POST", "/v1/face-analysis", {
      key: B.pk,
      origin: ORIGIN_B,
      form: await photoForm({ consent: "true", shopperId: "shopper-of-b" }),
    });
    expect(analysis.status).toBe(200);
    B.faceAnalysisId = analysis.body.id;
  }, 120_000);

  afterAll(async () => {
    await deployment?.stop();
    await sim?.close();
    await deployment?.remove();
  });

  describe("tenant isolation across every service", () => {
    const asA = () => ({ token: A.token });

    it("answers 404 to tenant A for each of tenant B's resources, by id", async () => {
      const probes: Array<[string, string, unknown?]> = [
        ["GET", `/v1/tenants/${B.id}`],
        ["POST", `/v1/tenants/${B.id}/users`, { email: "intruder@a.test", role: "viewer", password: "x".repeat(20) }],
        ["GET", `/v1/connections/${B.connectionId}`],
        ["POST", `/v1/connections/${B.connectionId}/sync`, { mode: "full" }],
        ["GET", `/v1/products/${B.productId}`],
        ["PATCH", `/v1/products/${B.productId}/frame`, { shape: "round" }],
        ["POST", `/v1/products/${B.productId}/try-on-asset`],
      ];
      for (const [method, url, body] of probes) {
        const res = await call(method, url, { ...asA(), body });
        expect([403, 404], `${method} ${url} -> ${res.status}`).toContain(res.status);
        expect(JSON.stringify(res.body)).not.toContain(B.id);
      }
    });

    it("lists only A's own products", async () => {
      const products = await call("GET", "/v1/products", asA());
      expect(products.status).toBe(200);
      expect(products.body.items).toHaveLength(4);
      expect(products.body.items.map((p: { tenantId: string }) => p.tenantId)).toEqual(Array(4).fill(A.id));
    });

    it("refuses A's admin token naming B in X-VARAi-Tenant", async () => {
      const res = await call("GET", "/v1/products", { ...asA(), headers: { "x-varai-tenant": B.id } });
      expect(res.status).toBe(404);
    });

    it("refuses A's storefront key on B's products and B's face analyses", async () => {
      const tryOnB = await call("POST", "/v1/try-on", {
        key: A.pk,
        origin: ORIGIN_A,
        headers: { accept: "application/json" },
        form: await photoForm({ productId: B.productId! }),
      });
      expect(tryOnB.status).toBe(404);

      const byAnalysis = new FormData();
      byAnalysis.append("productId", B.productId!);
      byAnalysis.append("faceAnalysisId", B.faceAnalysisId!);
      const reuse = await call("POST", "/v1/try-on", { key: A.pk, origin: ORIGIN_A, form: byAnalysis });
      expect(reuse.status).toBe(404);

      const recs = await call("POST", "/v1/recommendations", {
        key: A.pk,
        origin: ORIGIN_A,
        body: { faceAnalysisId: B.faceAnalysisId },
      });
      expect(recs.status).toBe(404);
    });

    it("leaves B's data unchanged after A's attempts", async () => {
      const product = await call("GET", `/v1/products/${B.productId}`, { token: B.token });
      expect(product.status).toBe(200);
      expect(product.body.frame?.shape).not.toBe("round");
      const users = await call("GET", "/v1/me", { token: B.token });
      expect(users.body.user?.tenantId ?? users.body.tenantId).toBe(B.id);
    });
  });

  describe("simulated stores outside the default install (DEMO off)", () => {
    it("offers none, and refuses to connect one with a 501 problem", async () => {
      const capabilities = await call("GET", "/v1/demo/capabilities", { token: A.token });
      expect(capabilities).toMatchObject({ status: 200, body: { simulatedStores: { platforms: [] } } });
      const res = await call("POST", "/v1/demo/simulated-stores", {
        token: A.token,
        body: { platform: "woocommerce" },
      });
      expect(res.status).toBe(501);
      expect(res.body).toMatchObject({ code: "UNSUPPORTED", detail: expect.stringContaining("DEMO") });
      expect((await call("POST", "/v1/demo/simulated-stores", { body: { platform: "woocommerce" } })).status).toBe(401);
    });
  });

  describe("storefront calls from the merchant's own domain", () => {
    it("answers the CORS preflight of a storefront route for any origin, without credentials", async () => {
      const res = await fetch(`${base}/v1/recommendations`, {
        method: "OPTIONS",
        headers: {
          origin: ORIGIN_A,
          "access-control-request-method": "POST",
          "access-control-request-headers": "x-varai-key,content-type",
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN_A);
      expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-varai-key");
    });

    it("accepts a sendBeacon flush: text/plain body, publishable key in ?key=", async () => {
      const body = JSON.stringify({
        events: [
          {
            id: "evt-beacon-0001",
            type: "widget_shown",
            sessionId: "sess-beacon",
            occurredAt: new Date().toISOString(),
          },
        ],
      });
      const ok = await fetch(`${base}/v1/events?key=${A.pk}`, {
        method: "POST",
        headers: { "content-type": "text/plain;charset=UTF-8", origin: ORIGIN_A },
        body,
      });
      expect(ok.status).toBe(202);
      expect(((await ok.json()) as { accepted: number }).accepted).toBe(1);

      const foreign = await fetch(`${base}/v1/events?key=${A.pk}`, {
        method: "POST",
        headers: { "content-type": "text/plain", origin: ORIGIN_B },
        body,
      });
      expect(foreign.status).toBe(403);
    });

    it("takes ?key= on the events route only", async () => {
      const res = await fetch(`${base}/v1/recommendations?key=${A.pk}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN_A },
        body: JSON.stringify({ faceShape: "oval" }),
      });
      expect(res.status).toBe(401);
    });
  });

  describe("privacy redaction across every service", () => {
    it("erases everything about a shopper: a scan of every collection and blob on disk finds nothing", async () => {
      const analysis = await call("POST", "/v1/face-analysis", {
        key: A.pk,
        origin: ORIGIN_A,
        form: await photoForm({ consent: "true", shopperId: SHOPPER }),
      });
      expect(analysis.status).toBe(200);
      expect(analysis.body.id).toBeTruthy();

      const now = new Date().toISOString();
      const events = await call("POST", "/v1/events", {
        key: A.pk,
        origin: ORIGIN_A,
        body: {
          consent: true,
          events: [
            { id: "evt-e2e-0001", type: "try_on_started", sessionId: "sess-e2e", shopperId: SHOPPER, occurredAt: now },
            { id: "evt-e2e-0002", type: "add_to_cart", sessionId: "sess-e2e", shopperId: SHOPPER, occurredAt: now },
          ],
        },
      });
      expect(events.status).toBe(202);
      expect(events.body.accepted).toBe(2);

      const recs = await call("POST", "/v1/recommendations", {
        key: A.pk,
        origin: ORIGIN_A,
        body: { faceAnalysisId: analysis.body.id, shopperId: SHOPPER, consent: true },
      });
      expect(recs.status).toBe(200);
      expect(recs.body.items.length).toBeGreaterThan(0);

      // The shopper's data is really there before the redaction (the scan below can fail).
      await expect
        .poll(async () => (await scanDataDir(SHOPPER)).some((file) => path.basename(file).startsWith("varai.sqlite")), {
          timeout: 10_000,
        })
        .toBe(true);
      const exported = await call("POST", "/v1/privacy/export", { token: A.token, body: { shopperId: SHOPPER } });
      expect(exported.status).toBe(200);
      expect(JSON.stringify(exported.body)).toContain(SHOPPER);

      const redacted = await call("POST", "/v1/privacy/redact", { token: A.token, body: { shopperId: SHOPPER } });
      expect(redacted.status).toBe(200);
      // Gone from the bytes on disk when the call returns (secure_delete zeroes them, the
      // checkpoint empties the WAL), not just unlinked from the tables.
      expect(await scanDataDir(SHOPPER)).toEqual([]);
      const again = await call("POST", "/v1/privacy/redact", { token: A.token, body: { shopperId: SHOPPER } });
      expect(again.status).toBe(200);

      await deployment!.stop();
      expect(await scanDataDir(SHOPPER)).toEqual([]);
      // B's consented analysis of another shopper is untouched.
      expect((await scanDataDir("shopper-of-b")).length).toBeGreaterThan(0);
    }, 60_000);
  });
}

/** Every file under DATA_DIR (documents, blob data and metadata) that mentions the needle. */
async function scanDataDir(needle: string): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if ((await readFile(full)).includes(needle)) hits.push(path.relative(dataDir, full));
    }
  };
  await walk(dataDir);
  return hits;
}
