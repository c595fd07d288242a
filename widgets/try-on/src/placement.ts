import {
  checkMeasurements,
  humanRangeMm,
  imageDistance,
  irisPdUncertaintyMm,
  irisScale,
  pupillaryDistanceMm,
  pupils,
  spanMm,
} from "@varai/schema";

// The scale and PD are @varai/schema's (iris-scale.ts): the photo analysis on the server runs
// the same code, so photo and live mode give a shopper the same PD for the same face.
export { IRIS_DIAMETER_MM } from "@varai/schema";

export type Point3 = readonly [number, number, number?];

/** Where to draw a frame, in the video's pixels. */
export interface Placement {
  /** Midpoint between the pupils. */
  cx: number;
  cy: number;
  /** Roll of the eye line (radians, image coordinates: y down). */
  roll: number;
  /** Scale: video pixels per millimetre at the eyes. */
  pxPerMm: number;
  /** Yaw (radians, positive = head turned to the image's right). */
  yaw: number;
}

export interface FaceSample extends Placement {
  pdMm: number;
  faceWidthMm: number;
  /** Within the pose, size and human ranges where the figures hold (the server's rule, @varai/schema). */
  measurable: boolean;
}

// MediaPipe face mesh: 234/454 are the outer cheek contour points (the server's face width).
const CHEEK_A = 234;
const CHEEK_B = 454;

/**
 * Placement and measurements from one 478-point mesh and the head angles (radians) the tracker
 * read. Returns null when the mesh has no iris points or is degenerate.
 */
export function sampleFromMesh(
  mesh: readonly Point3[],
  { yaw: yawRad = 0, pitch: pitchRad = 0 }: { yaw?: number; pitch?: number } = {},
): FaceSample | null {
  if (mesh.length < 478) return null;
  let [a, b] = pupils(mesh);
  // Order the pupils left-to-right in the image so roll stays in (-90°, 90°).
  if ((a[0] ?? 0) > (b[0] ?? 0)) [a, b] = [b, a];
  const scale = irisScale(mesh, yawRad);
  if (!(imageDistance(a, b) > 1) || !(scale.irisDiameterPx > 1)) return null;
  const [ax = 0, ay = 0] = a;
  const [bx = 0, by = 0] = b;
  const roll = Math.atan2(by - ay, bx - ax);
  const pdMm = pupillaryDistanceMm(mesh, scale).valueMm;
  const faceWidthMm = spanMm(scale, imageDistance(mesh[CHEEK_A] ?? [], mesh[CHEEK_B] ?? [])).valueMm;
  const deg = (rad: number) => (rad * 180) / Math.PI;
  const verdict = checkMeasurements({
    headPose: { rollDeg: deg(roll), yawDeg: deg(yawRad), pitchDeg: deg(pitchRad) },
    irisDiameterPx: scale.irisDiameterPx,
    figuresMm: { pupillaryDistance: pdMm, faceWidth: faceWidthMm },
  });
  return {
    cx: (ax + bx) / 2,
    cy: (ay + by) / 2,
    roll,
    pxPerMm: 1 / scale.mmPerPixel,
    yaw: yawRad,
    pdMm,
    faceWidthMm,
    measurable: verdict.status === "measured",
  };
}

/** PD to report from many live samples: the median (robust to blinks), with the iris-scale uncertainty. */
export function summarisePd(samples: readonly number[]): { valueMm: number; uncertaintyMm: number } | null {
  const range = humanRangeMm("pupillaryDistance");
  const valid = samples.filter((x) => x >= range.min && x <= range.max).sort((x, y) => x - y);
  if (valid.length < 5) return null;
  const mid = valid.length >> 1;
  const median = valid.length % 2 ? valid[mid]! : (valid[mid - 1]! + valid[mid]!) / 2;
  return { valueMm: median, uncertaintyMm: irisPdUncertaintyMm(median) };
}
