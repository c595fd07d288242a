import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  blobKeys,
  COLLECTIONS,
  createHttpApp,
  createRetentionPolicy,
  createSecretBox,
  createShopperIdentity,
  setPrincipal,
} from "@varai/runtime";
import type { Principal } from "@varai/schema";
import type { Express } from "express";
import sharp from "sharp";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { measuredFigures } from "./analysis/measured-figures.ts";
import { createFacePool } from "./engine/face-pool.ts";
import { createMlService, type MlService } from "./service.ts";
import { createTestDeps } from "./test-deps.ts";

// CI's set-up extracts the photo: there a missing one is a broken run, never a silent skip.
function photoAvailable(): boolean {
  if (!existsSync(PHOTO) && process.env.CI) throw new Error(`${PHOTO} missing: run bash scripts/fetch-test-photos.sh`);
  return existsSync(PHOTO);
}

const PHOTO = path.resolve(import.meta.dirname, "../../../test-artifacts/photos/astronaut.png");
// camera.png: skimage's cameraman, a face turned ~45 degrees and tilted ~40 (fetch-test-photos.sh).
const CAMERA = path.resolve(import.meta.dirname, "../../../test-artifacts/photos/camera.png");
const TENANT = "ten_test0001";

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
/** A valid PNG header claiming 30000x30000 pixels: a decompression bomb's calling card. */
function hugePngHeader(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(30000, 0);
  ihdr.writeUInt32BE(30000, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A front-view frame asset (4 px/mm) with two rims whose lens centres are `lensDistanceMm` apart. */
async function makeAsset(frameWidthMm: number, lensDistanceMm: number, lensFill: string, rim = "#1a1a1a") {
  const w = Math.round(frameWidthMm * 4);
  const h = 45 * 4;
  const cx = [w / 2 - lensDistanceMm * 2, w / 2 + lensDistanceMm * 2];
  const lensW = 48 * 4;
  const lensH = 36 * 4;
  const rims = cx
    .map(
      (x) =>
        `<rect x="${x - lensW / 2}" y="${h / 2 - lensH / 2}" width="${lensW}" height="${lensH}" rx="40" fill="${lensFill}" stroke="${rim}" stroke-width="14"/>`,
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <rect x="0" y="${h / 2 - lensH / 2}" width="${w}" height="16" fill="${rim}"/>${rims}</svg>`;
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  return {
    png,
    w,
    h,
    lensCentersPx: cx.map((x) => ({ x, y: h / 2 })) as [{ x: number; y: number }, { x: number; y: number }],
  };
}

describe.skipIf(!photoAvailable())("ml service over HTTP", () => {
  const { deps, cleanup } = createTestDeps();
  const shoppers = createShopperIdentity({ hashKey: randomBytes(32), store: deps.store });
  const photoBox = createSecretBox({ keys: { v1: randomBytes(32).toString("base64") }, current: "v1" });
  let ml: MlService;
  let app: Express;
  let astronaut: Buffer;
  let scene: Buffer; // 1280x960 JPEG with the astronaut's face larger
  const principal: Principal = { kind: "storefront", tenantId: TENANT, keyId: "key_test" } as Principal;

  async function addProduct(id: string, tryOn: Record<string, unknown>) {
    const products = deps.store.tenantCollection<{ id: string; tenantId: string }>(COLLECTIONS.products);
    const now = new Date().toISOString();
    await products.insertOne(TENANT, {
      id,
      source: { platform: "manual", connectionId: "con_1", externalId: id, externalUpdatedAt: now },
      title: id,
      status: "active",
      images: [],
      frame: { dimensions: {} },
      tryOn,
      createdAt: now,
      updatedAt: now,
    } as never);
  }
  async function addReadyProduct(
    id: string,
    frameWidthMm: number,
    lensDistanceMm: number,
    lensFill = "none",
    rim?: string,
  ) {
    const asset = await makeAsset(frameWidthMm, lensDistanceMm, lensFill, rim);
    const assetId = `ast_${id}`;
    await deps.blobs.put(blobKeys.frameAsset(TENANT, assetId), asset.png, { contentType: "image/png" });
    await addProduct(id, {
      assetStatus: "ready",
      assetId,
      assetWidthPx: asset.w,
      assetHeightPx: asset.h,
      lensCentersPx: asset.lensCentersPx,
      frameWidthMm,
      frameWidthIsDefault: false,
    });
  }

  beforeAll(async () => {
    ml = createMlService(deps, { workers: 1, queueLimit: 8, consumeFrameAssets: false, shoppers, photoBox });
    await ml.start();
    app = createHttpApp({
      modules: [ml],
      logger: deps.logger,
      authenticate: (_req, res, next) => {
        setPrincipal(res, principal);
        next();
      },
    });
    astronaut = readFileSync(PHOTO);
    scene = await sharp(astronaut)
      .resize(900, 900)
      .extend({ left: 190, right: 190, top: 30, bottom: 30, background: "#7a8a99" })
      .jpeg({ quality: 90 })
      .toBuffer();
    await addReadyProduct("prd_ready", 138, 70);
    await addProduct("prd_pending", { assetStatus: "pending" });
  }, 120_000);
  afterAll(async () => {
    await ml?.stop();
    cleanup();
  });

  const analyse = (photo: Buffer, fields: Record<string, string> = {}, filename = "photo.jpg") => {
    let r = request(app).post("/v1/face-analysis").attach("photo", photo, filename);
    for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
    return r;
  };

  describe("refuses bad photos with a stable problem code, never a 500", () => {
    const cases: Array<[string, () => Promise<Buffer>, number, string, string]> = [
      ["an empty file", async () => Buffer.alloc(0), 400, "INVALID_INPUT", "PHOTO_EMPTY"],
      [
        "a truncated JPEG",
        async () => (await sharp(astronaut).jpeg().toBuffer()).subarray(0, 4000),
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
        async () => sharp(astronaut).resize(64, 64).jpeg().toBuffer(),
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
        const res = await analyse(await make());
        expect(res.status).toBe(status);
        expect(res.headers["content-type"]).toMatch(/application\/problem\+json/);
        expect(res.body.code).toBe(code);
        expect(res.body.reason).toBe(reason);
      });
    }

    it("refuses a request that is not multipart", async () => {
      const res = await request(app).post("/v1/face-analysis").set("content-type", "image/jpeg").send(astronaut);
      expect(res.status).toBe(415);
      expect(res.body.reason).toBe("NOT_MULTIPART");
    });

    it("answers 404 UNKNOWN_PRODUCT and 409 ASSET_NOT_READY before analysing the photo", async () => {
      const unknown = await request(app)
        .post("/v1/try-on")
        .field("productId", "prd_nope")
        .attach("photo", astronaut, "a.png");
      expect(unknown.status).toBe(404);
      expect(unknown.body.reason).toBe("UNKNOWN_PRODUCT");
      const pending = await request(app)
        .post("/v1/try-on")
        .field("productId", "prd_pending")
        .attach("photo", astronaut, "a.png");
      expect(pending.status).toBe(409);
      expect(pending.body).toMatchObject({ code: "CONFLICT", reason: "ASSET_NOT_READY", assetStatus: "pending" });
    });

    it("keeps memory bounded while 200 bad uploads arrive", async () => {
      const bad = [
        Buffer.from("nope"),
        hugePngHeader(),
        (await sharp(astronaut).jpeg().toBuffer()).subarray(0, 3000),
        await sharp(astronaut).resize(64).png().toBuffer(),
      ];
      const big = Buffer.alloc(12 * 1024 * 1024, 1);
      (globalThis as { gc?: () => void }).gc?.();
      const before = process.memoryUsage();
      for (let i = 0; i < 200; i++) {
        const res = await analyse(i % 25 === 0 ? big : (bad[i % bad.length] as Buffer));
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
      const base = await analyse(astronaut, {}, "a.png");
      const cmyk = await analyse(await sharp(astronaut).toColourspace("cmyk").jpeg({ quality: 95 }).toBuffer());
      const deep = await analyse(await sharp(astronaut).toColourspace("rgb16").png().toBuffer(), {}, "a.png");
      expect(base.status).toBe(200);
      expect(cmyk.status).toBe(200);
      expect(deep.status).toBe(200);
      expect(Math.abs(deep.body.irisCenters.left.x - base.body.irisCenters.left.x)).toBeLessThan(2);
      expect(Math.abs(cmyk.body.irisCenters.left.x - base.body.irisCenters.left.x)).toBeLessThan(3);
    });

    it("applies EXIF orientation before measuring", async () => {
      // Stored rotated a quarter turn, with orientation 6 saying "turn it back".
      const rotated = await sharp(astronaut)
        .rotate(-90)
        .withMetadata({ orientation: 6 })
        .jpeg({ quality: 95 })
        .toBuffer();
      const base = await analyse(astronaut, {}, "a.png");
      const res = await analyse(rotated);
      expect(res.status).toBe(200);
      expect(res.body.imageSize).toEqual({ width: 512, height: 512 });
      expect(Math.abs(res.body.headPose.rollDeg - base.body.headPose.rollDeg)).toBeLessThan(5);
      expect(Math.abs(res.body.irisCenters.left.x - base.body.irisCenters.left.x)).toBeLessThan(4);
    });

    it("uses the largest of several faces and reports the count", async () => {
      const small = await sharp(astronaut).resize(256, 256).toBuffer();
      const group = await sharp({ create: { width: 900, height: 560, channels: 3, background: "#808080" } })
        .composite([
          { input: astronaut, left: 0, top: 0 },
          { input: small, left: 620, top: 150 },
        ])
        .jpeg()
        .toBuffer();
      const res = await analyse(group);
      expect(res.status).toBe(200);
      expect(res.body.faceCount).toBe(2);
      expect(res.body.warnings).toContain("several-faces");
      expect(res.body.irisCenters.left.x).toBeLessThan(512);
    });

    it("warns when the face is cut by the border, and refuses when an eye is outside", async () => {
      const chinCut = await sharp(astronaut).extract({ left: 0, top: 0, width: 512, height: 185 }).jpeg().toBuffer();
      const cut = await analyse(chinCut);
      expect(cut.status).toBe(200);
      expect(cut.body.warnings).toContain("face-cut-by-border");
      const eyeCut = await sharp(astronaut).extract({ left: 225, top: 0, width: 287, height: 300 }).jpeg().toBuffer();
      const refused = await analyse(eyeCut);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe("NO_FACE");
    });
  });

  describe("figures beyond the method's limits", () => {
    it("withholds camera.png's measurements and face shape with POSE_TOO_STRONG, and keeps nothing despite consent", async () => {
      const res = await analyse(readFileSync(CAMERA), { consent: "true", shopperId: "shopper-cam" }, "camera.png");
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
      const faces = deps.store.tenantCollection<{ id: string; tenantId: string }>(COLLECTIONS.faceMeasurements);
      expect(await faces.count(TENANT, { shopperId: "shopper-cam" })).toBe(0);
      expect(await deps.blobs.list(`${TENANT}/photos/`)).toHaveLength(0);
    });

    it("gives no face width or fit difference in a JSON try-on whose figures are withheld", async () => {
      const res = await request(app)
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

  describe("consent", () => {
    it("keeps nothing without consent", async () => {
      const res = await analyse(astronaut, { shopperId: "shopper-a" }, "a.png");
      expect(res.status).toBe(200);
      expect(res.body.id).toBeNull();
      expect(res.body.expiresAt).toBeNull();
      const faces = deps.store.tenantCollection<{ id: string; tenantId: string }>(COLLECTIONS.faceMeasurements);
      expect(await faces.count(TENANT, { shopperId: "shopper-a" })).toBe(0);
      expect(await deps.blobs.list(`${TENANT}/photos/`)).toHaveLength(0);
    });

    it("stores a consented analysis with a TTL, exports and erases it by shopper", async () => {
      const res = await analyse(astronaut, { consent: "true", shopperId: "shopper-b" }, "a.png");
      expect(res.status).toBe(200);
      expect(res.body.id).toMatch(/^fa_/);
      const faces = deps.store.tenantCollection<{ id: string; tenantId: string; expiresAt: Date }>(
        COLLECTIONS.faceMeasurements,
      );
      const doc = await faces.findById(TENANT, res.body.id);
      expect(doc).not.toBeNull();
      expect(new Date(doc?.expiresAt as Date).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);

      // The stored analysis drives a try-on without re-detecting (JSON: no photo needed).
      const byId = await request(app)
        .post("/v1/try-on")
        .set("accept", "application/json")
        .field("productId", "prd_ready")
        .field("faceAnalysisId", res.body.id);
      expect(byId.status).toBe(200);
      expect(byId.body.placement.anchor.x).toBeCloseTo(
        (res.body.irisCenters.left.x + res.body.irisCenters.right.x) / 2,
        5,
      );
      // And, from the kept photo, an image.
      const image = await request(app)
        .post("/v1/try-on")
        .field("productId", "prd_ready")
        .field("faceAnalysisId", res.body.id);
      expect(image.status).toBe(200);
      expect(image.headers["content-type"]).toBe("image/jpeg");

      const participant = deps.privacy.participants().find((p) => p.name === "ml.face-measurements");
      const exported = await participant?.export({ kind: "shopper", tenantId: TENANT, shopperId: "shopper-b" });
      expect(exported).toHaveLength(1);
      expect(await participant?.erase({ kind: "shopper", tenantId: TENANT, shopperId: "shopper-b" })).toBe(1);
      expect(await faces.findById(TENANT, res.body.id)).toBeNull();
      expect(await deps.blobs.head(blobKeys.photo(TENANT, res.body.id))).toBeNull();
      const gone = await request(app)
        .post("/v1/try-on")
        .set("accept", "application/json")
        .field("productId", "prd_ready")
        .field("faceAnalysisId", res.body.id);
      expect(gone.status).toBe(404);
    });

    it("keeps a consented analysis and its photo for the tenant's face data retention", async () => {
      const tenant = "ten_retention1";
      await createRetentionPolicy(deps.store).set(tenant, { faceDataDays: 2 }, new Date());
      const before = Date.now();
      const res = await request(
        createHttpApp({
          modules: [ml],
          logger: deps.logger,
          authenticate: (_req, res, next) => {
            setPrincipal(res, { kind: "storefront", tenantId: tenant, keyId: "key_r", origin: null });
            next();
          },
        }),
      )
        .post("/v1/face-analysis")
        .field("consent", "true")
        .field("shopperId", "shopper-r")
        .attach("photo", astronaut, "a.png");
      expect(res.status).toBe(200);
      const expires = Date.parse(res.body.expiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 2 * 86_400_000);
      expect(expires).toBeLessThan(before + 3 * 86_400_000);
      const photo = await deps.blobs.head(blobKeys.photo(tenant, res.body.id));
      expect(Date.parse(photo?.tags.expiresAt ?? "")).toBe(expires);
    });
  });

  describe("a kept photo", () => {
    it("is re-encoded without EXIF (GPS, artist) and sealed at rest, and still drives a try-on", async () => {
      const original = await sharp(scene)
        .withExif({
          IFD0: { Artist: "Jane Shopper-Artist", Copyright: "Jane 2026" },
          IFD3: {
            GPSLatitudeRef: "N",
            GPSLatitude: "48/1 51/1 2964/100",
            GPSLongitudeRef: "E",
            GPSLongitude: "2/1 17/1 4020/100",
          },
        })
        .jpeg({ quality: 90 })
        .toBuffer();
      expect((await sharp(original).metadata()).exif).toBeDefined();
      const res = await analyse(original, { consent: "true", shopperId: "shopper-exif" }, "exif.jpg");
      expect(res.status).toBe(200);
      const stored = await deps.blobs.get(blobKeys.photo(TENANT, res.body.id));
      expect(stored).not.toBeNull();
      const bytes = stored?.data as Buffer;
      // At rest: sealed, so neither the photo nor its tags are readable.
      expect(bytes.equals(original)).toBe(false);
      expect(bytes.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
      expect(bytes.includes(Buffer.from("Shopper-Artist"))).toBe(false);
      expect(bytes.includes(original.subarray(original.length - 4096, original.length - 2048))).toBe(false);
      // Opened with the key: a JPEG of the same size with no metadata at all.
      const opened = photoBox.decryptBytes(bytes);
      const meta = await sharp(opened).metadata();
      expect(meta.format).toBe("jpeg");
      expect([meta.width, meta.height]).toEqual([res.body.imageSize.width, res.body.imageSize.height]);
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(opened.includes(Buffer.from("Shopper-Artist"))).toBe(false);
      // Read back by the service: the try-on from the kept photo renders.
      const image = await request(app)
        .post("/v1/try-on")
        .field("productId", "prd_ready")
        .field("faceAnalysisId", res.body.id);
      expect(image.status).toBe(200);
      expect(image.headers["content-type"]).toBe("image/jpeg");
    });

    it("is kept under the shopper's one id (a gid as its plain id) and linked to the email's hash", async () => {
      const res = await analyse(
        astronaut,
        { consent: "true", shopperId: "gid://shopify/Customer/4242", shopperEmail: "Jo@Example.test" },
        "a.png",
      );
      expect(res.status).toBe(200);
      const faces = deps.store.tenantCollection<{ id: string; tenantId: string; shopperId: string }>(
        COLLECTIONS.faceMeasurements,
      );
      expect((await faces.findById(TENANT, res.body.id))?.shopperId).toBe("4242");
      expect((await deps.blobs.head(blobKeys.photo(TENANT, res.body.id)))?.tags.shopperId).toBe("4242");
      const ids = await shoppers.resolve({ kind: "shopper", tenantId: TENANT, email: "jo@example.test" });
      expect(ids).toContain("4242");
    });
  });

  describe("try-on", () => {
    it("renders JPEG, WebP and PNG by Accept", async () => {
      for (const [accept, format] of [
        ["image/jpeg", "jpeg"],
        ["image/webp", "webp"],
        ["image/png", "png"],
      ] as const) {
        const res = await request(app)
          .post("/v1/try-on")
          .set("accept", accept)
          .field("productId", "prd_ready")
          .attach("photo", scene, "scene.jpg")
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
      const analysis = await ml.analyzeFace(scene);
      const pd = measuredFigures(analysis.face).measurements.pupillaryDistance.valueMm;
      // A frame whose lens centres are exactly the shopper's PD apart, lenses filled magenta.
      await addReadyProduct("prd_magenta", 140, pd, "#ff00ff", "#00ff00");
      const res = await ml.renderTryOn({
        tenantId: TENANT,
        productId: "prd_magenta",
        photo: scene,
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
      const res = await request(app)
        .post("/v1/try-on")
        .set("accept", "application/json")
        .field("productId", "prd_ready")
        .attach("photo", scene, "scene.jpg");
      expect(res.status).toBe(200);
      expect(res.body.placement.matrix).toHaveLength(6);
      expect(res.body.asset).toMatchObject({ frameWidthMm: 138, url: "/v1/frame-assets/ast_prd_ready" });
      expect(res.body.analysis.landmarks).toBeUndefined();
      const asset = await request(app).get(res.body.asset.url);
      expect(asset.status).toBe(200);
      expect(asset.headers["content-type"]).toBe("image/png");
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
