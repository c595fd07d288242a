import { createDemoModule, DEMO_FRAMES, DEMO_TENANT, type DemoModule, demoProductId, seedDemo } from "@varai/demo";
import { COLLECTIONS, type RuntimeDeps, type ServiceModule } from "@varai/runtime";
import type { Product } from "@varai/schema";
import { Router } from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "./app.ts";
import { PUBLIC_CONTRACT } from "./openapi.ts";
import { createTempPorts } from "./test-helpers.ts";

const BASE = "http://varai.test";
let runtime: Awaited<ReturnType<typeof createTempPorts>>;
let deps: RuntimeDeps;
let demo: DemoModule;

beforeAll(async () => {
  runtime = await createTempPorts();
  deps = runtime.deps;
  await seedDemo(deps, { publicBaseUrl: BASE });
  demo = createDemoModule(deps);
});

afterAll(async () => {
  await runtime.close();
  await runtime.remove();
});

/** The gateway with the demo store, as composed in production, unless a test brings its own modules. */
const app = (options: Partial<Parameters<typeof createGatewayApp>[0]> = {}) =>
  createGatewayApp({ deps, modules: [demo], publicBaseUrl: () => BASE, ...options });

function expectProblem(res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body.code).toBe(code);
  expect(res.body.status).toBe(status);
  expect(res.body.requestId).toBe(res.headers["x-request-id"]);
  // No stack trace or file path ever reaches a client.
  expect(res.text).not.toMatch(/\bat .+\(|node_modules|\.ts:\d+|Error:/);
}

describe("probes", () => {
  it("answers /healthz with ok and a request id", async () => {
    const res = await request(app()).get("/healthz").expect(200);
    expect(res.body).toEqual({ status: "ok" });
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reports every port and service ready on /readyz", async () => {
    const module: ServiceModule = { name: "catalog", router: Router(), ready: async () => {} };
    const res = await request(app({ modules: [module] }))
      .get("/readyz")
      .expect(200);
    expect(res.body).toEqual({
      status: "ok",
      checks: { store: "ok", cache: "ok", queue: "ok", blobs: "ok", "service:catalog": "ok" },
    });
  });

  it("answers 503 naming the failed checks when a ping fails", async () => {
    const brokenCache = { ...deps.cache, ping: async () => Promise.reject(new Error("ECONNREFUSED 10.0.0.1:6379")) };
    const module: ServiceModule = { name: "ml", router: Router(), ready: () => Promise.reject(new Error("models")) };
    const res = await request(app({ deps: { ...deps, cache: brokenCache }, modules: [module] })).get("/readyz");
    expectProblem(res, 503, "UPSTREAM_UNAVAILABLE");
    expect(res.body.failed).toEqual(["cache", "service:ml"]);
    expect(res.body.checks.store).toBe("ok");
    // Internal reasons go to the log, not to the client.
    expect(res.text).not.toContain("10.0.0.1");
  });

  it("fails a readiness check that hangs instead of hanging itself", async () => {
    const hung = { ...deps.queue, ping: () => new Promise<void>(() => {}) };
    // Long enough that the healthy pings never hit it on a loaded machine (50 ms did at load 7).
    const res = await request(app({ deps: { ...deps, queue: hung }, readinessTimeoutMs: 1000 })).get("/readyz");
    expectProblem(res, 503, "UPSTREAM_UNAVAILABLE");
    expect(res.body.failed).toEqual(["queue"]);
  });

  it("keeps probes out of authentication and rate limits", async () => {
    const deny = () => {
      throw new Error("must not run");
    };
    const gateway = app({ authenticate: deny, rateLimit: deny });
    await request(gateway).get("/healthz").expect(200);
    await request(gateway).get("/readyz").expect(200);
    // Everything else does pass through them.
    const res = await request(gateway).get("/demo");
    expectProblem(res, 500, "INTERNAL");
  });
});

