import type { FrameShape, RecommendationRequest, RimType } from "@varai/schema";

export const STYLE_ANSWERS = ["classic", "bold", "minimal"] as const;
export const USAGE_ANSWERS = ["everyday", "screen", "occasion"] as const;
export const SIZE_ANSWERS = ["narrow", "average", "wide"] as const;

export interface FinderAnswers {
  style: (typeof STYLE_ANSWERS)[number];
  usage: (typeof USAGE_ANSWERS)[number];
  size: (typeof SIZE_ANSWERS)[number];
}

const STYLE_SHAPES: Record<FinderAnswers["style"], FrameShape[]> = {
  classic: ["rectangle", "square", "wayfarer", "browline", "oval", "round"],
  bold: ["cat-eye", "aviator", "geometric", "oversized", "wayfarer", "browline"],
  minimal: ["round", "oval", "rectangle", "geometric"],
};
const STYLE_RIMS: Partial<Record<FinderAnswers["style"], RimType[]>> = {
  minimal: ["rimless", "semi-rimless", "full-rim"],
};

/**
 * Face sizes as typical adult values (TRYON.md: PD about 63 mm on average, face width
 * 130-155 mm). They stand in for a scan, so the reasons stay honest about "about".
 */
const SIZE_MEASUREMENTS: Record<FinderAnswers["size"], { pupillaryDistanceMm: number; faceWidthMm: number }> = {
  narrow: { pupillaryDistanceMm: 59, faceWidthMm: 128 },
  average: { pupillaryDistanceMm: 63, faceWidthMm: 138 },
  wide: { pupillaryDistanceMm: 67, faceWidthMm: 148 },
};

/** The recommendation request for the questionnaire; `relaxed` drops the style filters when nothing matched. */
export function requestFromAnswers(
  answers: FinderAnswers,
  limit: number,
  relaxed = false,
): Partial<RecommendationRequest> {
  const shapes = [...STYLE_SHAPES[answers.style]];
  if (answers.usage === "occasion") shapes.push("cat-eye", "aviator");
  const rims = STYLE_RIMS[answers.style];
  return {
    measurements: SIZE_MEASUREMENTS[answers.size],
    limit,
    filters: relaxed ? {} : { shapes: [...new Set(shapes)], ...(rims ? { rims } : {}) },
  };
}
