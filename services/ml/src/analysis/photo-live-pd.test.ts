import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { type FaceSample, sampleFromMesh, summarisePd } from "@varai/widget-try-on/placement";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFacePool, type FacePool } from "../engine/face-pool.ts";
import { testLandmarker } from "../engine/test-landmarker.ts";
import { type AnalyzedPhoto, analyzePhoto } from "./analyze.ts";
import { measuredFigures } from "./measured-figures.ts";
import { turnHead } from "./turn-head.ts";

// astronaut.png (NASA, public domain) is extracted from Debian's python3-skimage by
// scripts/fetch-test-photos.sh; CI runs it before the tests.
const PHOTO = path.resolve(import.meta.dirname, "../../../../test-artifacts/photos/astronaut.png");
function photoAvailable(): boolean {
  if (!existsSync(PHOTO) && process.env.CI) throw new Error(`${PHOTO} missing: run bash scripts/fetch-test-photos.sh`);
  return existsSync(PHOTO);
}

/**
 * Stand-ins for a camera's frames of the same face: the photo slightly moved, turned, rescaled
 * and recompressed, each seen once by the models (one view, as live mode sees a video frame).
 */
const FRAMES: Array<[string, (src: Buffer, base: AnalyzedPhoto) => Promise<Buffer>]> = [
  ["as is", async (src) => src],
  ["mirrored", (src) => sharp(src).flop().png().toBuffer()],
  ["JPEG q85", (src) => sharp(src).jpeg({ quality: 85 }).toBuffer()],
  ["JPEG q70", (src) => sharp(src).jpeg({ quality: 70 }).toBuffer()],
  ["scaled x0.75", (src) => sharp(src).resize(384).png().toBuffer()],
  ["scaled x1.5", (src) => sharp(src).resize(768).png().toBuffer()],
  ["tilted +5", (src) => sharp(src).rotate(5, { background: "#808080" }).png().toBuffer()],
  ["tilted -5", (src) => sharp(src).rotate(-5, { background: "#808080" }).png().toBuffer()],
  ["turned +5", (src, base) => turnHead(src, base.face.landmarks, "yaw", 5)],
  ["turned -5", (src, base) => turnHead(src, base.face.landmarks, "yaw", -5)],
  // Read as about 7 degrees of yaw: where a rule that corrects PD for yaw and one that does not part.
  ["turned +10", (src, base) => turnHead(src, base.face.landmarks, "yaw", 10)],
  ["turned -10", (src, base) => turnHead(src, base.face.landmarks, "yaw", -10)],
];

const rad = (deg: number) => (deg * Math.PI) / 180;

/** What live mode takes from a frame: the mesh and the head angles in radians. */
function liveSample(frame: AnalyzedPhoto): FaceSample | null {
  const { yawDeg, pitchDeg } = frame.face.headPose;
  return sampleFromMesh(frame.face.landmarks, { yaw: rad(yawDeg), pitch: rad(pitchDeg) });
}

describe.skipIf(!photoAvailable())("photo mode and live mode give the same PD for the same face", () => {
  let pool: FacePool;
  let photo: AnalyzedPhoto;
  const frames = new Map<string, AnalyzedPhoto>();

  beforeAll(async () => {
    pool = createFacePool({ workers: 1, landmarker: testLandmarker() });
    await pool.start();
    const src = readFileSync(PHOTO);
    // Photo mode: POST /v1/face-analysis, both views.
    photo = await analyzePhoto(pool, src);
    for (const [name, make] of FRAMES) {
      frames.set(name, await analyzePhoto(pool, await make(src, photo), { mirroredView: false }));
    }
  }, 120_000);
  afterAll(async () => {
    await pool?.stop();
  });

  it("reads the same PD from every frame in both modes (one rule, @varai/schema iris-scale.ts)", () => {
    let compared = 0;
    for (const [name, frame] of frames) {
      // A frame beyond the pose limits has no server PD (and live mode does not count it).
      if (frame.face.measurements.status !== "measured") continue;
      compared++;
      const server = measuredFigures(frame.face).measurements.pupillaryDistance.valueMm;
      const live = liveSample(frame);
      // The server rounds PD to 0.1 mm (0.05) and landmarks to 0.01 px: on an ~8 px iris, the
      // mm scale, 0.005 px at each end of its diameter is 0.09 % of every figure. That much and
      // no more (the two rules of before parted by 0.4-0.5 mm on the frames turned by 10 degrees).
      const irisPx = 11.7 / frame.face.mmPerPixel;
      const rounding = 0.05 + server * ((0.005 * 2 * Math.SQRT2) / irisPx) + 0.005;
      expect(Math.abs((live?.pdMm ?? 0) - server), `${name}: live ${live?.pdMm}, photo ${server}`).toBeLessThanOrEqual(
        rounding,
      );
    }
    expect(compared).toBeGreaterThanOrEqual(FRAMES.length - 2);
  });

  it("reports a live PD within the stated uncertainty of the photo's", () => {
    const samples = [...frames.values()].map(liveSample).filter((s): s is FaceSample => !!s?.measurable);
    expect(samples.length).toBeGreaterThanOrEqual(8);
    const live = summarisePd(samples.map((s) => s.pdMm));
    const photoPd = measuredFigures(photo.face).measurements.pupillaryDistance;
    expect(live).not.toBeNull();
    const difference = Math.abs((live?.valueMm ?? 0) - photoPd.valueMm);
    expect(difference).toBeLessThanOrEqual(live?.uncertaintyMm ?? 0);
    expect(difference).toBeLessThanOrEqual(photoPd.uncertaintyMm);
  });
});
