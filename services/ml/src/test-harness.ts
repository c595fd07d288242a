// Test-only: the ml service over HTTP on the real in-process ports, with the models loaded once
// per test file, a storefront principal, a ready product and the test photos. Not exported
// from the package.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  blobKeys,
  COLLECTIONS,
  createSecretBox,
  createShopperIdentity,
  type RuntimeDeps,
  type SecretBox,
  type ShopperIdentity,
} from "@varai/runtime";
import { createTestApp, createTestRuntime, storefrontOf } from "@varai/testkit";
import type { Express } from "express";
import sharp from "sharp";
import request from "supertest";
import { afterAll, beforeAll } from "vitest";
import { testLandmarker } from "./engine/test-landmarker.ts";
import { createMlService, type MlService } from "./service.ts";

// CI's set-up extracts the photo: there a missing one is a broken run, never a silent skip.
export function photoAvailable(): boolean {
  if (!existsSync(PHOTO) && process.env.CI) throw new Error(`${PHOTO} missing: run bash scripts/fetch-test-photos.sh`);
  return existsSync(PHOTO);
}

export const PHOTO = path.resolve(import.meta.dirname, "../../../test-artifacts/photos/astronaut.png");
// camera.png: skimage's cameraman, a face turned ~45 degrees and tilted ~40 (fetch-test-photos.sh).
export const CAMERA = path.resolve(import.meta.dirname, "../../../test-artifacts/photos/camera.png");
export const TENANT = "ten_test0001";

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
export function hugePngHeader(): Buffer {
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
export async function makeAsset(frameWidthMm: number, lensDistanceMm: number, lensFill: string, rim = "#1a1a1a") {
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

export interface MlHarness {
  deps: RuntimeDeps;
  shoppers: ShopperIdentity;
  photoBox: SecretBox;
  /** Set in beforeAll. */
  ml: MlService;
  app: Express;
  astronaut: Buffer;
  /** 1280x960 JPEG with the astronaut's face larger. */
  scene: Buffer;
  addProduct(id: string, tryOn: Record<string, unknown>): Promise<void>;
  addReadyProduct(
    id: string,
    frameWidthMm: number,
    lensDistanceMm: number,
    lensFill?: string,
    rim?: string,
  ): Promise<void>;
  analyse(photo: Buffer, fields?: Record<string, string>, filename?: string): request.Test;
}

/**
 * Call inside a describe: starts the service (one model worker) before its tests, with
 * `prd_ready` (138 mm, lens centres 70 mm apart) and `prd_pending`, and stops it after.
 */
export function useMlHarness(): MlHarness {
  const runtime = createTestRuntime();
  const deps: RuntimeDeps = runtime;
  const h = {
    deps,
    shoppers: createShopperIdentity({ hashKey: randomBytes(32), store: deps.store }),
    photoBox: createSecretBox({ keys: { v1: randomBytes(32).toString("base64") }, current: "v1" }),
  } as MlHarness;

  h.addProduct = async (id, tryOn) => {
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
  };
  h.addReadyProduct = async (id, frameWidthMm, lensDistanceMm, lensFill = "none", rim) => {
    const asset = await makeAsset(frameWidthMm, lensDistanceMm, lensFill, rim);
    const assetId = `ast_${id}`;
    await deps.blobs.put(blobKeys.frameAsset(TENANT, assetId), asset.png, { contentType: "image/png" });
    await h.addProduct(id, {
      assetStatus: "ready",
      assetId,
      assetWidthPx: asset.w,
      assetHeightPx: asset.h,
      lensCentersPx: asset.lensCentersPx,
      frameWidthMm,
      frameWidthIsDefault: false,
    });
  };
  h.analyse = (photo, fields = {}, filename = "photo.jpg") => {
    let r = request(h.app).post("/v1/face-analysis").attach("photo", photo, filename);
    for (const [k, v] of Object.entries(fields)) r = r.field(k, v);
    return r;
  };

  beforeAll(async () => {
    const { shoppers, photoBox } = h;
    h.ml = createMlService(deps, {
      workers: 1,
      queueLimit: 8,
      consumeFrameAssets: false,
      shoppers,
      photoBox,
      landmarker: testLandmarker(),
    });
    await h.ml.start();
    h.app = createTestApp({ modules: [h.ml], principal: storefrontOf(TENANT) });
    h.astronaut = readFileSync(PHOTO);
    h.scene = await sharp(h.astronaut)
      .resize(900, 900)
      .extend({ left: 190, right: 190, top: 30, bottom: 30, background: "#7a8a99" })
      .jpeg({ quality: 90 })
      .toBuffer();
    await h.addReadyProduct("prd_ready", 138, 70);
    await h.addProduct("prd_pending", { assetStatus: "pending" });
  }, 120_000);
  afterAll(async () => {
    await h.ml?.stop();
    await runtime.close();
  });
  return h;
}
