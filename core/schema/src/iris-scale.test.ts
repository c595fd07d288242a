import { describe, expect, it } from "vitest";
import { IRIS_DIAMETER_MM, irisPdUncertaintyMm, irisScale, type MeshPoint, pupillaryDistanceMm } from "./index.ts";

/** Iris points of a level face: pupils `pdPx` apart, irises `irisPx` wide (the vertical span clipped). */
function mesh(pdPx: number, irisPx: number): MeshPoint[] {
  const points: MeshPoint[] = Array.from({ length: 478 }, () => [0, 0, 0]);
  const iris = (center: number, x: number) => {
    points[center] = [x, 0];
    points[center + 1] = [x + irisPx / 2, 0];
    points[center + 2] = [x, -irisPx * 0.4];
    points[center + 3] = [x - irisPx / 2, 0];
    points[center + 4] = [x, irisPx * 0.4];
  };
  iris(468, pdPx / 2);
  iris(473, -pdPx / 2);
  return points;
}

describe("irisScale and pupillaryDistanceMm", () => {
  it("measures PD on the 11.7 mm iris, from its horizontal span", () => {
    // 63 mm at 10 px/mm: 630 px between the pupils, 117 px across each iris.
    const scale = irisScale(mesh(630, 117));
    expect(scale.irisDiameterPx).toBeCloseTo(117, 9);
    expect(scale.mmPerPixel).toBeCloseTo(IRIS_DIAMETER_MM / 117, 12);
    expect(pupillaryDistanceMm(mesh(630, 117), scale).valueMm).toBeCloseTo(63, 9);
  });

  it("gives the same PD at any image scale", () => {
    const small = mesh(126, 23.4);
    const large = mesh(252, 46.8);
    expect(pupillaryDistanceMm(small, irisScale(small)).valueMm).toBeCloseTo(
      pupillaryDistanceMm(large, irisScale(large)).valueMm,
      9,
    );
  });

  it("keeps PD on a turned head, whose pupil distance and irises shorten alike, and gives the frontal scale", () => {
    const yaw = (20 * Math.PI) / 180;
    const turned = mesh(630 * Math.cos(yaw), 117 * Math.cos(yaw));
    const scale = irisScale(turned, yaw);
    expect(pupillaryDistanceMm(turned, scale).valueMm).toBeCloseTo(63, 9);
    expect(1 / scale.mmPerPixel).toBeCloseTo(117 / IRIS_DIAMETER_MM, 9);
  });

  it("states about 2.7 mm of uncertainty on a 63 mm PD (TRYON.md), a little more with landmark noise", () => {
    expect(irisPdUncertaintyMm(63)).toBeCloseTo(2.69, 2);
    const m = mesh(630, 117);
    const pd = pupillaryDistanceMm(m, irisScale(m));
    expect(pd.uncertaintyMm).toBeGreaterThan(irisPdUncertaintyMm(63));
    expect(pd.uncertaintyMm).toBeLessThan(irisPdUncertaintyMm(63) + 0.1);
  });
});
