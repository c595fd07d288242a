import { estimateFrameWidthMm } from "@varai/schema";
import { describe, expect, it } from "vitest";
import { frameGeometry } from "./draw-frame.ts";

describe("frameGeometry", () => {
  it("estimates a missing total width as the server does, so live and photo try-on draw the same frame", () => {
    // A 52-18 frame: 134 mm on the server (frame assets) and in the recommendations' fit.
    expect(frameGeometry({ lensWidthMm: 52, bridgeWidthMm: 18 }).frameW).toBe(134);
    expect(frameGeometry({ lensWidthMm: 48, bridgeWidthMm: 20 }).frameW).toBe(estimateFrameWidthMm(48, 20));
  });

  it("keeps the merchant's stated width", () => {
    expect(frameGeometry({ lensWidthMm: 52, bridgeWidthMm: 18, frameWidthMm: 140 }).frameW).toBe(140);
  });
});
