import { createTestApp } from "@varai/testkit";
import sharp from "sharp";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { measuredFigures } from "./analysis/measured-figures.ts";
import { createFacePool } from "./engine/face-pool.ts";
import { photoAvailable, TENANT, useMlHarness } from "./test-harness.ts";

// Rendering and placing a frame: formats, accuracy on the pupils, the JSON transform, overload.
describe.skipIf(!photoAvailable())("ml service over HTTP: try-on", () => {
  const h = useMlHarness();

  describe("try-on", () => {
    it("renders JPEG, WebP and PNG by Accept", async () => {
      for (const [accept, format] of [
        ["image/jpeg", "jpeg"],
        ["image/webp", "webp"],
        ["image/png", "png"],
      ] as const) {
        const res = await request(h.app)
          .post("/v1/try-on")
          .set("accept", accept)
          .field("productId", "prd_ready")
          .attach("photo", h.scene, "scene.jpg")
          .buffer(true)
          .parse((r, cb) => {
            const parts: Buffer[] = [];
            r.on("data", (c: Buffer) => parts.push(c));
            r.on("end", () => cb(null, Buffer.concat(parts)));
          });
        expect(res.status).toBe(200);
        const meta = await sharp(res.body as Buffer).metadata();
        expect(meta.format).toBe(format);
        expect([meta.width, meta.height]).toEqual([1280, 960]);
      }
    });

    it("places the lens centres on the pupils within 2 px and sizes the frame from mm within 3 %", async () => {
      const analysis = await h.ml.analyzeFace(h.scene);
      const pd = measuredFigures(analysis.face).measurements.pupillaryDistance.valueMm;
      // A frame whose lens centres are exactly the shopper's PD apart, lenses filled magenta.
      await h.addReadyProduct("prd_magenta", 140, pd, "#ff00ff", "#00ff00");
      const res = await h.ml.renderTryOn({
        tenantId: TENANT,
        productId: "prd_magenta",
        photo: h.scene,
        contentType: "image/png",
      });
      const { data, info } = await sharp(res.image?.data).raw().toBuffer({ resolveWithObject: true });
      const ch = info.channels;
      const blobs = [
        { sx: 0, sy: 0, n: 0 },
        { sx: 0, sy: 0, n: 0 },
      ];
      const mid = res.placement.anchor.x;
      let minT = Number.POSITIVE_INFINITY;
      let maxT = Number.NEGATIVE_INFINITY;
      const theta = (res.placement.rotationDeg * Math.PI) / 180;
      for (let y = 0; y < info.height; y++)
        for (let x = 0; x < info.width; x++) {
          const i = (y * info.width + x) * ch;
          const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
          const magenta = r > 200 && g < 60 && b > 200;
          const rim = g > 200 && r < 80 && b < 80;
          if (magenta) {
            const blob = blobs[x < mid ? 0 : 1] as { sx: number; sy: number; n: number };
            blob.sx += x;
            blob.sy += y;
            blob.n++;
          }
          if (magenta || rim) {
            // Extent along the eye line.
            const t = (x - mid) * Math.cos(theta) + (y - res.placement.anchor.y) * Math.sin(theta);
            if (Math.abs((y - res.placement.anchor.y) * Math.cos(theta) - (x - mid) * Math.sin(theta)) < 100) {
              minT = Math.min(minT, t);
              maxT = Math.max(maxT, t);
            }
          }
        }
      const centres = blobs.map((b) => ({ x: b.sx / b.n, y: b.sy / b.n }));
      const pupils = [analysis.face.irisCenters.left, analysis.face.irisCenters.right].sort((a, b) => a.x - b.x);
      for (const i of [0, 1]) {
        const c = centres[i] as { x: number; y: number };
        const p = pupils[i] as { x: number; y: number };
        expect(Math.hypot(c.x - p.x, c.y - p.y)).toBeLessThanOrEqual(2);
      }
      const expectedWidthPx = (140 / analysis.face.mmPerPixel) * res.placement.yawScaleX;
      expect(Math.abs(maxT - minT - expectedWidthPx) / expectedWidthPx).toBeLessThanOrEqual(0.03);
    });

    it("returns the placement transform as JSON for browsers that render themselves", async () => {
      const res = await request(h.app)
        .post("/v1/try-on")
        .set("accept", "application/json")
        .field("productId", "prd_ready")
        .attach("photo", h.scene, "scene.jpg");
      expect(res.status).toBe(200);
      expect(res.body.placement.matrix).toHaveLength(6);
      expect(res.body.asset).toMatchObject({ frameWidthMm: 138, url: "/v1/frame-assets/ast_prd_ready" });
      expect(res.body.analysis.landmarks).toBeUndefined();
      const asset = await request(h.app).get(res.body.asset.url);
      expect(asset.status).toBe(200);
      expect(asset.headers["content-type"]).toBe("image/png");
    });

    it("serves a frame asset to a signed-in user of its tenant (Studio's preview), not to another tenant's or anonymously", async () => {
      const byHeaders = createTestApp({ modules: [h.ml] });
      const url = "/v1/frame-assets/ast_prd_ready";
      const viewer = await request(byHeaders).get(url).set("x-test-user", `${TENANT}:viewer`);
      expect(viewer.status).toBe(200);
      expect(viewer.headers["content-type"]).toBe("image/png");
      expect((await request(byHeaders).get(url).set("x-test-user", "ten_other0001:tenant_admin")).status).toBe(404);
      // A platform admin sees the asset of the tenant it acts on.
      const admin = await request(byHeaders)
        .get(url)
        .set("x-test-user", "ten_platform01:platform_admin")
        .set("x-varai-tenant", TENANT);
      expect(admin.status).toBe(200);
      expect((await request(byHeaders).get(url)).status).toBe(401);
    });

    it("refuses bad photos of a rendered try-on (decoded on a face worker) with their codes, and keeps rendering", async () => {
      const post = (photo: Buffer, name = "p.jpg") =>
        request(h.app)
          .post("/v1/try-on")
          .set("accept", "image/jpeg")
          .field("productId", "prd_ready")
          .attach("photo", photo, name);
      const cases = [
        { photo: Buffer.from("nope"), status: 415, reason: "PHOTO_NOT_AN_IMAGE" },
        { photo: (await sharp(h.scene).jpeg().toBuffer()).subarray(0, 3000), status: 400, reason: "PHOTO_CORRUPT" },
        { photo: await sharp(h.scene).resize(64).jpeg().toBuffer(), status: 400, reason: "PHOTO_TOO_SMALL" },
        {
          photo: await sharp({ create: { width: 640, height: 480, channels: 3, background: "#808080" } })
            .jpeg()
            .toBuffer(),
          status: 422,
          reason: "NO_FACE",
        },
      ];
      for (const c of cases) {
        const res = await post(c.photo);
        expect({ status: res.status, reason: res.body.reason }).toEqual({ status: c.status, reason: c.reason });
        expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
      }
      const ok = await post(h.scene);
      expect(ok.status).toBe(200);
      expect(ok.headers["content-type"]).toBe("image/jpeg");
    });

    it("renders a photo larger than the detection size at its own size, the frame on the pupils", async () => {
      // 2560 px: detected on a 1280 px copy, placed and drawn on the full photo.
      const large = await sharp(h.scene).resize(2560).jpeg({ quality: 92 }).toBuffer();
      const small = await h.ml.renderTryOn({
        tenantId: TENANT,
        productId: "prd_ready",
        photo: h.scene,
        contentType: "image/jpeg",
      });
      const res = await h.ml.renderTryOn({
        tenantId: TENANT,
        productId: "prd_ready",
        photo: large,
        contentType: "image/jpeg",
      });
      const meta = await sharp(res.image?.data).metadata();
      expect([meta.width, meta.height]).toEqual([2560, 1920]);
      for (const eye of ["left", "right"] as const) {
        const a = res.analysis.irisCenters[eye];
        const b = small.analysis.irisCenters[eye];
        expect(Math.hypot(a.x - 2 * b.x, a.y - 2 * b.y)).toBeLessThan(3);
      }
      expect(
        Math.abs(res.analysis.mmPerPixel * 2 - small.analysis.mmPerPixel) / small.analysis.mmPerPixel,
      ).toBeLessThan(0.03);
    });

    it("refuses work with OVERLOADED (503, Retry-After from retryAfterMs) when the queue is full", async () => {
      const tight = createFacePool({ workers: 1, queueLimit: 0 });
      await tight.start();
      const gray = Buffer.alloc(256 * 256 * 3, 128);
      const jobs = await Promise.allSettled([0, 1, 2].map(() => tight.detect(gray, 256, 256)));
      await tight.stop();
      const refused = jobs.filter((j): j is PromiseRejectedResult => j.status === "rejected");
      expect(jobs[0]?.status).toBe("fulfilled");
      expect(refused).toHaveLength(2);
      expect(refused[0]?.reason).toMatchObject({ code: "OVERLOADED", details: { retryAfterMs: 1000 } });
    });
  });
});
