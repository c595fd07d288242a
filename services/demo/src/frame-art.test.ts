import { FrameDimensionsSchema } from "@varai/schema";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { PX_PER_MM, renderFrameArt } from "./frame-art.ts";
import { DEMO_FRAMES, frameWidthMm, sizeLabel } from "./frames.ts";

async function alphaAt(png: Buffer, x: number, y: number): Promise<number> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return data[(Math.round(y) * info.width + Math.round(x)) * info.channels + 3]!;
}

describe("demo frames", () => {
  it("cover at least 12 frames with every rim type and ten different shapes", () => {
    expect(DEMO_FRAMES.length).toBeGreaterThanOrEqual(12);
    expect(new Set(DEMO_FRAMES.map((f) => f.rim))).toEqual(new Set(["full-rim", "semi-rimless", "rimless"]));
    expect(new Set(DEMO_FRAMES.map((f) => f.shape)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(DEMO_FRAMES.map((f) => f.slug)).size).toBe(DEMO_FRAMES.length);
  });

  it.each(DEMO_FRAMES.map((f) => [f.slug, f] as const))("%s has real-world sizes", (_slug, frame) => {
    expect(frame.lensWidthMm).toBeGreaterThanOrEqual(46);
    expect(frame.lensWidthMm).toBeLessThanOrEqual(58);
    expect(frame.bridgeWidthMm).toBeGreaterThanOrEqual(15);
    expect(frame.bridgeWidthMm).toBeLessThanOrEqual(22);
    expect(frame.templeLengthMm).toBeGreaterThanOrEqual(135);
    expect(frame.templeLengthMm).toBeLessThanOrEqual(150);
    expect(frame.lensHeightMm).toBeGreaterThanOrEqual(33);
    expect(frame.lensHeightMm).toBeLessThanOrEqual(50);
    expect(frameWidthMm(frame)).toBeGreaterThanOrEqual(125);
    expect(frameWidthMm(frame)).toBeLessThanOrEqual(150);
    expect(FrameDimensionsSchema.safeParse({ frameWidthMm: frameWidthMm(frame) }).success).toBe(true);
    expect(sizeLabel(frame)).toMatch(/^\d{2}-\d{2}-\d{3}$/);
  });
});

describe("renderFrameArt", () => {
  it("draws the try-on asset at 4 px per mm, end piece to end piece", async () => {
    for (const frame of [DEMO_FRAMES[0]!, DEMO_FRAMES[3]!]) {
      const art = await renderFrameArt(frame);
      const meta = await sharp(art.asset).metadata();
      expect(meta.format).toBe("png");
      expect(meta.width).toBe(art.assetWidthPx);
      expect(meta.height).toBe(art.assetHeightPx);
      expect(art.assetWidthPx / PX_PER_MM).toBe(frameWidthMm(frame));
      // The end pieces reach both edges: the outermost columns hold frame pixels.
      const endY = art.lensCentersPx[0].y - frame.lensHeightMm * PX_PER_MM * 0.28;
      expect(await alphaAt(art.asset, 0, endY)).toBe(255);
      expect(await alphaAt(art.asset, art.assetWidthPx - 1, endY)).toBe(255);
    }
  });

  it("puts the lens centres where the size says, with see-through tinted lenses and a transparent background", async () => {
    const frame = DEMO_FRAMES[0]!;
    const art = await renderFrameArt(frame);
    const [left, right] = art.lensCentersPx;
    expect(left.x).toBe((frame.endPieceMm + frame.lensWidthMm / 2) * PX_PER_MM);
    expect(right.x - left.x).toBe((frame.lensWidthMm + frame.bridgeWidthMm) * PX_PER_MM);
    expect(left.y).toBe(right.y);
    const lensAlpha = await alphaAt(art.asset, left.x, left.y);
    expect(lensAlpha).toBeGreaterThan(30);
    expect(lensAlpha).toBeLessThan(200);
    expect(await alphaAt(art.asset, 2, 2)).toBe(0);
    expect(await alphaAt(art.asset, art.assetWidthPx / 2, art.assetHeightPx - 2)).toBe(0);
  });

  it("makes an opaque packshot on a light background", async () => {
    const art = await renderFrameArt(DEMO_FRAMES[1]!);
    const { data, info } = await sharp(art.photo).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(art.photoWidthPx);
    expect(data[3]).toBe(255);
    expect(Math.min(data[0]!, data[1]!, data[2]!)).toBeGreaterThan(220);
  });
});
