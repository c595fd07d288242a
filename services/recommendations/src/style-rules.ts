import {
  FACE_SHAPES,
  type FaceShape,
  FRAME_SHAPES,
  type FrameShape,
  RIM_TYPES,
  type RimType,
  type StyleRules,
} from "@varai/schema";

// The rules' schema (StyleRulesSchema) lives in @varai/schema, shared with the Studio rules
// editor; this file holds the default table and how the rules turn into style scores.

/** The default table, from TRYON.md's "usually recommended / usually avoided". */
export const DEFAULT_STYLE_RULES: StyleRules = {
  shapes: {
    round: {
      rectangle: 0.95,
      square: 0.9,
      geometric: 0.85,
      wayfarer: 0.8,
      browline: 0.7,
      "cat-eye": 0.6,
      aviator: 0.55,
      oversized: 0.5,
      oval: 0.35,
      round: 0.15,
    },
    square: {
      round: 0.95,
      oval: 0.9,
      "cat-eye": 0.85,
      aviator: 0.7,
      browline: 0.6,
      oversized: 0.5,
      wayfarer: 0.45,
      geometric: 0.35,
      rectangle: 0.25,
      square: 0.15,
    },
    oval: {
      rectangle: 0.85,
      wayfarer: 0.85,
      square: 0.8,
      aviator: 0.8,
      geometric: 0.8,
      browline: 0.8,
      round: 0.75,
      "cat-eye": 0.75,
      oval: 0.7,
      oversized: 0.3,
    },
    oblong: {
      oversized: 0.85,
      aviator: 0.8,
      round: 0.8,
      square: 0.75,
      wayfarer: 0.75,
      browline: 0.7,
      geometric: 0.65,
      "cat-eye": 0.6,
      oval: 0.6,
      rectangle: 0.25,
    },
    heart: {
      aviator: 0.95,
      oval: 0.8,
      round: 0.75,
      rectangle: 0.6,
      geometric: 0.55,
      square: 0.55,
      wayfarer: 0.5,
      oversized: 0.4,
      "cat-eye": 0.3,
      browline: 0.2,
    },
    diamond: {
      oval: 0.9,
      "cat-eye": 0.9,
      browline: 0.85,
      round: 0.7,
      aviator: 0.6,
      wayfarer: 0.55,
      rectangle: 0.5,
      square: 0.5,
      geometric: 0.45,
      oversized: 0.25,
    },
  },
  rims: {
    square: { rimless: 0.9, "semi-rimless": 0.75 },
    heart: { rimless: 0.9, "semi-rimless": 0.35 },
    diamond: { rimless: 0.85, "semi-rimless": 0.6 },
  },
  notes: {
    round: {
      rectangle: "angular frames balance a round face",
      square: "angular frames balance a round face",
      geometric: "angular frames balance a round face",
      wayfarer: "wider-than-deep frames add definition to a round face",
      round: "small round frames repeat the curves of a round face",
      oval: "curved frames repeat the curves of a round face",
    },
    square: {
      round: "round frames soften a square face",
      oval: "oval frames soften a square face",
      "cat-eye": "cat-eye frames soften a square jaw",
      square: "boxy frames exaggerate a square jaw",
      rectangle: "boxy frames exaggerate a square jaw",
    },
    oval: {
      rectangle: "an oval face suits almost any frame as wide as the face",
      wayfarer: "an oval face suits almost any frame as wide as the face",
      oversized: "oversized frames overwhelm the balance of an oval face",
    },
    oblong: {
      oversized: "deep frames shorten an oblong face",
      aviator: "deep aviators shorten an oblong face",
      round: "deeper-than-wide frames shorten an oblong face",
      rectangle: "narrow frames make an oblong face look longer",
    },
    heart: {
      aviator: "bottom-heavy aviators balance a heart-shaped face",
      oval: "soft, light frames balance a heart-shaped face",
      "cat-eye": "top-heavy frames widen the brow of a heart-shaped face",
      browline: "top-heavy browlines widen the brow of a heart-shaped face",
    },
    diamond: {
      oval: "oval frames soften the cheekbones of a diamond face",
      "cat-eye": "cat-eye frames highlight the brow of a diamond face",
      browline: "browlines add width at the brow of a diamond face",
      oversized: "frames wider than the cheekbones overwhelm a diamond face",
    },
  },
  weights: { fit: 0.15, style: 0.1, preference: 0.75 },
  rimShare: 0.2,
};

