import { RecommendationRequestSchema } from "@varai/schema";
import { describe, expect, it } from "vitest";
import { requestFromAnswers } from "./answers.ts";

describe("requestFromAnswers", () => {
  it("turns the three answers into a valid recommendation request", () => {
    const request = requestFromAnswers({ style: "bold", usage: "occasion", size: "wide" }, 6);
    expect(RecommendationRequestSchema.safeParse(request).success).toBe(true);
    expect(request.measurements).toEqual({ pupillaryDistanceMm: 67, faceWidthMm: 148 });
    expect(request.filters?.shapes).toContain("aviator");
    expect(new Set(request.filters?.shapes).size).toBe(request.filters?.shapes?.length);
  });

  it("drops the style filters when relaxed, keeping the size", () => {
    const request = requestFromAnswers({ style: "minimal", usage: "screen", size: "narrow" }, 4, true);
    expect(request.filters).toEqual({});
    expect(request.measurements?.faceWidthMm).toBe(128);
  });
});
