import { describe, expect, it } from "vitest";
import { estimateFrameWidthMm, FRAME_END_PIECE_MM } from "./index.ts";

describe("estimateFrameWidthMm", () => {
  it("adds two lenses, the bridge and two ~6 mm end pieces", () => {
    expect(FRAME_END_PIECE_MM).toBe(6);
    expect(estimateFrameWidthMm(52, 18)).toBe(134);
  });

  it("lands the common adult size labels on TRYON.md's average adult frame (136-138 mm) within a few mm", () => {
    // 52-18 to 54-18: the labels most adult frames carry.
    for (const lens of [52, 53, 54]) {
      const width = estimateFrameWidthMm(lens, 18);
      expect(width).toBeGreaterThanOrEqual(136 - 2);
      expect(width).toBeLessThanOrEqual(138 + 2);
    }
  });

  it("takes a known end piece for frames whose construction is known", () => {
    expect(estimateFrameWidthMm(52, 18, 7)).toBe(136);
  });
});
