import { DEFAULT_FACE_LANDMARKER, FACE_LANDMARKERS, type FaceLandmarkerName } from "./face-pool.ts";

/**
 * The landmarker the model tests run on: the pool's default, or `FACE_LANDMARKER=human|mediapipe`
 * to re-run every PD and measurement test on the other implementation.
 */
export function testLandmarker(): FaceLandmarkerName {
  const name = process.env.FACE_LANDMARKER ?? DEFAULT_FACE_LANDMARKER;
  if (!(FACE_LANDMARKERS as readonly string[]).includes(name)) throw new Error(`FACE_LANDMARKER=${name} is unknown`);
  return name as FaceLandmarkerName;
}