describe("raw routes (platform webhooks)", () => {
  it("serve signed deliveries ahead of authentication and rate limits, with a request id", async () => {
    const deny = () => {
      throw new Error("must not run");
    };
    const seen: string[] = [];
    const webhooks: ServiceModule = {
      name: "webhooks",
      router: Router(),
      rawRoutes: [
        {
          prefix: "/webhooks/",
          handle: (req, res, requestId) => {
            seen.push(`${req.method} ${req.url} ${requestId}`);
            res.end("ok");
          },
        },
      ],
    };
    const gateway = app({ modules: [webhooks], authenticate: deny, rateLimit: deny });
    for (let i = 0; i < 5; i++) {
      const res = await request(gateway).post("/webhooks/shopify?x=1").set("x-request-id", `req-${i}`).send("{}");
      expect(res.status).toBe(200);
      expect(res.headers["x-request-id"]).toBe(`req-${i}`);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `POST /webhooks/shopify?x=1 req-${i}`));
    // Only the prefix is theirs: everything else still passes the gateway's middleware.
    expectProblem(await request(gateway).post("/webhook").send("{}"), 500, "INTERNAL");
  });
});

describe("/openapi.json", () => {
  it("is an OpenAPI 3.1 document with security schemes, a Problem schema and our servers", async () => {
    const res = await request(app()).get("/openapi.json").expect(200);
    const doc = res.body;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: BASE }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.storefrontKey).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "X-VARAi-Key",
    });
    expect(doc.components.schemas.Problem.required).toContain("code");
    for (const path of ["/healthz", "/readyz", "/openapi.json", "/demo", "/demo/products/{id}"]) {
      expect(doc.paths[path]?.get, path).toBeDefined();
    }
  });

  it("accounts for every operation of the public contract: served or listed as planned", async () => {
    const module: ServiceModule = {
      name: "catalog",
      router: Router(),
      openapi: {
        paths: { "/v1/products/{productId}": { get: { responses: { "200": { description: "a product" } } } } },
        schemas: { Product: { type: "object" } },
      },
    };
    const doc = (await request(app({ modules: [module] })).get("/openapi.json")).body;
    const planned = doc["x-varai-planned"] as Array<{ method: string; path: string }>;
    expect(doc.paths["/v1/products/{productId}"].get).toBeDefined();
    expect(doc.components.schemas.Product).toEqual({ type: "object" });
    expect(planned).not.toContainEqual(expect.objectContaining({ method: "GET", path: "/v1/products/{id}" }));
    expect(planned).toContainEqual(expect.objectContaining({ method: "POST", path: "/v1/try-on" }));
    for (const op of PUBLIC_CONTRACT) {
      const served = Object.keys(doc.paths).some(
        (p) => p.replace(/\{[^}]+\}/g, "{}") === op.path.replace(/\{[^}]+\}/g, "{}") && doc.paths[p][op.method],
      );
      const listed = planned.some((p) => p.method === op.method.toUpperCase() && p.path === op.path);
      expect(served !== listed, `${op.method} ${op.path}`).toBe(true);
    }
  });

  it("refuses to start when two modules declare the same operation", () => {
    const fragment = { paths: { "/v1/events": { post: { responses: {} } } } };
    const a: ServiceModule = { name: "a", router: Router(), openapi: fragment };
    const b: ServiceModule = { name: "b", router: Router(), openapi: fragment };
    expect(() => app({ modules: [a, b] })).toThrow(/POST \/v1\/events is declared by both a and b/);
  });
});

