import { describe, expect, it } from "vitest";
import { combinedFit, decentrationPerEye, explainFit, frameWidthOf, lensHeightScore, widthScore } from "./fit.ts";

const face = { pupillaryDistanceMm: 63, faceWidthMm: 136, faceLengthMm: 190 };

describe("fit in millimetres", () => {
  it("computes decentration per eye as (lens + bridge - PD) / 2", () => {
    expect(decentrationPerEye(52, 18, 63)).toBe(3.5);
    expect(decentrationPerEye(48, 16, 63)).toBe(0.5);
    expect(decentrationPerEye(44, 15, 63)).toBe(-2);
  });

  it("scores a frame within 4 mm of the face width as a full width match and falls off beyond", () => {
    expect(widthScore(138, 136)).toBe(1);
    expect(widthScore(140, 136)).toBe(1);
    expect(widthScore(145, 136)).toBeCloseTo(Math.exp(-0.5 * (5 / 5) ** 2), 6);
    expect(widthScore(124, 136)).toBeLessThan(widthScore(130, 136));
  });

  it("estimates total width from the size label when the frame width is missing", () => {
    expect(frameWidthOf({ lensWidthMm: 52, bridgeWidthMm: 18 })).toEqual({ valueMm: 134, estimated: true });
    expect(frameWidthOf({ frameWidthMm: 140, lensWidthMm: 52, bridgeWidthMm: 18 })).toEqual({
      valueMm: 140,
      estimated: false,
    });
    expect(frameWidthOf({ templeLengthMm: 140 })).toBeNull();
  });

  it("prefers lens heights near 18 % of face length", () => {
    expect(lensHeightScore(34, 190)).toBe(1);
    expect(lensHeightScore(44, 190)).toBeLessThan(0.2);
  });

  it("explains a good fit with the real numbers", () => {
    const fit = explainFit({ frameWidthMm: 138, lensWidthMm: 50, bridgeWidthMm: 18, lensHeightMm: 35 }, face);
    expect(fit.score).toBe(1);
    expect(fit.badges).toEqual(["width-match", "pd-comfortable", "lens-height-match"]);
    expect(fit.reasons).toEqual([
      "frame width 138 mm matches your face width 136 mm",
      "frame PD 68 mm (lens 50 mm + bridge 18 mm) for your PD 63 mm: 2.5 mm decentration per eye, within the comfortable 1-3 mm",
      "lens height 35 mm suits your face length 190 mm",
    ]);
  });

  it("flags a narrow frame with too much decentration and lowers the score", () => {
    const fit = explainFit({ frameWidthMm: 126, lensWidthMm: 56, bridgeWidthMm: 20 }, face);
    expect(fit.badges).toEqual(["narrow", "pd-decentration"]);
    expect(fit.reasons[0]).toBe("frame width 126 mm is 10 mm narrower than your face width 136 mm");
    expect(fit.reasons[1]).toContain("6.5 mm decentration per eye, more than the comfortable 1-3 mm");
    expect(fit.score).toBeLessThan(0.4);
  });

  it("reports size unknown when neither width nor lens and bridge are known", () => {
    const fit = explainFit({ lensHeightMm: 35 }, face);
    expect(fit).toEqual({ score: null, badges: ["size-unknown"], reasons: ["size unknown: scored on style only"] });
    expect(Number.isNaN(combinedFit(Number.NaN, Number.NaN, Number.NaN, 35, face))).toBe(true);
  });
});
