import { createTestApp, storefrontOf } from "@varai/testkit";
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { buildWidgetBundles, type WidgetBundles } from "./build.ts";
import { createWidgetRouter, type WidgetProductQuery } from "./router.ts";

let bundles: WidgetBundles;
const queries: Array<{ tenantId: string; query: WidgetProductQuery }> = [];

function app(options: { config?: unknown } = {}) {
  return createTestApp({
    principal: (req) => (req.headers["x-varai-key"] === "pk_test" ? storefrontOf("ten_demo1") : null),
    modules: [
      {
        name: "widgets",
        router: createWidgetRouter({
          bundles,
          getConfig: (tenantId) =>
            tenantId === "ten_demo1" ? (options.config ?? { theme: { primary: "#aa0000" } }) : {},
          getProducts: async (tenantId, query) => {
            queries.push({ tenantId, query });
            return [
              {
                id: "prd_1",
                title: "Aviator",
                sku: "AV-1",
                brand: "",
                price: { amount: "99.00", currency: "USD" },
                imageUrl: null,
                imageAlt: "",
                url: null,
                frame: { shape: "aviator", frameWidthMm: 140 },
                tryOnReady: true,
                asset: null,
              },
            ];
          },
        }),
      },
    ],
  });
}

beforeAll(async () => {
  bundles = await buildWidgetBundles();
});

describe("widget router", () => {
  it("serves a loader under the 15 KB gzip budget that names every element chunk", async () => {
    expect(bundles.loader.gzipBytes).toBeLessThan(15 * 1024);
    const res = await request(app()).get("/widget/varai.js").set("Accept-Encoding", "gzip").buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("text/javascript");
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    const body = res.text;
    for (const chunk of Object.values(bundles.chunks)) expect(body).toContain(chunk);
    for (const tag of ["varai-try-on", "varai-frame-finder", "varai-recommendations"]) expect(body).toContain(tag);
  });

  it("keeps Node code and the face models out of the element chunks", () => {
    for (const [name, asset] of bundles.assets) {
      const text = asset.body.toString("utf8");
      expect(text, name).not.toMatch(/from\s*"node:|require\("(fs|path|crypto)"\)/);
      expect(text, name).not.toContain("@vladmandic/human");
    }
  });

  it("serves content-hashed chunks gzipped, immutable and readable cross-origin, with ETag revalidation", async () => {
    const [name] = Object.values(bundles.chunks);
    const res = await request(app()).get(`/widget/chunks/${name}`).set("Accept-Encoding", "gzip").buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers["cache-control"]).toContain("immutable");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["content-encoding"]).toBe("gzip");
    // supertest inflates the body; the header shows it travelled gzipped.
    expect(res.text).toContain("customElements");
    const again = await request(app()).get(`/widget/chunks/${name}`).set("If-None-Match", res.headers.etag!);
    expect(again.status).toBe(304);
  });

  it("answers 404 problem+json for an unknown chunk or a model that live mode does not use", async () => {
    const a = await request(app()).get("/widget/chunks/nope.js");
    expect(a.status).toBe(404);
    expect(a.headers["content-type"]).toContain("application/problem+json");
    expect((await request(app()).get("/widget/human/models/faceres.bin")).status).toBe(404);
    expect((await request(app()).get("/widget/human/models/..%2F..%2Fpackage.json")).status).toBe(404);
  });

  it("serves the face models and the WASM binary with their content types", async () => {
    const model = await request(app()).get("/widget/human/models/facemesh.json");
    expect(model.status).toBe(200);
    expect(model.headers["content-type"]).toContain("application/json");
    const wasm = await request(app()).get("/widget/tfjs-wasm/tfjs-backend-wasm-simd.wasm").buffer(true);
    expect(wasm.status).toBe(200);
    expect(wasm.headers["content-type"]).toBe("application/wasm");
  });

  it("serves LiteRT's runtime and MediaPipe's models from their npm packages, with their licence notice", async () => {
    const raw = (url: string) =>
      request(app())
        .get(url)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => done(null, Buffer.concat(chunks)));
        });
    // face_landmark.tflite is cut out of @mediapipe/face_mesh's packed assets: a whole TFLite
    // flatbuffer ("TFL3" at byte 4), 1,241,896 bytes.
    const mesh = await raw("/widget/mediapipe/face_landmark.tflite");
    expect(mesh.status).toBe(200);
    expect((mesh.body as Buffer).length).toBe(1_241_896);
    expect((mesh.body as Buffer).subarray(4, 8).toString()).toBe("TFL3");
    const detector = await raw("/widget/mediapipe/face_detection_short_range.tflite");
    expect((detector.body as Buffer).subarray(4, 8).toString()).toBe("TFL3");
    // The iris model, converted from human's tfjs form: a TFLite flatbuffer of its 2.6 MB of weights.
    const iris = await raw("/widget/mediapipe/iris_landmark.tflite");
    expect((iris.body as Buffer).subarray(4, 8).toString()).toBe("TFL3");
    expect((iris.body as Buffer).length).toBeGreaterThan(2_599_092);
    const runtime = await raw("/widget/litert/litert_wasm_internal.wasm");
    expect(runtime.headers["content-type"]).toBe("application/wasm");
    expect((await request(app()).get("/widget/litert/litert_wasm_internal.js")).status).toBe(200);
    const notice = await request(app()).get("/widget/mediapipe/notice.txt");
    expect(notice.text).toContain("Apache License, Version 2.0");
    expect(notice.text).toContain("iris_landmark.tflite");
    expect((await request(app()).get("/widget/mediapipe/face_landmark_with_attention.tflite")).status).toBe(404);
  });

  it("returns the calling key's tenant config with defaults filled in", async () => {
    const res = await request(app()).get("/widget/config").set("X-VARAi-Key", "pk_test");
    expect(res.status).toBe(200);
    expect(res.body.theme.primary).toBe("#aa0000");
    expect(res.body.features.liveTryOn).toBe(true);
  });

  it("answers the CORS preflight for the key header and reflects the origin on the real request", async () => {
    const pre = await request(app()).options("/widget/config").set("Origin", "https://shop.example");
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe("https://shop.example");
    expect(pre.headers["access-control-allow-headers"]).toContain("X-VARAi-Key");
    const res = await request(app())
      .get("/widget/config")
      .set("X-VARAi-Key", "pk_test")
      .set("Origin", "https://shop.example");
    expect(res.headers["access-control-allow-origin"]).toBe("https://shop.example");
  });

  it("refuses config and products without a storefront key", async () => {
    expect((await request(app()).get("/widget/config")).status).toBe(401);
    expect((await request(app()).get("/widget/products")).status).toBe(401);
  });

  it("parses the products query and refuses a malformed one without calling the catalog", async () => {
    queries.length = 0;
    const ok = await request(app()).get("/widget/products?ids=prd_1,prd_2&limit=5").set("X-VARAi-Key", "pk_test");
    expect(ok.status).toBe(200);
    expect(ok.body.items[0].id).toBe("prd_1");
    expect(queries[0]).toEqual({ tenantId: "ten_demo1", query: { ids: ["prd_1", "prd_2"], limit: 5 } });
    const bad = await request(app()).get("/widget/products?ids=a%20b&limit=-3").set("X-VARAi-Key", "pk_test");
    expect(bad.status).toBe(400);
    expect(queries).toHaveLength(1);
  });
});