describe("demo storefront", () => {
  it("lists every seeded frame with image, name, price, size label and shape", async () => {
    const res = await request(app()).get("/demo").expect(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    const cards = res.text.match(/<li class="card"/g) ?? [];
    expect(cards.length).toBe(DEMO_FRAMES.length);
    expect(cards.length).toBeGreaterThanOrEqual(12);
    expect(res.text).toContain(`${BASE}/demo/images/harbor.png`);
    expect(res.text).toContain("Harbor Rectangle");
    expect(res.text).toContain("52-18-140");
    expect(res.text).toContain("$129.00");
    expect(res.text).toContain("<varai-frame-finder");
    expect(res.text).toContain("<varai-recommendations");
  });

  it("filters by shape and rejects an unknown shape", async () => {
    const res = await request(app()).get("/demo?shape=round&utm_source=newsletter").expect(200);
    const cards = res.text.match(/<li class="card"/g) ?? [];
    expect(cards.length).toBe(DEMO_FRAMES.filter((f) => f.shape === "round").length);
    expectProblem(await request(app()).get("/demo?shape=triangle"), 400, "INVALID_INPUT");
  });

  it("renders a product page with its sizes and the try-on slot", async () => {
    const id = demoProductId("pilot");
    const res = await request(app()).get(`/demo/products/${id}`).expect(200);
    expect(res.text).toContain("Pilot Aviator");
    expect(res.text).toContain("58-15-145");
    expect(res.text).toContain("143 mm");
    expect(res.text).toContain(`<varai-try-on class="try-on" product-id="${id}">`);
  });

  it("escapes everything it renders", async () => {
    const products = deps.store.tenantCollection<Product>(COLLECTIONS.products);
    const original = await products.findById(DEMO_TENANT.id, demoProductId("orbit"));
    await products.updateOne(
      DEMO_TENANT.id,
      { id: demoProductId("orbit") },
      { $set: { title: '<script>alert("x")</script>', brand: "A & B" } },
    );
    try {
      const page = await request(app())
        .get(`/demo/products/${demoProductId("orbit")}`)
        .expect(200);
      expect(page.text).not.toContain("<script>alert");
      expect(page.text).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
      expect(page.text).toContain("A &amp; B");
      const list = await request(app()).get("/demo").expect(200);
      expect(list.text).not.toContain("<script>alert");
    } finally {
      await products.updateOne(
        DEMO_TENANT.id,
        { id: demoProductId("orbit") },
        { $set: { title: original!.title, brand: original!.brand } },
      );
    }
  });

  it("serves product photos and try-on assets as PNG from the blob store", async () => {
    const photo = await request(app()).get("/demo/images/harbor.png").expect(200);
    expect(photo.headers["content-type"]).toBe("image/png");
    expect((photo.body as Buffer).subarray(1, 4).toString()).toBe("PNG");
    const asset = await request(app()).get("/demo/assets/ast_demo_harbor.png").expect(200);
    expect(asset.headers["content-type"]).toBe("image/png");
  });

  it("answers unknown products and images with 404 problems", async () => {
    expectProblem(await request(app()).get("/demo/products/prd_nope"), 404, "NOT_FOUND");
    expectProblem(await request(app()).get("/demo/images/nope.png"), 404, "NOT_FOUND");
    expectProblem(await request(app()).get("/demo/images/..%2F..%2Fetc%2Fpasswd"), 400, "INVALID_INPUT");
  });
});

describe("bad input", () => {
  it("answers malformed JSON with 400 INVALID_INPUT", async () => {
    const res = await request(app()).post("/v1/events").set("Content-Type", "application/json").send('{"a": ');
    expectProblem(res, 400, "INVALID_INPUT");
  });

  it("answers a body over the JSON limit with 413 PAYLOAD_TOO_LARGE", async () => {
    const res = await request(app({ jsonLimit: "10kb" }))
      .post("/v1/events")
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ blob: "x".repeat(20_000) }));
    expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("answers an unknown route with 404 NOT_FOUND", async () => {
    expectProblem(await request(app()).get("/v1/nothing-here"), 404, "NOT_FOUND");
  });

  it("answers a malformed URL encoding with 400, not a crash", async () => {
    expectProblem(await request(app()).get("/demo/products/%E0%A4%A"), 400, "INVALID_INPUT");
  });

  it("keeps a valid incoming request id and replaces a malformed one", async () => {
    const kept = await request(app()).get("/healthz").set("X-Request-Id", "abc-123");
    expect(kept.headers["x-request-id"]).toBe("abc-123");
    const replaced = await request(app()).get("/healthz").set("X-Request-Id", "<bad id>");
    expect(replaced.headers["x-request-id"]).not.toBe("<bad id>");
  });
});
