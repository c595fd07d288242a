// A whole photo try-on inside a face worker: decode, landmarks, measure, place, render, encode.
// The main thread only hands over the upload and gets the encoded image back. Decoded photos are
// megabytes of short-lived memory; on the main thread they drove most of its garbage collection
// (each collection there walks the whole service's heap, and stalls every request), while a
// worker's heap is a few MB (issue #23: 2026-12-04). Loaded by face-worker.mjs; Node runs this
// TypeScript as it is (type stripping), as it does the workspace's other sources.
import { measureDetected } from "../analysis/measure-detected.ts";
import { decodeFull, downscaleForDetection, inspectPhoto, TRY_ON_DETECT_MAX_SIDE } from "../image/decode.ts";
import { computePlacement } from "../render/placement.ts";
import { renderTryOn } from "../render/render.ts";
import type { RawFace, TryOnJob, TryOnJobResult } from "./face-pool.ts";

type Detect = (pixels: Uint8Array, width: number, height: number) => Promise<{ faces: RawFace[]; detectMs: number }>;

/**
 * One view (placing a frame needs the pupils and the scale, and a try-on should cost one model
 * pass), detected on the decoded photo itself up to `TRY_ON_DETECT_MAX_SIDE`. Throws the same
 * AppErrors as face analysis (refused photos, NO_FACE); the worker passes them on by code.
 */
export async function runTryOnJob(job: TryOnJob, detect: Detect): Promise<TryOnJobResult> {
  const t0 = performance.now();
  const photo = Buffer.from(job.photo.buffer, job.photo.byteOffset, job.photo.byteLength);
  await inspectPhoto(photo);
  const image = await decodeFull(photo);
  const detectInput = await downscaleForDetection(image, TRY_ON_DETECT_MAX_SIDE);
  const t1 = performance.now();
  const found = await detect(detectInput.pixels, detectInput.width, detectInput.height);
  const t2 = performance.now();
  const { landmarks: _landmarks, ...face } = measureDetected(
    found.faces,
    null,
    detectInput.width,
    { width: image.width, height: image.height },
    job.child,
  );
  const placement = computePlacement(job.asset.info, face);
  const t3 = performance.now();
  const { pixels, width, height } = job.asset;
  const asset = { pixels: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), width, height };
  const rendered = await renderTryOn(image, asset, placement, {
    contentType: job.contentType,
    mmPerPixel: face.mmPerPixel,
  });
  return {
    face,
    placement,
    image: rendered.data,
    timings: {
      decode: t1 - t0,
      detect: found.detectMs,
      measure: t3 - t2,
      render: rendered.timings.render,
      encode: rendered.timings.encode,
    },
  };
}
