import { readFileSync } from "node:fs";
import { COLLECTIONS } from "@varai/runtime";
import sharp from "sharp";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { testLandmarker } from "./engine/test-landmarker.ts";
import { CAMERA, hugePngHeader, photoAvailable, TENANT, useMlHarness } from "./test-harness.ts";

// The photos the service refuses, the awkward ones it accepts, and the figures it withholds.
describe.skipIf(!photoAvailable())("ml service over HTTP: photos", () => {
  const h = useMlHarness();

  describe("refuses bad photos with a stable problem code, never a 500", () => {
    const cases: Array<[string, () => Promise<Buffer>, number, string, string]> = [
      ["an empty file", async () => Buffer.alloc(0), 400, "INVALID_INPUT", "PHOTO_EMPTY"],
      [
        "a truncated JPEG",
        async () => (await sharp(h.astronaut).jpeg().toBuffer()).subarray(0, 4000),
        400,
        "INVALID_INPUT",
        "PHOTO_CORRUPT",
      ],
      [
        "a text file",
        async () => Buffer.from("definitely not a photo"),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "PHOTO_NOT_AN_IMAGE",
      ],
      [
        "a HEIC photo",
        async () =>
          Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from("ftypheic\0\0\0\0mif1heic"), Buffer.alloc(200)]),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "PHOTO_UNSUPPORTED_FORMAT",
      ],
      ["a 30000x30000 PNG", async () => hugePngHeader(), 413, "PAYLOAD_TOO_LARGE", "PHOTO_TOO_MANY_PIXELS"],
      ["a 20 MB file", async () => Buffer.alloc(20 * 1024 * 1024, 7), 413, "PAYLOAD_TOO_LARGE", "PHOTO_TOO_LARGE"],
      [
        "an animated GIF",
        async () => {
          const frame = (c: string) =>
            sharp({ create: { width: 200, height: 200, channels: 3, background: c } })
              .png()
              .toBuffer();
          return sharp([await frame("red"), await frame("blue")], { join: { animated: true } })
            .gif()
            .toBuffer();
        },
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "PHOTO_UNSUPPORTED_FORMAT",
      ],
      [
        "a 64x64 photo",
        async () => sharp(h.astronaut).resize(64, 64).jpeg().toBuffer(),
        400,
        "INVALID_INPUT",
        "PHOTO_TOO_SMALL",
      ],
      [
        "a photo without a face",
        async () =>
          sharp({ create: { width: 400, height: 300, channels: 3, background: "#6b8e23" } })
            .jpeg()
            .toBuffer(),
        422,
        "NO_FACE",
        "NO_FACE",
      ],
    ];
    for (const [name, make, status, code, reason] of cases) {
      it(`answers ${status} ${code} (${reason}) to ${name}`, async () => {
        const res = await h.analyse(await make());
        expect(res.status).toBe(status);
        expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
        expect(res.body.code).toBe(code);
        expect(res.body.reason).toBe(reason);
      });
    }

    it("refuses a request that is not multipart", async () => {
      const res = await request(h.app).post("/v1/face-analysis").set("content-type", "image/jpeg").send(h.astronaut);
      expect(res.status).toBe(415);
      expect(res.body.reason).toBe("NOT_MULTIPART");
    });

    it("answers 404 UNKNOWN_PRODUCT and 409 ASSET_NOT_READY before analysing the photo", async () => {
      const unknown = await request(h.app)
        .post("/v1/try-on")
        .field("productId", "prd_nope")
        .attach("photo", h.astronaut, "a.png");
      expect(unknown.status).toBe(404);
      expect(unknown.body.reason).toBe("UNKNOWN_PRODUCT");
      const pending = await request(h.app)
        .post("/v1/try-on")
        .field("productId", "prd_pending")
        .attach("photo", h.astronaut, "a.png");
      expect(pending.status).toBe(409);
      expect(pending.body).toMatchObject({ code: "CONFLICT", reason: "ASSET_NOT_READY", assetStatus: "pending" });
    });

    it("keeps memory bounded while 200 bad uploads arrive", async () => {
      const bad = [
        Buffer.from("nope"),
        hugePngHeader(),
        (await sharp(h.astronaut).jpeg().toBuffer()).subarray(0, 3000),
        await sharp(h.astronaut).resize(64).png().toBuffer(),
      ];
      const big = Buffer.alloc(12 * 1024 * 1024, 1);
      (globalThis as { gc?: () => void }).gc?.();
      const before = process.memoryUsage();
      for (let i = 0; i < 200; i++) {
        const res = await h.analyse(i % 25 === 0 ? big : (bad[i % bad.length] as Buffer));
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
      (globalThis as { gc?: () => void }).gc?.();
      const after = process.memoryUsage();
      // Eight 12 MB uploads among them: nothing accumulates beyond transient buffers.
      expect(after.heapUsed - before.heapUsed).toBeLessThan(40 * 1024 * 1024);
      expect(after.rss - before.rss).toBeLessThan(150 * 1024 * 1024);
    }, 60_000);
  });

  describe("accepts awkward but valid photos", () => {
    it("analyses a CMYK JPEG and a 16-bit PNG like the original", async () => {
      const base = await h.analyse(h.astronaut, {}, "a.png");
      const cmyk = await h.analyse(await sharp(h.astronaut).toColourspace("cmyk").jpeg({ quality: 95 }).toBuffer());
      const deep = await h.analyse(await sharp(h.astronaut).toColourspace("rgb16").png().toBuffer(), {}, "a.png");
      expect(base.status).toBe(200);
      expect(cmyk.status).toBe(200);
      expect(deep.status).toBe(200);
      expect(Math.abs(deep.body.irisCenters.left.x - base.body.irisCenters.left.x)).toBeLessThan(2);
      expect(Math.abs(cmyk.body.irisCenters.left.x - base.body.irisCenters.left.x)).toBeLessThan(3);
    });

    it("applies EXIF orientation before measuring", async () => {
      // Stored rotated a quarter turn, with orientation 6 saying "turn it back".
      const rotated = await sharp(h.astronaut)
        .rotate(-90)
        .withMetadata({ orientation: 6 })
        .jpeg({ quality: 95 })
        .toBuffer();
      const base = await h.analyse(h.astronaut, {}, "a.png");
      const res = await h.analyse(rotated);
      expect(res.status).toBe(200);
      expect(res.body.imageSize).toEqual({ width: 512, height: 512 });
      expect(Math.abs(res.body.headPose.rollDeg - base.body.headPose.rollDeg)).toBeLessThan(5);
      expect(Math.abs(res.body.irisCenters.left.x - base.body.irisCenters.left.x)).toBeLessThan(4);
    });

    it("uses the largest of several faces and reports the count", async () => {
      // The second face ~40 px wide in the 640 px image the models see (6 % of its width):
      // MediaPipe's full-range detector finds faces from about there (at 5 % it did not); the
      // short-range one, which runs first on photos, finds this one beside the large face too.
      const small = await sharp(h.astronaut).resize(320, 320).toBuffer();
      const group = await sharp({ create: { width: 900, height: 560, channels: 3, background: "#808080" } })
        .composite([
          { input: h.astronaut, left: 0, top: 0 },
          { input: small, left: 620, top: 150 },
        ])
        .jpeg()
        .toBuffer();
      const res = await h.analyse(group);
      expect(res.status).toBe(200);
      expect(res.body.faceCount).toBe(2);
      expect(res.body.warnings).toContain("several-faces");
      expect(res.body.irisCenters.left.x).toBeLessThan(512);
    });

    it("warns when the face is cut by the border, and refuses when an eye is outside", async () => {
      // The chin is at y ~175 on the whole photo. human's mesh puts it beyond a border at 185 px
      // (stable for weeks); at 165 human sometimes finds no face at all (a CI run). MediaPipe's
      // puts it inside at 185, so its cut is 10 px above the chin.
      const height = { human: 185, mediapipe: 165 }[testLandmarker()];
      const chinCut = await sharp(h.astronaut).extract({ left: 0, top: 0, width: 512, height }).jpeg().toBuffer();
      const cut = await h.analyse(chinCut);
      expect(cut.status).toBe(200);
      expect(cut.body.warnings).toContain("face-cut-by-border");
      const eyeCut = await sharp(h.astronaut).extract({ left: 225, top: 0, width: 287, height: 300 }).jpeg().toBuffer();
      const refused = await h.analyse(eyeCut);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe("NO_FACE");
    });
  });

  describe("figures beyond the method's limits", () => {
    it("withholds camera.png's measurements and face shape with POSE_TOO_STRONG, and keeps nothing despite consent", async () => {
      const res = await h.analyse(readFileSync(CAMERA), { consent: "true", shopperId: "shopper-cam" }, "camera.png");
      expect(res.status).toBe(200);
      expect(res.body.measurements).toEqual({
        status: "withheld",
        reason: "POSE_TOO_STRONG",
        exceeded: expect.arrayContaining(["yaw"]),
      });
      expect(res.body.faceShape).toEqual(res.body.measurements);
      // No figure in mm anywhere in the answer (it used to say PD 116 mm, face width 280 mm).
      expect(JSON.stringify(res.body)).not.toMatch(/valueMm|uncertaintyMm/);
      expect(res.body.id).toBeNull();
      const faces = h.deps.store.tenantCollection<{ id: string; tenantId: string }>(COLLECTIONS.faceMeasurements);
      expect(await faces.count(TENANT, { shopperId: "shopper-cam" })).toBe(0);
      expect(await h.deps.blobs.list(`${TENANT}/photos/`)).toHaveLength(0);
    });

    it("gives no face width or fit difference in a JSON try-on whose figures are withheld", async () => {
      const res = await request(h.app)
        .post("/v1/try-on")
        .set("accept", "application/json")
        .field("productId", "prd_ready")
        .attach("photo", readFileSync(CAMERA), "camera.png");
      expect(res.status).toBe(200);
      expect(res.body.analysis.measurements).toMatchObject({ status: "withheld", reason: "POSE_TOO_STRONG" });
      expect(res.body.fit).toEqual({
        frameWidthMm: 138,
        frameWidthIsDefault: false,
        faceWidthMm: null,
        differenceMm: null,
      });
    });
  });
});
