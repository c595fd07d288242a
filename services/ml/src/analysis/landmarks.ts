import { IRIS_LANDMARKS } from "@varai/schema";

/**
 * MediaPipe face-mesh indices we measure from (478-point topology with iris refinement).
 * "Left"/"right" are the subject's: in a non-mirrored photo the subject's left eye is on
 * the image's right. human numbers the subject's left iris 468-472 and the right 473-477.
 */
export const LM = {
  leftIris: IRIS_LANDMARKS.left,
  rightIris: IRIS_LANDMARKS.right,
  /** Face width: the widest points of the face oval, at the cheekbones/tragus level. */
  faceWidth: [234, 454],
  /** Face length: the top of the mesh (upper forehead) to the chin. The mesh stops below the hairline. */
  faceLength: [10, 152],
  /** Jaw width near the gonial angles. */
  jawWidth: [172, 397],
  /** Forehead width at the temples, above the brows. */
  foreheadWidth: [54, 284],
  /** Chin width, a little above the chin tip: narrow for heart/diamond faces. */
  chinWidth: [149, 378],
  noseTip: 1,
  /** Face-oval landmarks: if these leave the image, the face is cut by the border. */
  faceOval: [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150,
    136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
  ],
} as const;

/** Pairs that swap places when a face is mirrored (used by the mirror metamorphic test). */
export const MIRROR_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [468, 473],
  [33, 263],
  [133, 362],
  [234, 454],
  [172, 397],
  [54, 284],
  [149, 378],
  [61, 291],
  [1, 1],
  [152, 152],
  [10, 10],
];

export type Landmarks = ReadonlyArray<readonly [number, number, number]>;

export function dist(a: readonly number[], b: readonly number[]): number {
  return Math.hypot((a[0] ?? 0) - (b[0] ?? 0), (a[1] ?? 0) - (b[1] ?? 0));
}

export function point(landmarks: Landmarks, index: number): readonly [number, number, number] {
  const p = landmarks[index];
  if (!p) throw new Error(`landmark ${index} missing`);
  return p;
}
