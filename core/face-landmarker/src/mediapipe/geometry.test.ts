import { describe, expect, it } from "vitest";
import type { PixelImage } from "../port.ts";
import { cropToImage, cropToTensor } from "./crop.ts";
import { anchors, decodeDetections, FULL_RANGE, letterbox, SHORT_RANGE } from "./detector.ts";
import { headAngles, roiFromDetection, roiFromLandmarks } from "./roi.ts";

describe("MediaPipe detector anchors and decoding", () => {
  it("lays out 896 anchors for the short-range detector and 2304 for the full-range one", () => {
    expect(anchors(SHORT_RANGE).length / 2).toBe(896);
    expect(anchors(FULL_RANGE).length / 2).toBe(2304);
    // First anchor: centre of the first 16 x 16 cell; the last: of the last 8 x 8 cell.
    expect([...anchors(SHORT_RANGE).slice(0, 2)]).toEqual([0.5 / 16, 0.5 / 16]);
    expect([...anchors(SHORT_RANGE).slice(-2)]).toEqual([7.5 / 8, 7.5 / 8]);
  });

  it("decodes a box and keypoints around their anchor and merges overlapping ones by score", () => {
    const n = 896;
    const regressors = new Float32Array(n * 16);
    const scores = new Float32Array(n).fill(-10);
    // Two neighbouring anchors fire on one 32 px face.
    for (const [i, score] of [
      [100, 3],
      [101, 1],
    ] as const) {
      scores[i] = score;
      regressors.set([0, 0, 32, 32, -8, -4, 8, -4], i * 16);
    }
    const [face, ...rest] = decodeDetections(SHORT_RANGE, regressors, scores);
    expect(rest).toHaveLength(0);
    const [ax, ay] = [anchors(SHORT_RANGE)[200] ?? 0, anchors(SHORT_RANGE)[201] ?? 0];
    expect(face?.box[2]).toBeCloseTo(0.25, 6);
    expect(face?.box[0]).toBeCloseTo(ax - 0.125, 6);
    expect(face?.keypoints[0]?.[1]).toBeCloseTo(ay - 4 / 128, 6);
    expect(face?.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
  });
});

describe("crops and ROIs", () => {
  it("samples a rotated crop whose pixels map back to where they came from", () => {
    const image: PixelImage = { data: new Uint8Array(64 * 48 * 3), width: 64, height: 48, channels: 3 };
    // A bright pixel at (40, 10).
    image.data.set([255, 255, 255], (10 * 64 + 40) * 3);
    const roi = { cx: 32, cy: 24, width: 64, height: 64, rotation: 0.4 };
    const crop = cropToTensor(image, roi, 64, [0, 1]);
    let best = 0;
    for (let i = 0; i < 64 * 64; i++) if ((crop[i * 3] ?? 0) > (crop[best * 3] ?? 0)) best = i;
    const [x, y] = cropToImage(roi, 64, (best % 64) + 0.5, Math.floor(best / 64) + 0.5);
    expect(Math.hypot(x - 40.5, y - 10.5)).toBeLessThan(1);
  });

  it("samples a mirrored image exactly as its flipped copy, borders included", () => {
    const width = 37;
    const height = 23;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const flipped = new Uint8Array(data.length);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        flipped.set(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3), (y * width + (width - 1 - x)) * 3);
    // A rotated crop reaching past the left and top borders.
    const roi = { cx: 8, cy: 6, width: 30, height: 26, rotation: 0.3 };
    for (const flip of [false, true]) {
      const viaFlag = cropToTensor({ data, width, height, channels: 3, mirrored: true }, roi, 24, [-1, 1], flip);
      const viaCopy = cropToTensor({ data: flipped, width, height, channels: 3 }, roi, 24, [-1, 1], flip);
      let worst = 0;
      for (let i = 0; i < viaCopy.length; i++) worst = Math.max(worst, Math.abs((viaFlag[i] ?? 0) - (viaCopy[i] ?? 0)));
      expect(worst).toBeLessThan(1e-5);
      // Not the unmirrored image's crop.
      const plain = cropToTensor({ data, width, height, channels: 3 }, roi, 24, [-1, 1], flip);
      expect(plain.some((v, i) => Math.abs(v - (viaCopy[i] ?? 0)) > 0.1)).toBe(true);
    }
  });

  it("pads outside the image with lo and blends only the inside neighbours at the border", () => {
    const image: PixelImage = { data: new Uint8Array(10 * 10 * 4).fill(255), width: 10, height: 10, channels: 4 };
    // A 20 px square centred on the image's right edge: its left half is image, its right half padding.
    const crop = cropToTensor(image, { cx: 10, cy: 5, width: 20, height: 20, rotation: 0 }, 20, [-1, 1]);
    const at = (u: number, v: number) => crop[(v * 20 + u) * 3] ?? Number.NaN;
    expect(at(5, 10)).toBeCloseTo(1, 6);
    expect(at(15, 10)).toBeCloseTo(-1, 6);
    // The last column inside reads the image's last pixel, the next one only padding.
    expect(at(9, 10)).toBeCloseTo(1, 6);
    expect(at(10, 10)).toBeCloseTo(-1, 6);
    // Above the image: padding.
    expect(at(5, 0)).toBeCloseTo(-1, 6);
  });

  it("letterboxes the whole frame and makes a square, eye-aligned face ROI 1.5 x the face", () => {
    expect(letterbox(640, 480)).toEqual({ cx: 320, cy: 240, width: 640, height: 640, rotation: 0 });
    const roi = roiFromDetection([100, 100, 80, 60], [120, 120], [160, 160]);
    expect(roi).toMatchObject({ cx: 140, cy: 130, width: 120, height: 120 });
    expect(roi.rotation).toBeCloseTo(Math.PI / 4, 9);
  });

  it("tracks from landmarks: the ROI turns with the eye line 33 -> 263 and does not grow on a tilted face", () => {
    const level = new Float32Array(468 * 3);
    // A 100 x 100 square of points centred on (200, 150), eyes level.
    for (let i = 0; i < 468; i++) level.set([150 + (i % 2) * 100, 100 + (i % 3 === 0 ? 0 : 100), 0], i * 3);
    level.set([170, 130, 0], 33 * 3);
    level.set([230, 130, 0], 263 * 3);
    const a = roiFromLandmarks(level);
    expect(a.rotation).toBeCloseTo(0, 9);
    expect(a.width).toBeCloseTo(150, 6);
    expect(a.cx).toBeCloseTo(200, 6);
    // The same face rotated 30 degrees about (200, 150).
    const t = Math.PI / 6;
    const tilted = new Float32Array(level.length);
    for (let i = 0; i < 468; i++) {
      const dx = (level[i * 3] ?? 0) - 200;
      const dy = (level[i * 3 + 1] ?? 0) - 150;
      tilted.set([200 + dx * Math.cos(t) - dy * Math.sin(t), 150 + dx * Math.sin(t) + dy * Math.cos(t), 0], i * 3);
    }
    const b = roiFromLandmarks(tilted);
    expect(b.rotation).toBeCloseTo(t, 6);
    expect(b.width).toBeCloseTo(150, 4);
    expect(Math.hypot(b.cx - 200, b.cy - 150)).toBeLessThan(1e-6);
  });

  it("reads a frontal, level mesh as no rotation and a turned one as yaw", () => {
    const mesh = new Float32Array(478 * 3);
    const put = (i: number, x: number, y: number, z: number) => mesh.set([x, y, z], i * 3);
    put(10, 0, -100, 0);
    put(152, 0, 100, 0);
    put(234, -70, 0, 0);
    put(454, 70, 0, 0);
    expect(headAngles(mesh, 1)).toEqual({ pitch: 0, yaw: 0, roll: 0 });
    // Cheeks turned by 20 degrees about the vertical axis.
    const t = (20 * Math.PI) / 180;
    put(234, -70 * Math.cos(t), 0, 70 * Math.sin(t));
    put(454, 70 * Math.cos(t), 0, -70 * Math.sin(t));
    expect(Math.abs(headAngles(mesh, 1).yaw)).toBeCloseTo(t, 6);
  });
});