const NEUTRAL = 0.5;
export const SHAPE_SLOTS = FRAME_SHAPES.length + 1; // + unknown
export const RIM_SLOTS = RIM_TYPES.length + 1;

export type FaceShapeProbabilities = Partial<Record<FaceShape, number>>;

/** Normalises face-shape scores to probabilities; null when nothing usable is given. */
export function toProbabilities(scores: FaceShapeProbabilities | undefined): FaceShapeProbabilities | null {
  if (!scores) return null;
  let total = 0;
  for (const shape of FACE_SHAPES) total += Math.max(0, scores[shape] ?? 0);
  if (total <= 0) return null;
  const out: FaceShapeProbabilities = {};
  for (const shape of FACE_SHAPES) {
    const p = Math.max(0, scores[shape] ?? 0) / total;
    if (p > 0) out[shape] = p;
  }
  return out;
}

/**
 * Style score for every (frame shape, rim) slot, for one face: face-shape probabilities blend
 * the rows, so a borderline round/oval face gets a blend rather than a coin flip.
 * Index: shapeSlot * RIM_SLOTS + rimSlot, where the last slot of each is "unknown" (neutral).
 */
export function styleTable(rules: StyleRules, face: FaceShapeProbabilities | null): Float32Array {
  const table = new Float32Array(SHAPE_SLOTS * RIM_SLOTS).fill(NEUTRAL);
  if (!face) return table;
  for (let s = 0; s < SHAPE_SLOTS; s++) {
    const frame = FRAME_SHAPES[s];
    for (let r = 0; r < RIM_SLOTS; r++) {
      const rim = RIM_TYPES[r];
      let shapePart = 0;
      let rimPart = 0;
      for (const [faceShape, p] of Object.entries(face) as Array<[FaceShape, number]>) {
        shapePart += p * (frame ? (rules.shapes[faceShape]?.[frame] ?? NEUTRAL) : NEUTRAL);
        rimPart += p * (rim ? (rules.rims[faceShape]?.[rim] ?? NEUTRAL) : NEUTRAL);
      }
      table[s * RIM_SLOTS + r] = (1 - rules.rimShare) * shapePart + rules.rimShare * rimPart;
    }
  }
  return table;
}

export const shapeSlot = (shape: FrameShape | undefined) =>
  shape === undefined ? FRAME_SHAPES.length : FRAME_SHAPES.indexOf(shape);
export const rimSlot = (rim: RimType | undefined) => (rim === undefined ? RIM_TYPES.length : RIM_TYPES.indexOf(rim));

/** The style sentence for a frame, from the notes or generated from the affinity; null when neutral. */
export function explainStyle(
  rules: StyleRules,
  faceShape: FaceShape | null,
  frame: FrameShape | undefined,
  rim: RimType | undefined,
): string | null {
  if (!faceShape) return null;
  const faceName = faceShape === "heart" ? "heart-shaped" : faceShape;
  if (frame) {
    const affinity = rules.shapes[faceShape]?.[frame] ?? NEUTRAL;
    const note = rules.notes[faceShape]?.[frame];
    if (note && (affinity >= 0.65 || affinity <= 0.35)) return note;
    if (affinity >= 0.65) return `${frame} frames suit a ${faceName} face`;
    if (affinity <= 0.35) return `${frame} frames are usually avoided for a ${faceName} face`;
  }
  if (rim && (rules.rims[faceShape]?.[rim] ?? NEUTRAL) >= 0.7) return `${rim} frames keep a ${faceName} face light`;
  return null;
}
