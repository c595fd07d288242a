import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFacePool, type FacePool } from "../engine/face-pool.ts";
import { testLandmarker } from "../engine/test-landmarker.ts";
import { type AnalyzedPhoto, analyzePhoto } from "./analyze.ts";
import { MIRROR_PAIRS } from "./landmarks.ts";
import { measuredFigures } from "./measured-figures.ts";

// CI's set-up extracts the photo: there a missing one is a broken run, never a silent skip.
function photoAvailable(): boolean {
  if (!existsSync(PHOTO) && process.env.CI) throw new Error(`${PHOTO} missing: run bash scripts/fetch-test-photos.sh`);
  return existsSync(PHOTO);
}

// astronaut.png (NASA, public domain) is extracted from Debian's python3-skimage by
// scripts/fetch-test-photos.sh; CI runs it before the tests.
const PHOTO = path.resolve(import.meta.dirname, "../../../../test-artifacts/photos/astronaut.png");

type Pt = readonly [number, number];
interface Variant {
  name: string;
  make(src: Buffer): Promise<Buffer>;
  /** Maps a point of the variant back into the original photo. */
  back(p: Pt, size: { width: number; height: number }): Pt;
  mirrored?: boolean;
}

const ORIGINAL = { width: 512, height: 512 };
function rotation(deg: number): Variant {
  const t = (deg * Math.PI) / 180;
  return {
    name: `rotated ${deg > 0 ? "+" : ""}${deg} degrees`,
    make: (src) => sharp(src).rotate(deg, { background: "#808080" }).png().toBuffer(),
    // sharp rotates clockwise about the centre and grows the canvas to fit.
    back: ([x, y], size) => {
      const dx = x - size.width / 2;
      const dy = y - size.height / 2;
      return [
        ORIGINAL.width / 2 + dx * Math.cos(t) + dy * Math.sin(t),
        ORIGINAL.height / 2 - dx * Math.sin(t) + dy * Math.cos(t),
      ];
    },
  };
}

const VARIANTS: Variant[] = [
  {
    name: "scaled x0.5",
    make: (src) => sharp(src).resize(256, 256).png().toBuffer(),
    back: ([x, y]) => [x * 2, y * 2],
  },
  {
    name: "scaled x2",
    make: (src) => sharp(src).resize(1024, 1024).png().toBuffer(),
    back: ([x, y]) => [x / 2, y / 2],
  },
  rotation(15),
  rotation(-15),
  {
    name: "mirrored",
    make: (src) => sharp(src).flop().png().toBuffer(),
    back: ([x, y]) => [ORIGINAL.width - x, y],
    mirrored: true,
  },
  {
    name: "re-encoded as JPEG q60",
    make: (src) => sharp(src).jpeg({ quality: 60 }).toBuffer(),
    back: (p) => p,
  },
];

