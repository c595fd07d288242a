/**
 * The face landmarker port: one photo or video frame in, the faces in it out, as plain typed
 * arrays that cross a worker boundary or a browser bundle unchanged. Browser-safe: no node or
 * DOM APIs. Two implementations: human 3.3.6 on tfjs-wasm (services/ml, the reference) and
 * MediaPipe's detector and mesh on LiteRT.js with human's iris model (`createMediapipeLandmarker`).
 */

/** 468 mesh points + two iris blocks of 5. */
export const LANDMARK_COUNT = 478;

/**
 * The one index order every implementation returns (MediaPipe's 478-point topology, with
 * human's iris order):
 * - 0-467: MediaPipe's face mesh, in its own numbering (33/133: corners of the eye on the
 *   image's left in a frontal photo, the subject's right eye; 263/362: the subject's left eye).
 * - 468-472: the iris of the subject's LEFT eye (the eye at 263/362): centre, then the ring
 *   nose side... as MediaPipe orders it; 469 and 471 span it horizontally, 470 and 472 vertically.
 * - 473-477: the iris of the subject's RIGHT eye (33/133), the same order.
 * MediaPipe's own graph puts the eye at 33/133 at 468-472: its implementation swaps the blocks
 * so that `IRIS_LANDMARKS` in @varai/schema (and every mirror table) holds for both.
 */
export const IRIS_BLOCKS = { left: 468, right: 473 } as const;

/** An iris as the model saw it, in the input image's pixels. */
export interface Iris {
  center: [number, number];
  /** Horizontal diameter (ring points 1 and 3), the millimetre scale's input. */
  diameterPx: number;
}

/**
 * The region the mesh was read from, rotated: MediaPipe tracks a face from frame to frame by
 * this box (the previous frame's landmarks give the next frame's crop, so the detector only
 * runs when the face is lost).
 */
export interface FaceRoi {
  cx: number;
  cy: number;
  width: number;
  height: number;
  /** Radians, image coordinates (y down), positive = clockwise. */
  rotation: number;
}

export interface HeadAngles {
  roll: number;
  yaw: number;
  pitch: number;
}

export interface LandmarkedFace {
  /** Axis-aligned face box [x, y, width, height] in input pixels. */
  box: [number, number, number, number];
  /** Detection (or, when tracked, mesh) confidence, 0..1. */
  score: number;
  /** LANDMARK_COUNT x (x, y, z), flattened, input pixels; z in the same pixel scale, relative. */
  landmarks: Float32Array;
  irises: { left: Iris; right: Iris };
  roi: FaceRoi;
  /** Head angles in radians, human's convention; null when the implementation cannot tell. */
  angle: HeadAngles | null;
}

/** Pixels in memory, row-major, RGB or RGBA (a canvas's ImageData). */
export interface PixelImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
  /**
   * Read the image flipped left-right, without a flipped copy being made: everything found is in
   * the flipped image's frame (a mirrored view, to average a model's left-right bias).
   */
  mirrored?: boolean;
}

export interface DetectOptions {
  /**
   * "photo": every call stands alone (detector every time). "video": consecutive frames of one
   * camera; the implementation may track the face from the previous frame's ROI.
   */
  mode?: "photo" | "video";
}

export interface FaceLandmarker {
  /** "human" or "mediapipe": which implementation answered (benchmarks, readiness). */
  readonly name: string;
  /** The faces in the image, largest first is not promised; an empty array when there is none. */
  detect(image: PixelImage, options?: DetectOptions): Promise<LandmarkedFace[]>;
  /** Forgets the tracked face (a new camera, a new shopper). */
  reset(): void;
  close(): void;
}

/** The irises of a landmark array in the port's order (centre and horizontal ring span). */
export function irisesOf(landmarks: Float32Array): { left: Iris; right: Iris } {
  const iris = (start: number): Iris => {
    const x = (i: number) => landmarks[i * 3] ?? 0;
    const y = (i: number) => landmarks[i * 3 + 1] ?? 0;
    return {
      center: [x(start), y(start)],
      diameterPx: Math.hypot(x(start + 1) - x(start + 3), y(start + 1) - y(start + 3)),
    };
  };
  return { left: iris(IRIS_BLOCKS.left), right: iris(IRIS_BLOCKS.right) };
}
