import { describe, expect, it } from "vitest";
import { IRIS_DIAMETER_MM, type Point3, sampleFromMesh, summarisePd } from "./placement.ts";

/** A synthetic mesh with known geometry: pupils `pdPx` apart, irises `irisPx` wide, rotated by `roll`. */
function mesh(opts: { pdPx: number; irisPx: number; roll?: number; cx?: number; cy?: number; faceWidthPx?: number }) {
  const { pdPx, irisPx, roll = 0, cx = 320, cy = 240, faceWidthPx = pdPx * 2.2 } = opts;
  const points: Point3[] = Array.from({ length: 478 }, () => [cx, cy, 0] as const);
  const rot = (x: number, y: number): Point3 => [
    cx + x * Math.cos(roll) - y * Math.sin(roll),
    cy + x * Math.sin(roll) + y * Math.cos(roll),
    0,
  ];
  const iris = (start: number, x: number) => {
    const r = irisPx / 2;
    points[start] = rot(x, 0);
    points[start + 1] = rot(x + r, 0);
    points[start + 2] = rot(x, -r * 0.8); // eyelid clips the vertical span
    points[start + 3] = rot(x - r, 0);
    points[start + 4] = rot(x, r * 0.8);
  };
  iris(468, pdPx / 2);
  iris(473, -pdPx / 2);
  points[234] = rot(-faceWidthPx / 2, 10);
  points[454] = rot(faceWidthPx / 2, 10);
  return points;
}

describe("sampleFromMesh", () => {
  it("measures PD from the iris scale", () => {
    // 63 mm PD with an 11.7 mm iris: at 10 px/mm the pupils are 630 px apart, the iris 117 px.
    const s = sampleFromMesh(mesh({ pdPx: 630, irisPx: 117 }))!;
    expect(s.pdMm).toBeCloseTo(63, 5);
    expect(s.pxPerMm).toBeCloseTo(117 / IRIS_DIAMETER_MM, 5);
  });

  it("gives the same millimetres at any image scale (metamorphic)", () => {
    const a = sampleFromMesh(mesh({ pdPx: 126, irisPx: 23.4, faceWidthPx: 280 }))!;
    const b = sampleFromMesh(mesh({ pdPx: 252, irisPx: 46.8, faceWidthPx: 560 }))!;
    expect(a.pdMm).toBeCloseTo(b.pdMm, 6);
    expect(a.faceWidthMm).toBeCloseTo(b.faceWidthMm, 6);
    expect(b.pxPerMm).toBeCloseTo(2 * a.pxPerMm, 6);
  });

  it("recovers the roll of a tilted head and keeps PD", () => {
    const roll = (12 * Math.PI) / 180;
    const s = sampleFromMesh(mesh({ pdPx: 200, irisPx: 37, roll }))!;
    expect(s.roll).toBeCloseTo(roll, 6);
    expect(s.cx).toBeCloseTo(320, 6);
    expect(s.pdMm).toBeCloseTo((200 * 11.7) / 37, 6);
  });

  it("keeps PD and the frontal scale on a turned head, as the server does", () => {
    // A turned head shortens the pupil distance and the irises' horizontal spans alike
    // (@varai/schema irisScale): PD is their ratio, and the scale is the frontal one.
    const yaw = Math.PI / 6;
    const s = sampleFromMesh(mesh({ pdPx: 200 * Math.cos(yaw), irisPx: 37 * Math.cos(yaw) }), { yaw })!;
    expect(s.pdMm).toBeCloseTo((200 * 11.7) / 37, 6);
    expect(s.pxPerMm).toBeCloseTo(37 / 11.7, 6);
  });

  it("counts a sample for PD only within the pose limits and the human ranges", () => {
    const deg = (d: number) => (d * Math.PI) / 180;
    // 63 mm PD, frontal and level.
    expect(sampleFromMesh(mesh({ pdPx: 630, irisPx: 117 }), { yaw: deg(5), pitch: deg(7) })?.measurable).toBe(true);
    expect(sampleFromMesh(mesh({ pdPx: 630, irisPx: 117 }), { yaw: deg(30) })?.measurable).toBe(false);
    expect(sampleFromMesh(mesh({ pdPx: 630, irisPx: 117, roll: deg(35) }))?.measurable).toBe(false);
    // A 95 mm PD: no human has it, whatever the pose.
    expect(sampleFromMesh(mesh({ pdPx: 950, irisPx: 117 }))?.measurable).toBe(false);
    // An iris 3 px wide cannot give a scale.
    expect(sampleFromMesh(mesh({ pdPx: 16.2, irisPx: 3 }))?.measurable).toBe(false);
  });

  it("refuses a mesh without iris points", () => {
    expect(sampleFromMesh(mesh({ pdPx: 200, irisPx: 37 }).slice(0, 468))).toBeNull();
  });
});

describe("summarisePd", () => {
  it("reports the median with the iris-scale uncertainty, ignoring blinks outside the human range", () => {
    const r = summarisePd([62, 63, 64, 63, 20, 63, 130])!;
    expect(r.valueMm).toBe(63);
    expect(r.uncertaintyMm).toBeCloseTo((0.5 / 11.7) * 63, 6);
  });

  it("waits for enough samples", () => {
    expect(summarisePd([63, 63])).toBeNull();
  });
});
