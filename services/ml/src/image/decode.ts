import { AppError } from "@varai/schema";
import sharp, { type Metadata, type Sharp } from "sharp";

// libvips' operation cache (on by default: 50 MB, 100 operations) only pays off when the same
// image is processed again; every upload here is a new shopper photo, so it held decoded pixels
// of shoppers' faces for nothing and kept the gateway about 40 MB fatter after a burst.
sharp.cache(false);

/** 40 MP covers every phone camera; a 30000x30000 "pixel bomb" is refused from its header. */
export const MAX_INPUT_PIXELS = 40_000_000;
/** Below this the iris is a handful of pixels and the scale is meaningless. */
export const MIN_SIDE_PX = 128;
/** Detection input: the mesh works on a 192 px face crop, so a longer side of 640 keeps a
 * typical selfie face above that with a quarter of the pixels to hold and copy. (sharp's JPEG
 * shrink-on-load only starts at a 3x reduction: 1280 -> 640 decodes in full and resizes.) */
export const DETECT_MAX_SIDE = 640;
/**
 * A rendered try-on has the full photo decoded already, and detects on it as it is up to this
 * size (the widget uploads at most 1280 px): no resize (3.5 ms of CPU), and on the bench photo
 * its mm scale came within 0.4 % of the two-view analysis's, against 1.5 % from 640 px
 * (2026-12-04). Larger photos are brought down to it: bilinear crops alias beyond ~3x.
 */
export const TRY_ON_DETECT_MAX_SIDE = 1280;

export const ACCEPTED_TYPES = ["jpeg", "png", "webp"] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

/** Stable machine reasons carried in the problem document next to the code. */
export const PHOTO_REASONS = {
  empty: "PHOTO_EMPTY",
  notImage: "PHOTO_NOT_AN_IMAGE",
  unsupported: "PHOTO_UNSUPPORTED_FORMAT",
  animated: "PHOTO_ANIMATED",
  corrupt: "PHOTO_CORRUPT",
  tooManyPixels: "PHOTO_TOO_MANY_PIXELS",
  tooSmall: "PHOTO_TOO_SMALL",
  tooLarge: "PHOTO_TOO_LARGE",
} as const;

function refuse(
  code: "INVALID_INPUT" | "UNSUPPORTED_MEDIA_TYPE" | "PAYLOAD_TOO_LARGE",
  reason: string,
  message: string,
) {
  return new AppError(code, message, { details: { reason } });
}

