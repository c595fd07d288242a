import type { Point } from "@varai/schema";
import sharp from "sharp";

/** Asset convention shared with the gateway's demo seed: 4 asset pixels per millimetre. */
export const ASSET_PX_PER_MM = 4;
/** Average adult frame width (TRYON.md: 136-138 mm), used and flagged when the product has no width. */
export const DEFAULT_FRAME_WIDTH_MM = 138;

export class CutoutError extends Error {}

export interface Cutout {
  png: Buffer;
  widthPx: number;
  heightPx: number;
  lensCentersPx: [Point, Point];
  /** "holes": lenses found as enclosed background; "halves": tinted lenses, centres estimated. */
  lensMethod: "holes" | "halves";
}

const WORK_MAX_SIDE = 1200;

/** The working image: sRGB pixels, row-major, `channels` per pixel. */
interface Raster {
  data: Buffer;
  w: number;
  h: number;
  channels: number;
}

/** Bounding box of the opaque pixels (alpha >= 128). */
interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** The background colour: the median of the border pixels; refused when busy or dark. */
function backgroundOf({ data, w, h, channels }: Raster): readonly [number, number, number] {
  const at = (x: number, y: number, c: number) => data[(y * w + x) * channels + c] ?? 0;
  const border: number[][] = [];
  for (let x = 0; x < w; x++)
    border.push([at(x, 0, 0), at(x, 0, 1), at(x, 0, 2)], [at(x, h - 1, 0), at(x, h - 1, 1), at(x, h - 1, 2)]);
  for (let y = 0; y < h; y++)
    border.push([at(0, y, 0), at(0, y, 1), at(0, y, 2)], [at(w - 1, y, 0), at(w - 1, y, 1), at(w - 1, y, 2)]);
  const median = (c: number) => {
    const values = border.map((p) => p[c] ?? 0).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)] ?? 0;
  };
  const bg = [median(0), median(1), median(2)] as const;
  const far = border.filter(
    (p) => Math.hypot((p[0] ?? 0) - bg[0], (p[1] ?? 0) - bg[1], (p[2] ?? 0) - bg[2]) > 30,
  ).length;
  if (far / border.length > 0.1)
    throw new CutoutError("background is not plain: the frame must be photographed on a uniform background");
  if (bg[0] + bg[1] + bg[2] < 3 * 150)
    throw new CutoutError("background is dark: a light packshot background is required");
  return bg;
}

/** Alpha ramping with the colour distance from the background: soft edges, no threshold halo. */
function alphaFrom({ data, w, h, channels }: Raster, bg: readonly [number, number, number]): Uint8Array {
  const alpha = new Uint8Array(w * h);
  const t0 = 14;
  const t1 = 44;
  for (let i = 0; i < w * h; i++) {
    const d = Math.hypot(
      (data[i * channels] ?? 0) - bg[0],
      (data[i * channels + 1] ?? 0) - bg[1],
      (data[i * channels + 2] ?? 0) - bg[2],
    );
    alpha[i] = d <= t0 ? 0 : d >= t1 ? 255 : Math.round(((d - t0) / (t1 - t0)) * 255);
  }
  return alpha;
}

function frameBox(alpha: Uint8Array, w: number, h: number): Box {
  let minX = w;
  let minY = h;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if ((alpha[y * w + x] ?? 0) >= 128) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
  if (maxX < 0 || maxX - minX < 40) throw new CutoutError("no frame found in the image");
  return { minX, minY, maxX, maxY };
}

/**
 * Background regions a flood fill from the image border cannot reach (the lenses of a frame
 * with clear lenses), with their areas and centroids.
 */
function enclosedHoles(alpha: Uint8Array, w: number, h: number): Array<{ area: number; cx: number; cy: number }> {
  const label = new Int32Array(w * h); // 0 unvisited, -1 outside background, >0 enclosed component
  const isBg = (i: number) => (alpha[i] ?? 0) < 128;
  const stack: number[] = [];
  const fill = (seed: number, mark: number) => {
    let area = 0;
    let sx = 0;
    let sy = 0;
    stack.push(seed);
    label[seed] = mark;
    while (stack.length) {
      const i = stack.pop() as number;
      area++;
      const x = i % w;
      const y = (i - x) / w;
      sx += x;
      sy += y;
      const next = [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1];
      for (const n of next) {
        if (n >= 0 && label[n] === 0 && isBg(n)) {
          label[n] = mark;
          stack.push(n);
        }
      }
    }
    return { area, cx: sx / area, cy: sy / area };
  };
  for (let x = 0; x < w; x++) {
    for (const i of [x, (h - 1) * w + x]) if (label[i] === 0 && isBg(i)) fill(i, -1);
  }
  for (let y = 0; y < h; y++) {
    for (const i of [y * w, y * w + w - 1]) if (label[i] === 0 && isBg(i)) fill(i, -1);
  }
  const holes: Array<{ area: number; cx: number; cy: number }> = [];
  let mark = 1;
  for (let i = 0; i < w * h; i++) if (label[i] === 0 && isBg(i)) holes.push(fill(i, mark++));
  return holes;
}

