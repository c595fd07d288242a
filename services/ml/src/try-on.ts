import { metrics } from "@varai/runtime";
import { AppError, type FaceAnalysis, isAppError } from "@varai/schema";
import type { ShopperBlobs } from "@varai/storage";
import { analyzePhoto, type StageTimings } from "./analysis/analyze.ts";
import type { ConsentedAnalyses } from "./consent.ts";
import type { FacePool } from "./engine/face-pool.ts";
import { decodeFull, inspectPhoto, type RawImage } from "./image/decode.ts";
import { computePlacement, type FrameAssetInfo, type Placement } from "./render/placement.ts";
import { type RenderContentType, renderTryOn } from "./render/render.ts";
import type { LoadTryOnAsset, TryOnAsset } from "./try-on-assets.ts";

export interface TryOnInput {
  tenantId: string;
  productId: string;
  photo?: Uint8Array;
  faceAnalysisId?: string;
  contentType: RenderContentType | "application/json";
  /** Child mode for the analysis of `photo` (see AnalysisOptions). */
  child?: boolean;
}

export interface TryOnResult {
  placement: Placement;
  asset: FrameAssetInfo;
  analysis: Omit<FaceAnalysis, "landmarks">;
  image: { data: Buffer; contentType: RenderContentType } | null;
  timings: Partial<StageTimings> & { render?: number; encode?: number; total: number };
}

type TryOnFace = Omit<FaceAnalysis, "id" | "expiresAt"> & { id?: string | null; expiresAt?: string | null };

interface FaceForTryOn {
  face: TryOnFace;
  image: RawImage | null;
  timings: Partial<StageTimings>;
}

export interface TryOnDeps {
  pool: FacePool;
  loadAsset: LoadTryOnAsset;
  consented: ConsentedAnalyses;
  shopperBlobs: ShopperBlobs;
}

/** The face of a kept analysis, and its photo (sent again, or the kept one) when an image is wanted. */
async function keptFace(deps: TryOnDeps, input: TryOnInput, wantImage: boolean): Promise<FaceForTryOn> {
  const doc = await deps.consented.find(input.tenantId, input.faceAnalysisId as string);
  const face = doc.analysis;
  const photo =
    input.photo ?? (wantImage ? (await deps.shopperBlobs.get(input.tenantId, "photo", doc.id))?.data : undefined);
  if (wantImage && !photo) {
    throw new AppError("NOT_FOUND", "The photo of this analysis is not kept: send it again", {
      details: { reason: "PHOTO_NOT_KEPT" },
    });
  }
  if (!photo || !wantImage) return { face, image: null, timings: {} };
  const t0 = performance.now();
  const header = await inspectPhoto(photo);
  if (header.width !== face.imageSize.width || header.height !== face.imageSize.height) {
    throw new AppError("INVALID_INPUT", "The photo is not the one this analysis was made from", {
      details: { reason: "PHOTO_MISMATCH" },
    });
  }
  const image = await decodeFull(photo);
  return { face, image, timings: { decode: performance.now() - t0 } };
}

/** The face of a photo sent now, for the placement alone (a JSON try-on: the browser renders). */
async function photoFace(deps: TryOnDeps, input: TryOnInput & { photo: Uint8Array }): Promise<FaceForTryOn> {
  const analyzed = await analyzePhoto(deps.pool, input.photo, { child: input.child });
  return { face: analyzed.face, image: null, timings: analyzed.timings };
}

/**
 * A photo sent now, rendered: the whole job runs on a face worker (engine/try-on-job.ts), one
 * decode serving the models and the render, and the photo's pixels never reach this thread.
 */
async function renderOnWorker(
  deps: TryOnDeps,
  input: TryOnInput & { photo: Uint8Array; contentType: RenderContentType },
  asset: TryOnAsset,
  started: number,
): Promise<TryOnResult> {
  const decoded = await asset.decoded;
  const done = await deps.pool.tryOn({
    photo: input.photo,
    asset: { info: asset.info, pixels: decoded.pixels, width: decoded.width, height: decoded.height },
    contentType: input.contentType,
    child: input.child ?? false,
  });
  metrics.modelLatency.observe({ model: "face-landmarks" }, done.timings.detect / 1000);
  return {
    placement: done.placement,
    asset: asset.info,
    analysis: { ...done.face, id: null, expiresAt: null },
    image: {
      data: Buffer.from(done.image.buffer, done.image.byteOffset, done.image.byteLength),
      contentType: input.contentType,
    },
    timings: { ...done.timings, queue: done.queuedMs, total: performance.now() - started },
  };
}

/** Photo or kept analysis + product -> placement and (unless JSON is asked for) the rendered image. */
export function createTryOn(deps: TryOnDeps) {
  return countTryOns(async function tryOn(input: TryOnInput): Promise<TryOnResult> {
    const started = performance.now();
    // Cheap checks first: no CPU is spent on a photo for a product that cannot be tried on.
    const asset = await deps.loadAsset(input.tenantId, input.productId);
    const wantImage = input.contentType !== "application/json";
    if (!input.faceAnalysisId && !input.photo)
      throw new AppError("INVALID_INPUT", "Send a photo or a faceAnalysisId", {
        details: { reason: "PHOTO_MISSING" },
      });
    if (!input.faceAnalysisId && input.photo && wantImage) {
      const photo = input.photo;
      return renderOnWorker(
        deps,
        { ...input, photo, contentType: input.contentType as RenderContentType },
        asset,
        started,
      );
    }
    const { face, image, timings } = input.faceAnalysisId
      ? await keptFace(deps, input, wantImage)
      : await photoFace(deps, { ...input, photo: input.photo as Uint8Array });
    const placement = computePlacement(asset.info, face);
    const { landmarks: _omit, ...analysis } = { ...face, id: face.id ?? null, expiresAt: face.expiresAt ?? null };
    if (!wantImage || !image) {
      return {
        placement,
        asset: asset.info,
        analysis,
        image: null,
        timings: { ...timings, total: performance.now() - started },
      };
    }
    const contentType = input.contentType as RenderContentType;
    const rendered = await renderTryOn(image, await asset.decoded, placement, {
      contentType,
      mmPerPixel: face.mmPerPixel,
    });
    return {
      placement,
      asset: asset.info,
      analysis,
      image: { data: rendered.data, contentType },
      timings: { ...timings, ...rendered.timings, total: performance.now() - started },
    };
  });
}

/** varai_tryons_total: every try-on, by outcome (ok or the error code) and output. */
function countTryOns(tryOn: (input: TryOnInput) => Promise<TryOnResult>) {
  return async (input: TryOnInput): Promise<TryOnResult> => {
    const output = input.contentType === "application/json" ? "json" : "image";
    try {
      const result = await tryOn(input);
      metrics.tryOns.inc({ outcome: "ok", output });
      return result;
    } catch (error) {
      metrics.tryOns.inc({ outcome: isAppError(error) ? error.code : "INTERNAL", output });
      throw error;
    }
  };
}

/** Frame width against face width; no face width when the measurements were withheld (the reason is in the analysis). */
export function fitOf(asset: FrameAssetInfo, measurements: FaceAnalysis["measurements"]) {
  const faceWidthMm = measurements.status === "measured" ? measurements.faceWidth.valueMm : null;
  return {
    frameWidthMm: asset.frameWidthMm,
    frameWidthIsDefault: asset.frameWidthIsDefault,
    faceWidthMm,
    differenceMm: faceWidthMm === null ? null : Math.round((asset.frameWidthMm - faceWidthMm) * 10) / 10,
  };
}
