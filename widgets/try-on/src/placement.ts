import { checkMeasurements, humanRangeMm } from "@varai/schema";

/** Horizontal visible iris diameter of adults (TRYON.md): the only scale a live camera has. */
export const IRIS_DIAMETER_MM = 11.7;
const IRIS_SD_MM = 0.5;

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

// MediaPipe face mesh with iris refinement: 468-472 and 473-477 are the irises (centre
// then four edge points), 234/454 are the outer cheek contour points.
const IRIS_A = [468, 469, 470, 471, 472] as const;
const IRIS_B = [473, 474, 475, 476, 477] as const;
const CHEEK_A = 234;
const CHEEK_B = 454;

const dist = (a: Point3, b: Point3) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Iris diameter as the larger of its two edge-to-edge spans (eyelids clip the vertical one). */
function irisDiameterPx(mesh: readonly Point3[], iris: readonly number[]): number {
  const p = iris.map((i) => mesh[i]!);
  return Math.max(dist(p[1]!, p[3]!), dist(p[2]!, p[4]!));
}

/**
 * Placement and measurements from one 478-point mesh and the head angles (radians) the tracker
 * read. Returns null when the mesh has no iris points or is degenerate.
 */
export function sampleFromMesh(
  mesh: readonly Point3[],
  { yaw: yawRad = 0, pitch: pitchRad = 0 }: { yaw?: number; pitch?: number } = {},
): FaceSample | null {
  if (mesh.length < 478) return null;
  let a = mesh[IRIS_A[0]]!;
  let b = mesh[IRIS_B[0]]!;
  // Order the pupils left-to-right in the image so roll stays in (-90°, 90°).
  if (a[0] > b[0]) [a, b] = [b, a];
  const ipdPx = dist(a, b);
  const irisPx = (irisDiameterPx(mesh, IRIS_A) + irisDiameterPx(mesh, IRIS_B)) / 2;
  if (!(ipdPx > 1) || !(irisPx > 1)) return null;
  const mmPerPx = IRIS_DIAMETER_MM / irisPx;
  // Turning the head shortens the apparent pupil distance by cos(yaw), not the iris width as much.
  const yawCos = Math.max(0.5, Math.cos(yawRad));
  const roll = Math.atan2(b[1] - a[1], b[0] - a[0]);
  const pdMm = (ipdPx * mmPerPx) / yawCos;
  const faceWidthMm = (dist(mesh[CHEEK_A]!, mesh[CHEEK_B]!) * mmPerPx) / yawCos;
  const deg = (rad: number) => (rad * 180) / Math.PI;
  const verdict = checkMeasurements({
    headPose: { rollDeg: deg(roll), yawDeg: deg(yawRad), pitchDeg: deg(pitchRad) },
    irisDiameterPx: irisPx,
    figuresMm: { pupillaryDistance: pdMm, faceWidth: faceWidthMm },
  });
  return {
    cx: (a[0] + b[0]) / 2,
    cy: (a[1] + b[1]) / 2,
    roll,
    pxPerMm: 1 / mmPerPx,
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
  return { valueMm: median, uncertaintyMm: (IRIS_SD_MM / IRIS_DIAMETER_MM) * median };
}
