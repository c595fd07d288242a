import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createMediapipeLandmarker, type MediapipeModels, type PixelImage } from "@varai/face-landmarker";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
// Plain JS module (the worker loads it); importing it runs nothing.
// @ts-expect-error no type declarations for the worker module
import { loadMediapipeNodeModels } from "./mediapipe-landmarker.mjs";

const PHOTO = path.resolve(import.meta.dirname, "../../../../test-artifacts/photos/astronaut.png");
function photoAvailable(): boolean {
  if (!existsSync(PHOTO) && process.env.CI) throw new Error(`${PHOTO} missing: run bash scripts/fetch-test-photos.sh`);
  return existsSync(PHOTO);
}

/** A 640 x 480 camera frame with the photo at (left, top), scaled to `size` px. */
async function frame(left: number, top: number, size = 400): Promise<PixelImage> {
  const face = await sharp(readFileSync(PHOTO)).resize(size).toBuffer();
  const { data } = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#606060" } })
    .composite([{ input: face, left, top }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: 640, height: 480, channels: 3 };
}

describe.skipIf(!photoAvailable())("MediaPipe landmarker in video mode (ROI tracking)", () => {
  let models: MediapipeModels;
  const calls = { detect: 0 };
  beforeAll(async () => {
    const real: MediapipeModels = await loadMediapipeNodeModels();
    // Counts detector runs; the models themselves are the real ones.
    models = { ...real, detect: (spec, input) => (calls.detect++, real.detect(spec, input)) };
  }, 60_000);

  it("runs the detector on the first frame only while the face moves, and follows it", async () => {
    const landmarker = createMediapipeLandmarker(models);
    calls.detect = 0;
    let previous: number | null = null;
    for (let i = 0; i < 6; i++) {
      const [face] = await landmarker.detect(await frame(60 + i * 12, 20 + i * 4), { mode: "video" });
      if (!face) throw new Error(`frame ${i}: face lost`);
      const x = face.irises.left.center[0];
      if (previous !== null) expect(x - previous).toBeCloseTo(12, 0);
      previous = x;
    }
    expect(calls.detect).toBe(1);
  });

  it("finds the face again with the detector once it is lost", async () => {
    const landmarker = createMediapipeLandmarker(models);
    await landmarker.detect(await frame(60, 20), { mode: "video" });
    calls.detect = 0;
    const empty: PixelImage = { data: new Uint8Array(640 * 480 * 3).fill(96), width: 640, height: 480, channels: 3 };
    expect(await landmarker.detect(empty, { mode: "video" })).toEqual([]);
    expect(calls.detect).toBeGreaterThanOrEqual(1);
    const [back] = await landmarker.detect(await frame(200, 60), { mode: "video" });
    expect(back?.irises.left.center[0]).toBeGreaterThan(200);
  });

  it("runs the detector on every photo", async () => {
    const landmarker = createMediapipeLandmarker(models);
    calls.detect = 0;
    await landmarker.detect(await frame(60, 20));
    await landmarker.detect(await frame(66, 22));
    expect(calls.detect).toBe(2);
  });
});
