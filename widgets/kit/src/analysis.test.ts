import { describe, expect, it } from "vitest";
import { readLastAnalysis, recommendationInput, retakeAdvice, saveLastAnalysis } from "./analysis.ts";

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

describe("last analysis", () => {
  it("round-trips the summary through storage", () => {
    const s = memoryStorage();
    saveLastAnalysis({ pupillaryDistanceMm: 63.2, faceWidthMm: 140, faceShape: "oval", source: "live" }, s);
    expect(readLastAnalysis(s)).toEqual({
      pupillaryDistanceMm: 63.2,
      faceWidthMm: 140,
      faceShape: "oval",
      source: "live",
    });
  });

  it("treats corrupt storage as no analysis", () => {
    const s = memoryStorage();
    s.setItem("varai:last-analysis", "{nope");
    expect(readLastAnalysis(s)).toBeNull();
  });

  it("sends measurements only when both are in the human range", () => {
    expect(recommendationInput({ pupillaryDistanceMm: 63.24, faceWidthMm: 139.96, source: "photo" })).toEqual({
      measurements: { pupillaryDistanceMm: 63.2, faceWidthMm: 140 },
    });
    expect(
      recommendationInput({ pupillaryDistanceMm: 63, faceWidthMm: 80, faceShape: "round", source: "live" }),
    ).toEqual({ faceShape: "round" });
    expect(recommendationInput(null)).toEqual({});
  });
});

describe("retakeAdvice", () => {
  it("maps every withholding reason to how to take a photo that can be measured", () => {
    expect(retakeAdvice({ reason: "POSE_TOO_STRONG", exceeded: ["roll", "yaw"] })).toBe("retakeFaceCamera");
    expect(retakeAdvice({ reason: "POSE_TOO_STRONG", exceeded: ["pitch"] })).toBe("retakeFaceCamera");
    expect(retakeAdvice({ reason: "POSE_TOO_STRONG", exceeded: ["roll"] })).toBe("retakeLevelHead");
    expect(retakeAdvice({ reason: "FACE_TOO_SMALL", exceeded: ["irisDiameter"] })).toBe("retakeCloser");
    expect(retakeAdvice({ reason: "OUT_OF_HUMAN_RANGE", exceeded: ["pupillaryDistance"] })).toBe("retakeLight");
  });
});
