import type { FaceRoi, PixelImage } from "../port.ts";

/**
 * Where crop pixel (u, v) of a `size` x `size` crop of `roi` lies in the image. The crop's x axis
 * runs along the ROI's rotation; `flip` mirrors the crop left-right (MediaPipe feeds one eye to
 * the iris model flipped).
 */
export function cropToImage(roi: FaceRoi, size: number, u: number, v: number, flip = false): [number, number] {
  const lx = ((flip ? size - u : u) / size - 0.5) * roi.width;
  const ly = (v / size - 0.5) * roi.height;
  const cos = Math.cos(roi.rotation);
  const sin = Math.sin(roi.rotation);
  return [roi.cx + lx * cos - ly * sin, roi.cy + lx * sin + ly * cos];
}

/**
 * Samples `roi` of the image into a `size` x `size` x 3 float tensor (bilinear, NHWC), values
 * mapped from 0..255 onto [lo, hi]; outside the image is black (lo), as MediaPipe pads.
 */
export function cropToTensor(
  image: PixelImage,
  roi: FaceRoi,
  size: number,
  [lo, hi]: readonly [number, number],
  flip = false,
  out: Float32Array = new Float32Array(size * size * 3),
): Float32Array {
  const { data, width, height, channels } = image;
  const k = (hi - lo) / 255;
  const cos = Math.cos(roi.rotation);
  const sin = Math.sin(roi.rotation);
  const du = roi.width / size;
  const dv = roi.height / size;
  let o = 0;
  for (let v = 0; v < size; v++) {
    const ly = (v + 0.5) * dv - roi.height / 2;
    for (let u = 0; u < size; u++) {
      const lx = ((flip ? size - u - 1 : u) + 0.5) * du - roi.width / 2;
      // Pixel centres sit at +0.5: sample in "pixel index" space.
      const x = roi.cx + lx * cos - ly * sin - 0.5;
      const y = roi.cy + lx * sin + ly * cos - 0.5;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      for (let c = 0; c < 3; c++) {
        const at = (xx: number, yy: number) =>
          xx < 0 || yy < 0 || xx >= width || yy >= height ? 0 : (data[(yy * width + xx) * channels + c] ?? 0);
        const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
        const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
        out[o++] = lo + (top * (1 - fy) + bottom * fy) * k;
      }
    }
  }
  return out;
}
