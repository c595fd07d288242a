/**
 * Millimetres from a face mesh, with the iris as the only ruler: the one implementation behind
 * the photo analysis (services/ml) and the live try-on in the browser (widgets/try-on), so a
 * shopper gets the same PD from both for the same face. Plain arithmetic on landmark arrays: no
 * node or DOM APIs.
 */

/** Horizontal visible iris diameter of adults, 11.7 +/- 0.5 mm at 1 SD (TRYON.md). */
export const IRIS_DIAMETER_MM = 11.7;
export const IRIS_DIAMETER_SD_MM = 0.5;
/** Sub-pixel landmark noise assumed per point, in pixels (1 SD). */
export const LANDMARK_SD_PX = 0.5;

/**
 * MediaPipe face-mesh iris points (478-point topology with iris refinement): a centre, then a
 * ring of four whose first and third points span the iris horizontally, the second and fourth
 * vertically. human numbers the subject's left iris 468-472 and the right 473-477.
 */
export const IRIS_LANDMARKS = {
  left: { center: 468, ring: [469, 470, 471, 472] },
  right: { center: 473, ring: [474, 475, 476, 477] },
} as const;

/** A landmark: x and y in image pixels (z, when there, is ignored). */
export type MeshPoint = readonly (number | undefined)[];
export type Mesh = ReadonlyArray<MeshPoint | undefined>;

const NO_POINT: MeshPoint = [Number.NaN, Number.NaN];

/** Distance in the image plane. */
export function imageDistance(a: MeshPoint, b: MeshPoint): number {
  return Math.hypot((a[0] ?? 0) - (b[0] ?? 0), (a[1] ?? 0) - (b[1] ?? 0));
}

export interface IrisScale {
  /** The horizontal iris diameter as seen, mean of both eyes, in mesh pixels (the size limit's input). */
  irisDiameterPx: number;
  /** 1 / cos(yaw), yaw capped at 45 degrees: undoes the foreshortening of horizontal spans. */
  unYaw: number;
  /** Millimetres per mesh pixel at the eyes, as if the face were frontal. */
  mmPerPixel: number;
  /** Relative 1-SD error of the scale: population spread of the iris plus landmark noise on it. */
  relativeSd: number;
}

/**
 * The scale from the irises of a mesh and the head's yaw (radians). Only the horizontal
 * diameter (469-471, 474-476) is used: it is what the 11.7 mm figure describes, and the eyelids
 * clip the vertical one. A turned head shortens the irises and every other horizontal span alike
 * (the measurement-limits sweep in services/ml turns the whole mesh), so the yaw correction
 * cancels out of PD and face width and only matters for the scale itself.
 */
export function irisScale(mesh: Mesh, yawRad = 0): IrisScale {
  const p = (i: number) => mesh[i] ?? NO_POINT;
  const { left, right } = IRIS_LANDMARKS;
  const leftIris = imageDistance(p(left.ring[0]), p(left.ring[2]));
  const rightIris = imageDistance(p(right.ring[0]), p(right.ring[2]));
  const irisDiameterPx = (leftIris + rightIris) / 2;
  // Horizontal distances of a face turned by yaw shrink by cos(yaw); undo it (capped at 45 deg).
  const unYaw = 1 / Math.cos(Math.min(Math.abs(yawRad), Math.PI / 4));
  const irisPx = irisDiameterPx * unYaw;
  const mmPerPixel = IRIS_DIAMETER_MM / irisPx;
  const relativeSd = Math.hypot(IRIS_DIAMETER_SD_MM / IRIS_DIAMETER_MM, (LANDMARK_SD_PX * Math.SQRT1_2) / irisPx);
  return { irisDiameterPx, unYaw, mmPerPixel, relativeSd };
}

/** A horizontal span of `px` mesh pixels in millimetres, with its 1-SD uncertainty (unrounded). */
export function spanMm(scale: IrisScale, px: number, modelSdMm = 0): { valueMm: number; uncertaintyMm: number } {
  const valueMm = px * scale.unYaw * scale.mmPerPixel;
  const uncertaintyMm = Math.hypot(
    valueMm * scale.relativeSd,
    LANDMARK_SD_PX * Math.SQRT2 * scale.mmPerPixel,
    modelSdMm,
  );
  return { valueMm, uncertaintyMm };
}

/** The two pupils (iris centres) of a mesh, subject's left then right. */
export function pupils(mesh: Mesh): [MeshPoint, MeshPoint] {
  return [mesh[IRIS_LANDMARKS.left.center] ?? NO_POINT, mesh[IRIS_LANDMARKS.right.center] ?? NO_POINT];
}

/** PD: the distance between the pupils on the iris scale (see irisScale), unrounded. */
export function pupillaryDistanceMm(mesh: Mesh, scale: IrisScale): { valueMm: number; uncertaintyMm: number } {
  const [left, right] = pupils(mesh);
  return spanMm(scale, imageDistance(left, right));
}

/**
 * The uncertainty a PD carries from the iris alone (0.5 / 11.7 of it: ~2.7 mm at 63 mm, TRYON.md),
 * for a PD averaged over many frames, where the landmark noise averages out and the population
 * spread of the iris does not.
 */
export function irisPdUncertaintyMm(pdMm: number): number {
  return (IRIS_DIAMETER_SD_MM / IRIS_DIAMETER_MM) * pdMm;
}
