import {
  blobKeys,
  COLLECTIONS,
  createGuardedFetch,
  isUpstreamRefused,
  type Job,
  type RuntimeDeps,
} from "@varai/runtime";
import { estimateFrameWidthMm, newId, type Product, type TryOnInfo } from "@varai/schema";
import { z } from "zod";
import { CutoutError, cutOutFrame, DEFAULT_FRAME_WIDTH_MM } from "./cutout.ts";

export const FrameAssetJobSchema = z.object({ tenantId: z.string().min(1), productId: z.string().min(1) });
export type FrameAssetJob = z.infer<typeof FrameAssetJobSchema>;

/** Fetches a merchant's product image; outside our walls, so injectable. */
export type FetchImage = (url: string) => Promise<Uint8Array>;

const MAX_IMAGE_BYTES = 15 * 1024 * 1024;

/**
 * Product image URLs come from platform data: `fetch` must be the guarded one (runtime
 * createGuardedFetch: https, public addresses, checked redirects); the default is its strict form.
 */
export function createFetchImage(
  fetch: typeof globalThis.fetch = createGuardedFetch(),
  timeoutMs = 10_000,
): FetchImage {
  return async (url) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`image fetch answered ${response.status}`);
    const declared = Number(response.headers.get("content-length") ?? 0);
    if (declared > MAX_IMAGE_BYTES) throw new CutoutError("product image is larger than 15 MB");
    const reader = response.body?.getReader();
    if (!reader) throw new Error("image fetch returned no body");
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_IMAGE_BYTES) {
        await reader.cancel();
        throw new CutoutError("product image is larger than 15 MB");
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks);
  };
}

/** Frame width from the product: the stated width, else estimated from the size label (@varai/schema), else a flagged default. */
export function frameWidthOf(product: Pick<Product, "frame">): { mm: number; isDefault: boolean } {
  const d = product.frame?.dimensions ?? {};
  if (d.frameWidthMm) return { mm: d.frameWidthMm, isDefault: false };
  if (d.lensWidthMm && d.bridgeWidthMm)
    return { mm: estimateFrameWidthMm(d.lensWidthMm, d.bridgeWidthMm), isDefault: false };
  return { mm: DEFAULT_FRAME_WIDTH_MM, isDefault: true };
}

/** The front image: one whose alt text says "front", else the first by position. */
export function frontImage(product: Pick<Product, "images">): string | null {
  const images = [...(product.images ?? [])].sort((a, b) => a.position - b.position);
  return (images.find((i) => /front/i.test(i.alt)) ?? images[0])?.url ?? null;
}

export interface FrameAssetPreparer {
  prepare(tenantId: string, productId: string, attempt?: number): Promise<TryOnInfo | null>;
  handle(job: Job<unknown>): Promise<void>;
}

/** Attempts after which a failing fetch is recorded as a failure instead of retried. */
const FETCH_ATTEMPTS = 3;

/** What the live `assets` topic carries: a product's try-on asset was prepared or failed. */
export interface AssetUpdate {
  productId: string;
  assetStatus: TryOnInfo["assetStatus"];
  assetId: string | null;
  failureReason: string | null;
}

export function createFrameAssetPreparer(
  deps: RuntimeDeps,
  fetchImage: FetchImage,
  onAsset?: (tenantId: string, update: AssetUpdate) => void,
): FrameAssetPreparer {
  const products = deps.store.tenantCollection<Product & { id: string }>(COLLECTIONS.products);

  async function record(tenantId: string, productId: string, tryOn: TryOnInfo): Promise<TryOnInfo> {
    await products.updateOne(tenantId, { id: productId }, { $set: { tryOn } });
    onAsset?.(tenantId, {
      productId,
      assetStatus: tryOn.assetStatus,
      assetId: tryOn.assetId ?? null,
      failureReason: tryOn.failureReason ?? null,
    });
    return tryOn;
  }

  async function prepare(tenantId: string, productId: string, attempt = 1): Promise<TryOnInfo | null> {
    const product = await products.findById(tenantId, productId);
    if (!product) return null;
    const now = deps.clock().toISOString();
    const failed = (reason: string, sourceImageUrl?: string) =>
      record(tenantId, productId, {
        assetStatus: "failed",
        failureReason: reason.slice(0, 500),
        updatedAt: now,
        ...(sourceImageUrl ? { sourceImageUrl } : {}),
      });
    const url = frontImage(product);
    if (!url) return failed("the product has no image");
    let bytes: Uint8Array;
    try {
      bytes = await fetchImage(url);
    } catch (error) {
      if (error instanceof CutoutError) return failed(error.message, url);
      // A refused address stays refused: recorded at once, never retried.
      if (isUpstreamRefused(error)) return failed(`the product image URL was refused: ${error.message}`, url);
      // Network trouble is retried by the queue; after a few attempts it is a recorded failure.
      if (attempt < FETCH_ATTEMPTS) throw error;
      return failed(`the product image could not be fetched: ${(error as Error).message}`, url);
    }
    const width = frameWidthOf(product);
    let cutout: Awaited<ReturnType<typeof cutOutFrame>>;
    try {
      cutout = await cutOutFrame(bytes, width.mm);
    } catch (error) {
      if (error instanceof CutoutError) return failed(error.message, url);
      return failed("the product image could not be decoded", url);
    }
    const assetId = newId("asset");
    await deps.blobs.put(blobKeys.frameAsset(tenantId, assetId), cutout.png, { contentType: "image/png" });
    const previous = product.tryOn?.assetId;
    const info = await record(tenantId, productId, {
      assetStatus: "ready",
      assetId,
      assetWidthPx: cutout.widthPx,
      assetHeightPx: cutout.heightPx,
      lensCentersPx: cutout.lensCentersPx,
      frameWidthMm: width.mm,
      frameWidthIsDefault: width.isDefault,
      sourceImageUrl: url,
      updatedAt: now,
    });
    // The old asset is no longer referenced: redeliveries and image changes do not pile up blobs.
    if (previous && previous !== assetId) await deps.blobs.delete(blobKeys.frameAsset(tenantId, previous));
    deps.logger.info({ tenantId, productId, assetId, lensMethod: cutout.lensMethod }, "frame asset prepared");
    return info;
  }

  return {
    prepare,
    async handle(job) {
      const parsed = FrameAssetJobSchema.safeParse(job.payload);
      if (!parsed.success) {
        deps.logger.warn({ jobId: job.id }, "frame asset job with an invalid payload dropped");
        return;
      }
      await prepare(parsed.data.tenantId, parsed.data.productId, job.attempt);
    },
  };
}
