import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { MIRROR_INDEX } from "@varai/face-landmarker";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFacePool, type FacePool } from "./face-pool.ts";
// Plain JS module (the worker loads it); importing it runs nothing.
// @ts-expect-error no type declarations for the worker module
import { landmarkMirrorIndex, loadHuman } from "./human-landmarker.mjs";
import { testLandmarker } from "./test-landmarker.ts";

const PHOTO = path.resolve(import.meta.dirname, "../../../../test-artifacts/photos/astronaut.png");
function photoAvailable(): boolean {
  if (!existsSync(PHOTO) && process.env.CI) throw new Error(`${PHOTO} missing: run bash scripts/fetch-test-photos.sh`);
  return existsSync(PHOTO);
}

describe("landmark mirror index", () => {
  it("pairs every landmark with its mirror image, from human's own face UV map", async () => {
    const human = await loadHuman({});
    const index: number[] = landmarkMirrorIndex(human.faceUVMap);
    expect(index).toHaveLength(478);
    // An involution: mirroring twice is the identity.
    expect(index.every((j, i) => index[j] === i)).toBe(true);
    // Outer and inner eye corners, cheeks, iris centres and rings swap; nose tip, chin and
    // forehead top stay.
    for (const [a, b] of [
      [33, 263],
      [133, 362],
      [234, 454],
      [468, 473],
      [469, 474],
      [471, 476],
      [1, 1],
      [152, 152],
      [10, 10],
    ] as const) {
      expect(index[a]).toBe(b);
    }
    // A face's midline: 28 points map to themselves.
    expect(index.filter((j, i) => j === i)).toHaveLength(28);
    expect(() => landmarkMirrorIndex(human.faceUVMap.slice(1))).toThrow(/468/);
    // The port's table (@varai/face-landmarker), which every implementation's mirrored view uses.
    expect([...MIRROR_INDEX]).toEqual(index);
  });
});

describe.skipIf(!photoAvailable())("mirrored detection (astronaut.png)", () => {
  let pool: FacePool;
  beforeAll(async () => {
    pool = createFacePool({ workers: 1, landmarker: testLandmarker() });
    await pool.start();
  }, 60_000);
  afterAll(() => pool?.stop());

  it("returns the landmarks in the photo's own frame and numbering", async () => {
    const { data, info } = await sharp(readFileSync(PHOTO)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const direct = (await pool.detect(data, info.width, info.height)).faces[0];
    const mirrored = (await pool.detect(data, info.width, info.height, { mirrored: true })).faces[0];
    if (!direct || !mirrored) throw new Error("no face found");
    const at = (mesh: Float32Array, i: number) => [mesh[i * 3] ?? 0, mesh[i * 3 + 1] ?? 0] as const;
    // Same eye, same place: within a few pixels (two looks by a model that is not exactly
    // mirror-symmetric: human within 3 px, MediaPipe's mesh puts the chin 4.2 px apart); the
    // other eye is ~43 px away.
    for (const i of [468, 473, 33, 263, 1, 152]) {
      const [x1, y1] = at(direct.mesh, i);
      const [x2, y2] = at(mirrored.mesh, i);
      expect(Math.hypot(x1 - x2, y1 - y2), `landmark ${i}`).toBeLessThan(5);
    }
    expect(Math.abs((mirrored.box[0] ?? 0) - (direct.box[0] ?? 0))).toBeLessThan(6);
    expect(Math.abs((mirrored.angle?.roll ?? 0) - (direct.angle?.roll ?? 0))).toBeLessThan(0.05);
  });
});
