import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { Placement } from "./placement.ts";
import { renderTryOn } from "./render.ts";

// A uniform grey photo and a black 100x10 bar with a 10 px transparent margin, placed 1:1 at
// (150, 100). PNG output, so every pixel can be checked exactly.
const GREY = 160;
const photo = { pixels: Buffer.alloc(400 * 300 * 3, GREY), width: 400, height: 300 };
const asset = (() => {
  const width = 120;
  const height = 30;
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 10; y < 20; y++) for (let x = 10; x < 110; x++) pixels[(y * width + x) * 4 + 3] = 255;
  return { pixels, width, height };
})();
const placement = { matrix: [1, 0, 0, 1, 150, 100] } as unknown as Placement;

async function render(mmPerPixel: number) {
  // A fresh photo each time: the render draws on the pixels it is given.
  const out = await renderTryOn({ ...photo, pixels: Buffer.from(photo.pixels) }, asset, placement, {
    contentType: "image/png",
    mmPerPixel,
  });
  const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return (x: number, y: number) => data[(y * info.width + x) * 3] ?? -1;
}

describe("renderTryOn", () => {
  it("draws the frame opaque and its shadow soft, below it, and leaves the rest of the photo untouched", async () => {
    const at = await render(1); // 1 mm per pixel: the shadow drops 2 px and blurs ~1.5 px
    // The bar itself: black.
    expect(at(200, 115)).toBeLessThan(5);
    // Just below the bar: the dropped shadow darkens the photo, but far less than the frame.
    const shadow = at(200, 121);
    expect(shadow).toBeLessThan(GREY - 5);
    expect(shadow).toBeGreaterThan(GREY * 0.6);
    // Everywhere farther than the blur reaches: the photo as it was, row after row.
    const changed: string[] = [];
    for (let y = 0; y < 300; y++) {
      for (let x = 0; x < 400; x++) {
        const nearBar = x >= 150 && x < 280 && y >= 100 && y < 135;
        if (!nearBar && at(x, y) !== GREY) changed.push(`${x},${y}`);
      }
    }
    expect(changed.slice(0, 10)).toEqual([]);
  });

  it("draws on the photo's own pixels, as the encoded image shows them", async () => {
    const own = { ...photo, pixels: Buffer.from(photo.pixels) };
    const drawn = await renderTryOn(own, asset, placement, { contentType: "image/png", mmPerPixel: 1 });
    const { data } = await sharp(drawn.data).raw().toBuffer({ resolveWithObject: true });
    expect(data.equals(own.pixels)).toBe(true);
    // The frame's black bar is in them.
    expect(own.pixels[(115 * 400 + 200) * 3]).toBeLessThan(5);
  });
});