/** Lens centres, left to right: the two largest enclosed holes, else the alpha centroids of the box's halves. */
function lensCentres(
  alpha: Uint8Array,
  w: number,
  h: number,
  box: Box,
): { centres: Point[]; lensMethod: Cutout["lensMethod"] } {
  const { minX, minY, maxX, maxY } = box;
  const boxArea = (maxX - minX + 1) * (maxY - minY + 1);
  const lenses = enclosedHoles(alpha, w, h)
    .filter((hole) => hole.area > boxArea * 0.02)
    .sort((a, b) => b.area - a.area)
    .slice(0, 2);
  if (lenses.length === 2) {
    const centres = lenses.map((l) => ({ x: l.cx, y: l.cy })).sort((a, b) => a.x - b.x);
    return { centres, lensMethod: "holes" };
  }
  const midX = (minX + maxX) / 2;
  const centres = [0, 1].map((half) => {
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let y = minY; y <= maxY; y++)
      for (let x = half === 0 ? minX : Math.ceil(midX); x <= (half === 0 ? Math.floor(midX) : maxX); x++) {
        const a = alpha[y * w + x] ?? 0;
        sx += x * a;
        sy += y * a;
        n += a;
      }
    return { x: sx / n, y: sy / n };
  });
  return { centres: centres.sort((a, b) => a.x - b.x), lensMethod: "halves" };
}

/**
 * Cuts a frame out of a packshot on a plain light background.
 * 1. The background colour is the median of the border pixels (refused if the border is busy).
 * 2. Alpha ramps with the colour distance from it (soft edges, no hard threshold halo).
 * 3. Lenses are background-coloured regions enclosed by the frame: background pixels that a
 *    flood fill from the image border cannot reach. The two largest give the lens centres.
 *    Tinted lenses are not enclosed background; then each half of the frame's box is taken as
 *    a lens and its foreground centroid as the centre.
 * 4. The crop is scaled so that its width is frameWidthMm * 4 px.
 */
export async function cutOutFrame(image: Uint8Array, frameWidthMm: number): Promise<Cutout> {
  const { data, info } = await sharp(image, { limitInputPixels: 40_000_000 })
    .rotate()
    .flatten({ background: "#ffffff" })
    .toColourspace("srgb")
    .resize(WORK_MAX_SIDE, WORK_MAX_SIDE, { fit: "inside", withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raster: Raster = { data, w: info.width, h: info.height, channels: info.channels };
  const { w, h, channels } = raster;
  const alpha = alphaFrom(raster, backgroundOf(raster));
  const box = frameBox(alpha, w, h);
  const { centres, lensMethod } = lensCentres(alpha, w, h, box);

  const rgba = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    rgba[i * 4] = data[i * channels] ?? 0;
    rgba[i * 4 + 1] = data[i * channels + 1] ?? 0;
    rgba[i * 4 + 2] = data[i * channels + 2] ?? 0;
    rgba[i * 4 + 3] = alpha[i] ?? 0;
  }
  const { minX, minY } = box;
  const cropW = box.maxX - minX + 1;
  const cropH = box.maxY - minY + 1;
  const widthPx = Math.round(frameWidthMm * ASSET_PX_PER_MM);
  const k = widthPx / cropW;
  const heightPx = Math.max(1, Math.round(cropH * k));
  const png = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
    .extract({ left: minX, top: minY, width: cropW, height: cropH })
    .resize(widthPx, heightPx, { fit: "fill" })
    .png({ compressionLevel: 6 })
    .toBuffer();
  // Pixel centres: a crop pixel x covers [x, x+1), so its centre maps to (x - minX + 0.5) * k.
  const toAsset = (p: Point): Point => ({ x: (p.x - minX + 0.5) * k, y: (p.y - minY + 0.5) * k });
  return {
    png,
    widthPx,
    heightPx,
    lensCentersPx: [toAsset(centres[0] as Point), toAsset(centres[1] as Point)],
    lensMethod,
  };
}
