import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { blobKeys, COLLECTIONS, createGuardedFetch, QUEUES } from "@varai/runtime";
import { createTestRuntime } from "@varai/testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cutOutFrame } from "./cutout.ts";
import { createFetchImage, createFrameAssetPreparer } from "./prepare.ts";

const TENANT = "ten_assets01";

/** A packshot: a dark frame on a light background, lens centres known in photo pixels. */
async function packshot(options: { tint?: string; background?: string } = {}) {
  const w = 1000;
  const h = 500;
  const lenses = [
    { x: 300, y: 250 },
    { x: 700, y: 250 },
  ];
  const rims = lenses
    .map(
      (c) =>
        `<ellipse cx="${c.x}" cy="${c.y}" rx="150" ry="110" fill="${options.tint ?? "none"}" stroke="#222" stroke-width="18"/>`,
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <rect width="${w}" height="${h}" fill="${options.background ?? "#f4f4f2"}"/>
    <path d="M 440 230 Q 500 190 560 230" stroke="#222" stroke-width="14" fill="none"/>
    <rect x="110" y="190" width="45" height="14" fill="#222"/><rect x="845" y="190" width="45" height="14" fill="#222"/>
    ${rims}</svg>`;
  // Frame spans x 110..890 including the end pieces (stroke half-width included).
  return {
    jpeg: await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer(),
    lenses,
    frameLeft: 110,
    frameRight: 890,
  };
}

describe("frame asset preparation from product photos", () => {
  it("cuts the frame out on a transparent background and finds both lens centres", async () => {
    const shot = await packshot();
    const cut = await cutOutFrame(shot.jpeg, 140);
    expect(cut.widthPx).toBe(560);
    expect(cut.lensMethod).toBe("holes");
    const k = 560 / (shot.frameRight - shot.frameLeft);
    shot.lenses.forEach((lens, i) => {
      const found = cut.lensCentersPx[i] as { x: number; y: number };
      // Expected in asset pixels: relative to the frame's left edge, scaled to 4 px/mm.
      expect(Math.abs(found.x - (lens.x - shot.frameLeft) * k)).toBeLessThan(3);
    });
    expect(Math.abs(cut.lensCentersPx[0].y - cut.lensCentersPx[1].y)).toBeLessThan(1);
    const { data, info } = await sharp(cut.png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    const alphaAt = (x: number, y: number) => data[(Math.round(y) * info.width + Math.round(x)) * 4 + 3];
    expect(alphaAt(cut.lensCentersPx[0].x, cut.lensCentersPx[0].y)).toBe(0);
    expect(alphaAt(2, 2)).toBe(0);
  });

  it("estimates lens centres of tinted lenses from the two halves", async () => {
    const shot = await packshot({ tint: "#3a4a3a" });
    const cut = await cutOutFrame(shot.jpeg, 140);
    expect(cut.lensMethod).toBe("halves");
    const k = 560 / (shot.frameRight - shot.frameLeft);
    expect(Math.abs(cut.lensCentersPx[0].x - (300 - shot.frameLeft) * k)).toBeLessThan(12);
    expect(Math.abs(cut.lensCentersPx[1].x - (700 - shot.frameLeft) * k)).toBeLessThan(12);
  });

  describe("as a queued job", () => {
    const deps = createTestRuntime();
    let server: Server;
    let base: string;
    const images = new Map<string, Buffer>();
    const requested: string[] = [];
    // The local image host is on loopback: these tests opt in, as development does.
    const localImages = () => createFetchImage(createGuardedFetch({ allowHttp: true, allowPrivateAddresses: true }));
    const products = deps.store.tenantCollection<{ id: string; tenantId: string; tryOn?: Record<string, unknown> }>(
      COLLECTIONS.products,
    );

    async function addProduct(id: string, url: string, dimensions: Record<string, number> = {}) {
      const now = new Date().toISOString();
      await products.insertOne(TENANT, {
        id,
        source: { platform: "manual", connectionId: "con_1", externalId: id, externalUpdatedAt: now },
        title: id,
        status: "active",
        images: [{ url, alt: "front", position: 0 }],
        frame: { dimensions },
        tryOn: { assetStatus: "none" },
        createdAt: now,
        updatedAt: now,
      } as never);
    }

    beforeAll(async () => {
      // The merchant's image host: a real local server (outside our walls, but no mock needed).
      server = createServer((req, res) => {
        requested.push(req.url ?? "");
        const body = images.get(req.url ?? "");
        if (!body) {
          res.statusCode = 404;
          res.end();
          return;
        }
        res.setHeader("content-type", "image/jpeg");
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      images.set("/good.jpg", (await packshot()).jpeg);
      images.set(
        "/busy.jpg",
        await sharp({
          create: {
            width: 600,
            height: 400,
            channels: 3,
            background: "#808080",
            noise: { type: "gaussian", mean: 128, sigma: 60 },
          },
        })
          .jpeg()
          .toBuffer(),
      );
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await deps.close();
    });

    it("records a ready asset with the frame width from the product's dimensions", async () => {
      await addProduct("prd_good", `${base}/good.jpg`, { lensWidthMm: 52, bridgeWidthMm: 18 });
      const preparer = createFrameAssetPreparer(deps, localImages());
      const consumer = deps.queue.consume(QUEUES.frameAssets, (job) => preparer.handle(job));
      await deps.queue.enqueue(QUEUES.frameAssets, { tenantId: TENANT, productId: "prd_good" });
      let doc = await products.findById(TENANT, "prd_good");
      for (let i = 0; i < 100 && doc?.tryOn?.assetStatus !== "ready"; i++) {
        await new Promise((r) => setTimeout(r, 50));
        doc = await products.findById(TENANT, "prd_good");
      }
      await consumer.stop();
      expect(doc?.tryOn).toMatchObject({
        assetStatus: "ready",
        frameWidthMm: 134,
        frameWidthIsDefault: false,
        assetWidthPx: 536,
      });
      const blob = await deps.blobs.get(blobKeys.frameAsset(TENANT, doc?.tryOn?.assetId as string));
      expect((await sharp(blob?.data).metadata()).width).toBe(536);
    });

    it("flags the default width, and records failures with a reason", async () => {
      const preparer = createFrameAssetPreparer(deps, localImages());
      await addProduct("prd_default", `${base}/good.jpg`);
      expect(await preparer.prepare(TENANT, "prd_default")).toMatchObject({
        frameWidthMm: 138,
        frameWidthIsDefault: true,
      });
      await addProduct("prd_busy", `${base}/busy.jpg`);
      expect(await preparer.prepare(TENANT, "prd_busy")).toMatchObject({
        assetStatus: "failed",
        failureReason: expect.stringMatching(/background/),
      });
      await addProduct("prd_missing", `${base}/missing.jpg`);
      await expect(preparer.prepare(TENANT, "prd_missing", 1)).rejects.toThrow(/404/);
      expect(await preparer.prepare(TENANT, "prd_missing", 3)).toMatchObject({
        assetStatus: "failed",
        failureReason: expect.stringMatching(/could not be fetched/),
      });
    });

    it("refuses image URLs on loopback, private or metadata addresses by default, recorded at once", async () => {
      const preparer = createFrameAssetPreparer(deps, createFetchImage());
      requested.length = 0;
      for (const [id, url] of [
        ["prd_loopback", `${base}/good.jpg`],
        ["prd_metadata", "https://169.254.169.254/latest/meta-data/iam/"],
        ["prd_private", "https://10.0.0.8/good.jpg"],
      ] as const) {
        await addProduct(id, url);
        // Attempt 1 of 3: a refusal is final, not a network error the queue would retry.
        expect(await preparer.prepare(TENANT, id, 1)).toMatchObject({
          assetStatus: "failed",
          failureReason: expect.stringMatching(/refused/),
          sourceImageUrl: url,
        });
      }
      expect(requested).toEqual([]);
    });
  });
});
