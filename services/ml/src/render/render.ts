import sharp from "sharp";
import type { RawImage } from "../image/decode.ts";
import type { Placement } from "./placement.ts";

export const RENDER_FORMATS = {
  "image/jpeg": "jpeg",
  "image/webp": "webp",
  "image/png": "png",
} as const;
export type RenderContentType = keyof typeof RENDER_FORMATS;

export interface DecodedAsset {
  /** RGBA, premultiplied-free, row-major. */
  pixels: Buffer;
  width: number;
  height: number;
}

/**
 * The asset's RGBA pixels, in shared memory: every try-on hands them to a face worker, which then
 * reads them where they are instead of receiving a copy (~0.4 MB per try-on).
 */
export async function decodeAsset(png: Uint8Array): Promise<DecodedAsset> {
  const { data, info } = await sharp(png, { limitInputPixels: 16_000_000 })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = Buffer.from(new SharedArrayBuffer(data.length));
  pixels.set(data);
  return { pixels, width: info.width, height: info.height };
}

export interface RenderTimings {
  render: number;
  encode: number;
}

const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

/**
 * Straight-alpha "over" of an RGBA (or, with `tint`, alpha-only) patch onto an RGB image, in
 * place, clipped to the image. The frame covers a few percent of the photo: blending just that
 * patch in JS is cheaper than handing the whole photo to libvips' composite.
 */
function blendPatch(
  target: Buffer,
  targetWidth: number,
  targetHeight: number,
  patch: { data: Buffer; width: number; height: number; channels: 1 | 4 },
  left: number,
  top: number,
): void {
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(targetWidth, left + patch.width);
  const y1 = Math.min(targetHeight, top + patch.height);
  for (let y = y0; y < y1; y++) {
    let t = (y * targetWidth + x0) * 3;
    let p = ((y - top) * patch.width + (x0 - left)) * patch.channels;
    for (let x = x0; x < x1; x++, t += 3, p += patch.channels) {
      const alpha = patch.data[p + patch.channels - 1] ?? 0;
      if (alpha === 0) continue;
      const keep = 255 - alpha;
      if (patch.channels === 1) {
        // A black shadow: only the photo's share remains.
        target[t] = ((target[t] ?? 0) * keep + 127) / 255;
        target[t + 1] = ((target[t + 1] ?? 0) * keep + 127) / 255;
        target[t + 2] = ((target[t + 2] ?? 0) * keep + 127) / 255;
      } else {
        target[t] = ((target[t] ?? 0) * keep + (patch.data[p] ?? 0) * alpha + 127) / 255;
        target[t + 1] = ((target[t + 1] ?? 0) * keep + (patch.data[p + 1] ?? 0) * alpha + 127) / 255;
        target[t + 2] = ((target[t + 2] ?? 0) * keep + (patch.data[p + 2] ?? 0) * alpha + 127) / 255;
      }
    }
  }
}

/**
 * Composites the frame (and a soft contact shadow below it) onto the photo, drawing on
 * `photo.pixels` themselves, and encodes the result.
 * sharp's affine output starts at floor() of the transformed bounding box's top-left corner,
 * so an asset point p lands at A*p - origin in the transformed raster; we composite that
 * raster at origin + translation (rounded: at most half a pixel off).
 */
export async function renderTryOn(
  photo: RawImage,
  asset: DecodedAsset,
  placement: Placement,
  options: { contentType: RenderContentType; mmPerPixel: number },
): Promise<{ data: Buffer; timings: RenderTimings }> {
  const started = performance.now();
  const [a, b, c, d, e, f] = placement.matrix;
  const corners = [
    [0, 0],
    [asset.width, 0],
    [0, asset.height],
    [asset.width, asset.height],
  ].map(([x = 0, y = 0]) => [a * x + c * y, b * x + d * y] as const);
  const originX = Math.floor(Math.min(...corners.map((p) => p[0])));
  const originY = Math.floor(Math.min(...corners.map((p) => p[1])));
  const warped = await sharp(asset.pixels, { raw: { width: asset.width, height: asset.height, channels: 4 } })
    .affine(
      [
        [a, c],
        [b, d],
      ],
      { background: TRANSPARENT, interpolator: "bilinear" },
    )
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = warped.info.width;
  const h = warped.info.height;
  // Shadow: the frame's silhouette, black at 30 %, blurred ~1.5 mm and dropped ~2 mm, which
  // reads as the frame resting a little in front of the face. One channel: only alpha matters.
  const silhouette = Buffer.alloc(w * h);
  for (let i = 0; i < silhouette.length; i++) silhouette[i] = (warped.data[i * 4 + 3] ?? 0) * 0.3;
  const blur = Math.max(0.8, 1.5 / options.mmPerPixel);
  // b-w: sharp would otherwise hand a one-channel image back as three.
  const shadow = await sharp(silhouette, { raw: { width: w, height: h, channels: 1 } })
    .blur(blur)
    .toColourspace("b-w")
    .raw()
    .toBuffer();
  if (shadow.length !== w * h) throw new Error(`shadow raster is ${shadow.length} bytes, expected ${w * h}`);
  const left = Math.round(originX + e);
  const top = Math.round(originY + f);
  const drop = Math.round(2 / options.mmPerPixel);
  // Drawn straight onto the photo's pixels: every caller decoded them for this render alone, and a
  // 3.7 MB copy per 1280x960 try-on was a third of the main thread's garbage collections (12-04).
  const canvas = photo.pixels;
  blendPatch(canvas, photo.width, photo.height, { data: shadow, width: w, height: h, channels: 1 }, left, top + drop);
  blendPatch(canvas, photo.width, photo.height, { data: warped.data, width: w, height: h, channels: 4 }, left, top);
  const composed = sharp(canvas, { raw: { width: photo.width, height: photo.height, channels: 3 } });
  const render = performance.now() - started;
  const format = RENDER_FORMATS[options.contentType];
  // Encoder settings chosen for latency, measured on 1280x960 here: WebP at effort 0 takes
  // ~25 ms against ~90 ms at the default effort; JPEG without Huffman-table optimisation takes
  // ~4 ms against ~9 ms, for a file a few percent larger.
  const encoded =
    format === "jpeg"
      ? composed.jpeg({ quality: 85, optimiseCoding: false })
      : format === "webp"
        ? composed.webp({ quality: 80, effort: 0 })
        : composed.png({ compressionLevel: 3 });
  const encodeStarted = performance.now();
  const data = await encoded.toBuffer();
  return { data, timings: { render, encode: performance.now() - encodeStarted } };
}