describe.skipIf(!photoAvailable())("face analysis is stable under photo transformations (astronaut.png)", () => {
  let pool: FacePool;
  let base: AnalyzedPhoto;
  const results = new Map<string, AnalyzedPhoto>();
  const figures: Record<string, unknown>[] = [];

  beforeAll(async () => {
    pool = createFacePool({ workers: 1, landmarker: testLandmarker() });
    await pool.start();
    const src = readFileSync(PHOTO);
    base = await analyzePhoto(pool, src);
    for (const v of VARIANTS) results.set(v.name, await analyzePhoto(pool, await v.make(src)));
  }, 120_000);
  afterAll(async () => {
    // Printed so that a failing run reports the measured figures, not just a boolean.
    console.table(figures);
    await pool?.stop();
  });

  const pdOf = (r: AnalyzedPhoto) =>
    measuredFigures(r.face).measurements.pupillaryDistance.valueMm -
    measuredFigures(base.face).measurements.pupillaryDistance.valueMm;
  function compare(v: Variant) {
    const r = results.get(v.name) as AnalyzedPhoto;
    const lm = base.face.landmarks;
    const iod = Math.hypot(
      base.face.irisCenters.left.x - base.face.irisCenters.right.x,
      base.face.irisCenters.left.y - base.face.irisCenters.right.y,
    );
    const pairs: Array<readonly [number, number]> = v.mirrored
      ? MIRROR_PAIRS.flatMap(([a, b]) => (a === b ? [[a, b] as const] : [[a, b] as const, [b, a] as const]))
      : lm.map((_, i) => [i, i] as const);
    const errors = pairs.map(([i, j]) => {
      const [x, y] = v.back([r.face.landmarks[j]?.[0] ?? 0, r.face.landmarks[j]?.[1] ?? 0], r.face.imageSize);
      return Math.hypot(x - (lm[i]?.[0] ?? 0), y - (lm[i]?.[1] ?? 0)) / iod;
    });
    const meanError = errors.reduce((a, b) => a + b, 0) / errors.length;
    if (figures.some((f) => f.variant === v.name)) return { r, pdDiff: pdOf(r), meanError };
    const pdDiff =
      measuredFigures(r.face).measurements.pupillaryDistance.valueMm -
      measuredFigures(base.face).measurements.pupillaryDistance.valueMm;
    figures.push({
      variant: v.name,
      pdMm: measuredFigures(r.face).measurements.pupillaryDistance.valueMm,
      basePdMm: measuredFigures(base.face).measurements.pupillaryDistance.valueMm,
      pdDiffMm: Math.round(pdDiff * 100) / 100,
      label: measuredFigures(r.face).faceShape.label,
      baseLabel: measuredFigures(base.face).faceShape.label,
      meanLandmarkErrorPctIod: Math.round(meanError * 1000) / 10,
      maxLandmarkErrorPctIod: Math.round(Math.max(...errors) * 1000) / 10,
    });
    return { r, pdDiff, meanError };
  }

  // Targets from the issue that this pipeline does NOT meet on astronaut.png (512x512, iris
  // ~8 px wide). The iris ring is regressed from a 64x64 crop of a ~25 px eye, so one view's iris
  // diameter (the mm scale) moves 2-3 % between copies of a photo. Face analysis therefore
  // measures from the photo and its mirror image together (analyze.ts, mergeViews), which halves
  // that spread and makes a mirrored photo measure exactly like the original.
  // Measured with human (deterministic wasm, both views, human fixes in human-landmarker.mjs):
  //   PD diff mm: x0.5 +2.1, x2 -0.7, +15deg -0.1, -15deg -0.4, mirror 0.0, JPEG q60 -0.8
  //   mean landmark error, % of IOD: x0.5 1.1, x2 0.9, +15deg 2.3, -15deg 1.7, mirror 0.0, q60 0.7
  // One view only (before): PD +1.7 / -1.5 / -1.2 / -1.0 / -1.6 / -1.5 mm, landmarks 1.0 / 1.1 /
  // 1.6 / 1.9 / 2.04 / 0.8 %. At x0.5 the iris is ~4 px wide: below what the iris model resolves.
  // Measured with mediapipe (2026-12-04, short-range detector with the full-range fallback, both
  // views): PD diff x0.5 +3.0, x2 +0.9, +15deg +0.9, -15deg +1.0, mirror 0.0, JPEG q60 +1.6;
  // landmarks 0.8 / 0.9 / 1.9 / 2.0 / 0.0 / 0.6 % of IOD. With the full-range detector alone
  // (2026-12-03): +3.6 / +0.3 / +0.7 / +1.4 / 0.0 / -0.5 mm, 0.7 / 0.7 / 1.4 / 1.5 / 0.0 / 0.5 %:
  // the detector only places the first crop, yet the iris diameter follows it by ~1 mm, which is
  // the iris model's spread again (at x0.5 the iris is ~4 px wide), inside the stated PD
  // uncertainty (~2.7 mm) either way.
  // These stay as expected failures (it.fails): they turn red the day they start passing, so
  // the list is tightened rather than forgotten. Do not widen the thresholds instead.
  const KNOWN_FAILURES = new Set(
    {
      human: ["scaled x0.5/pd", "rotated +15 degrees/landmarks"],
      mediapipe: ["scaled x0.5/pd", "re-encoded as JPEG q60/pd"],
    }[testLandmarker()],
  );
  const check = (v: Variant, what: string, title: string, fn: () => void) =>
    KNOWN_FAILURES.has(`${v.name}/${what}`) ? it.fails(`${title} (known failure, see figures)`, fn) : it(title, fn);

  for (const v of VARIANTS) {
    describe(v.name, () => {
      check(v, "pd", "keeps the PD within 1.0 mm", () => {
        expect(Math.abs(compare(v).pdDiff)).toBeLessThanOrEqual(1.0);
      });
      check(v, "label", "keeps the same top face-shape label", () => {
        expect(measuredFigures(compare(v).r.face).faceShape.label).toBe(measuredFigures(base.face).faceShape.label);
      });
      check(v, "landmarks", "maps landmarks back within 2 % of the inter-ocular distance (mean)", () => {
        expect(compare(v).meanError).toBeLessThanOrEqual(0.02);
      });
    });
  }

  it("measures the original within human ranges, with the iris-scale uncertainty of TRYON.md", () => {
    const m = measuredFigures(base.face).measurements;
    expect(m.pupillaryDistance.valueMm).toBeGreaterThan(50);
    expect(m.pupillaryDistance.valueMm).toBeLessThan(75);
    // 0.5 / 11.7 * PD is ~2.7 mm at 63 mm; landmark noise adds a little.
    expect(m.pupillaryDistance.uncertaintyMm).toBeGreaterThanOrEqual((0.5 / 11.7) * m.pupillaryDistance.valueMm - 0.05);
    expect(m.pupillaryDistance.uncertaintyMm).toBeLessThan(5);
    expect(m.faceWidth.valueMm).toBeGreaterThan(110);
    expect(m.faceWidth.valueMm).toBeLessThan(170);
    expect(base.face.landmarks).toHaveLength(478);
    expect(Object.values(measuredFigures(base.face).faceShape.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
  });
});
