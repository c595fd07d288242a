import { describe, expect, it } from "vitest";
import { LM } from "./landmarks.ts";
import { IRIS_DIAMETER_MM, type MeasureInput, measureFace } from "./measure.ts";

/**
 * A frontal, level face with known geometry in pixels, centred at (400, 300) in an 800x600
 * photo: the pupils `iodPx` apart, irises `irisPx` wide, the other measured spans as given.
 */
function face(
  geometry: { iodPx: number; irisPx: number; widthPx: number; lengthPx?: number },
  options: Partial<MeasureInput> = {},
): MeasureInput {
  const { iodPx, irisPx, widthPx, lengthPx = widthPx * 1.15 } = geometry;
  const cx = 400;
  const cy = 300;
  const landmarks: Array<[number, number, number]> = Array.from({ length: 478 }, () => [cx, cy, 0]);
  const set = (i: number, x: number, y: number) => {
    landmarks[i] = [cx + x, cy + y, 0];
  };
  const iris = (center: number, ring: readonly number[], x: number) => {
    const r = irisPx / 2;
    set(center, x, 0);
    const edges: Array<[number, number]> = [
      [x + r, 0],
      [x, -r],
      [x - r, 0],
      [x, r],
    ];
    for (const [k, [ex, ey]] of edges.entries()) set(ring[k] as number, ex, ey);
  };
  iris(LM.leftIris.center, LM.leftIris.ring, iodPx / 2);
  iris(LM.rightIris.center, LM.rightIris.ring, -iodPx / 2);
  const span = (pair: readonly [number, number], half: number, y: number) => {
    set(pair[0], -half, y);
    set(pair[1], half, y);
  };
  span(LM.faceWidth, widthPx / 2, 10);
  span(LM.jawWidth, widthPx * 0.4, lengthPx * 0.45);
  span(LM.foreheadWidth, widthPx * 0.44, -lengthPx * 0.3);
  span(LM.chinWidth, widthPx * 0.22, lengthPx * 0.55);
  set(LM.faceLength[0], 0, -lengthPx * 0.4);
  set(LM.faceLength[1], 0, lengthPx * 0.6);
  return {
    landmarks,
    box: { x: cx - widthPx / 2, y: cy - lengthPx / 2, width: widthPx, height: lengthPx },
    imageSize: { width: 800, height: 600 },
    angle: { yaw: 0, pitch: (7 * Math.PI) / 180 },
    faceCount: 1,
    detectionScale: 1,
    ...options,
  };
}

// Pixels for a face of PD `pdMm` and width `widthMm` with an iris `irisPx` wide.
const px = (mm: number, irisPx: number) => (mm * irisPx) / IRIS_DIAMETER_MM;

describe("measureFace", () => {
  it("measures a frontal face with human figures, face shape included", () => {
    const r = measureFace(face({ iodPx: px(63, 18), irisPx: 18, widthPx: px(138, 18) }));
    expect(r.measurements).toMatchObject({ status: "measured", pupillaryDistance: { valueMm: 63 } });
    expect(r.faceShape.status).toBe("measured");
  });

  it("withholds the figures and the face shape when a figure is outside the human range", () => {
    // The iris read a third too small: PD 95 mm and a 200 mm wide face, which nobody has.
    const r = measureFace(face({ iodPx: px(63, 18), irisPx: 12, widthPx: px(133, 18) }));
    expect(r.measurements).toEqual({
      status: "withheld",
      reason: "OUT_OF_HUMAN_RANGE",
      exceeded: expect.arrayContaining(["pupillaryDistance", "faceWidth"]),
    });
    expect(r.faceShape).toEqual(r.measurements);
    // The landmarks and the pose are still there (the frame can be placed), the figures are not.
    expect(r.landmarks).toHaveLength(478);
    expect(JSON.stringify(r)).not.toContain("valueMm");
  });

  it("accepts a child's 45 mm PD only in child mode", () => {
    const child = face({ iodPx: px(45, 18), irisPx: 18, widthPx: px(118, 18) });
    expect(measureFace(child).measurements).toEqual({
      status: "withheld",
      reason: "OUT_OF_HUMAN_RANGE",
      exceeded: ["pupillaryDistance"],
    });
    expect(measureFace({ ...child, child: true }).measurements).toMatchObject({
      status: "measured",
      pupillaryDistance: { valueMm: 45 },
    });
  });

  it("judges the iris size in the pixels the models saw, not the photo's", () => {
    // 6 px in the photo, but the photo was halved for detection: 3 px, too few.
    const r = measureFace(face({ iodPx: px(63, 6), irisPx: 6, widthPx: px(138, 6) }, { detectionScale: 2 }));
    expect(r.measurements).toEqual({ status: "withheld", reason: "FACE_TOO_SMALL", exceeded: ["irisDiameter"] });
    const sameAtFullSize = measureFace(face({ iodPx: px(63, 6), irisPx: 6, widthPx: px(138, 6) }));
    expect(sameAtFullSize.measurements.status).toBe("measured");
  });

  it("withholds a head turned beyond the yaw limit even when the figures look human", () => {
    const r = measureFace(
      face({ iodPx: px(63, 18), irisPx: 18, widthPx: px(138, 18) }, { angle: { yaw: 0.35, pitch: 0.1 } }),
    );
    expect(r.measurements).toEqual({ status: "withheld", reason: "POSE_TOO_STRONG", exceeded: ["yaw"] });
  });
});