/** Identifies a photo by its magic bytes; the client's Content-Type is not trusted. */
export function sniffImageType(data: Uint8Array): AcceptedType | "gif" | "heic" | "avif" | "tiff" | "bmp" | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...data.subarray(from, to));
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "jpeg";
  if (data.length >= 8 && ascii(1, 4) === "PNG" && data[0] === 0x89) return "png";
  if (data.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (data.length >= 6 && ascii(0, 4) === "GIF8") return "gif";
  if (data.length >= 12 && ascii(4, 8) === "ftyp") {
    const brand = ascii(8, 12);
    return brand.startsWith("avi") ? "avif" : "heic";
  }
  if (data.length >= 4 && (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*")) return "tiff";
  if (data.length >= 2 && ascii(0, 2) === "BM") return "bmp";
  return null;
}

export interface PhotoHeader {
  type: AcceptedType;
  /** Size after EXIF orientation. */
  width: number;
  height: number;
}

/** Checks a photo from its header only: format, animation, pixel count, minimum size. */
export async function inspectPhoto(data: Uint8Array): Promise<PhotoHeader> {
  if (data.length === 0) throw refuse("INVALID_INPUT", PHOTO_REASONS.empty, "The photo is empty");
  const type = sniffImageType(data);
  if (type === null) throw refuse("UNSUPPORTED_MEDIA_TYPE", PHOTO_REASONS.notImage, "The upload is not an image");
  if (type !== "jpeg" && type !== "png" && type !== "webp") {
    throw refuse(
      "UNSUPPORTED_MEDIA_TYPE",
      PHOTO_REASONS.unsupported,
      `${type.toUpperCase()} photos are not accepted; send JPEG, PNG or WebP`,
    );
  }
  // PNG dimensions straight from IHDR: a bomb is refused before any decoder sees it.
  if (type === "png" && data.length >= 24) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const pngPixels = view.getUint32(16) * view.getUint32(20);
    if (pngPixels > MAX_INPUT_PIXELS) {
      throw refuse(
        "PAYLOAD_TOO_LARGE",
        PHOTO_REASONS.tooManyPixels,
        `The photo has ${pngPixels} pixels; the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels`,
      );
    }
  }
  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch {
    throw refuse("INVALID_INPUT", PHOTO_REASONS.corrupt, "The photo could not be read");
  }
  if (!meta.width || !meta.height) throw refuse("INVALID_INPUT", PHOTO_REASONS.corrupt, "The photo has no size");
  if (meta.width * meta.height > MAX_INPUT_PIXELS) {
    throw refuse(
      "PAYLOAD_TOO_LARGE",
      PHOTO_REASONS.tooManyPixels,
      `The photo has ${meta.width}x${meta.height} pixels; the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels`,
    );
  }
  if ((meta.pages ?? 1) > 1)
    throw refuse("UNSUPPORTED_MEDIA_TYPE", PHOTO_REASONS.animated, "Animated images are not accepted");
  const swap = (meta.orientation ?? 1) >= 5;
  const width = swap ? meta.height : meta.width;
  const height = swap ? meta.width : meta.height;
  if (Math.min(width, height) < MIN_SIDE_PX) {
    throw refuse(
      "INVALID_INPUT",
      PHOTO_REASONS.tooSmall,
      `The photo is ${width}x${height}; at least ${MIN_SIDE_PX} px per side is needed`,
    );
  }
  return { type, width, height };
}

/** sRGB, 8 bits, 3 channels, EXIF orientation applied: CMYK JPEGs and 16-bit PNGs land here too. */
function normalised(data: Uint8Array) {
  return sharp(data, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "truncated" })
    .rotate()
    .flatten({ background: "#ffffff" })
    .toColourspace("srgb")
    .removeAlpha();
}

export interface RawImage {
  pixels: Buffer;
  width: number;
  height: number;
}

async function toRaw(pipeline: Sharp): Promise<RawImage> {
  try {
    const { data, info } = await pipeline.raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
    return { pixels: data, width: info.width, height: info.height };
  } catch (error) {
    throw new AppError("INVALID_INPUT", "The photo could not be decoded (truncated or corrupt)", {
      details: { reason: PHOTO_REASONS.corrupt },
      cause: error,
    });
  }
}

/** Decodes straight to the detection size, in one sharp pipeline (decode and resize). */
export async function decodeForDetection(data: Uint8Array, header: PhotoHeader): Promise<RawImage> {
  const pipeline = normalised(data);
  if (Math.max(header.width, header.height) > DETECT_MAX_SIDE) {
    pipeline.resize(DETECT_MAX_SIDE, DETECT_MAX_SIDE, { fit: "inside", kernel: "linear" });
  }
  return toRaw(pipeline);
}

/** Full-size decode for rendering. */
export async function decodeFull(data: Uint8Array): Promise<RawImage> {
  return toRaw(normalised(data));
}

/** Detection input derived from an already decoded full image (no second decode). */
export async function downscaleForDetection(image: RawImage, maxSide = DETECT_MAX_SIDE): Promise<RawImage> {
  if (Math.max(image.width, image.height) <= maxSide) return image;
  return toRaw(
    sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(maxSide, maxSide, {
      fit: "inside",
      kernel: "linear",
    }),
  );
}

/**
 * The photo as it is kept (consented analyses only): the pixels the analysis saw (orientation
 * applied, sRGB) re-encoded in the same format with NO metadata: EXIF (GPS position, camera,
 * artist, time), XMP, IPTC and ICC profiles are all dropped (sharp keeps none unless asked).
 * Its size after orientation equals the analysis's `imageSize`, as try-on checks.
 */
export async function withoutMetadata(data: Uint8Array, type: AcceptedType): Promise<Buffer> {
  const pipeline = normalised(data);
  const encoded =
    type === "png" ? pipeline.png() : type === "webp" ? pipeline.webp({ quality: 92 }) : pipeline.jpeg({ quality: 92 });
  try {
    return await encoded.toBuffer();
  } catch {
    throw refuse("INVALID_INPUT", PHOTO_REASONS.corrupt, "The photo could not be read");
  }
}
