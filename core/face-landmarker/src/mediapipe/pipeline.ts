import type { DetectOptions, FaceLandmarker, FaceRoi, LandmarkedFace, PixelImage } from "../port.ts";
import { irisesOf, LANDMARK_COUNT } from "../port.ts";
import { cropToImage, cropToTensor } from "./crop.ts";
import { type Detection, type DetectorSpec, decodeDetections, FULL_RANGE, letterbox, SHORT_RANGE } from "./detector.ts";
import { EYES, eyeRoi, IRIS_INPUT, irisPoints } from "./iris.ts";
import { headAngles, landmarkBox, roiFromDetection, roiFromLandmarks } from "./roi.ts";

/** The mesh model's input (face_landmark.tflite: 192 x 192, 468 points). */
export const MESH_INPUT = 192;
/** Below this face-presence score the tracked face is lost and the detector runs again. */
const MIN_FACE_PRESENCE = 0.5;
/** Depth in the same pixel units as x and y: then the head angles read like human's (turned copies, measurement-limits.test.ts). */
const ANGLE_Z_SCALE = 1;

/**
 * The models, however they run (LiteRT.js for the detector and the mesh, tfjs-wasm for the
 * iris, in Node or a browser). Inputs are NHWC float tensors.
 */
export interface MediapipeModels {
  detect(spec: DetectorSpec, input: Float32Array): Promise<{ regressors: Float32Array; scores: Float32Array }>;
  /** 1404 landmark values (crop pixels) and the face-presence logit. */
  mesh(input: Float32Array): Promise<{ landmarks: Float32Array; presence: number }>;
  /** Eye crops (64 x 64 x 3 each), run as one batch -> 76 x 3 values each. */
  iris(crops: Float32Array[]): Promise<Float32Array[]>;
}

export interface MediapipeLandmarkerOptions {
  /**
   * Detector for photos. "auto" (default) runs the short-range one (2.4 ms) first and the
   * full-range one (7.5 ms) only when it finds nothing: a shopper's photo is a near face, and a
   * face too small for the short-range one (about 10 % of the frame) is still found. It misses
   * a small face beside a large one (only the largest is measured, so only the several-faces
   * warning goes). "full" finds every face of a group photo.
   */
  detector?: "short" | "full" | "auto";
  /** Detector for video frames when no face is tracked. Default "auto" (a camera face is large). */
  videoDetector?: "short" | "full" | "auto";
  maxFaces?: number;
  /** Photos: read the mesh a second time from the first mesh's ROI. Default true. */
  refine?: boolean;
}

async function detectFaces(models: MediapipeModels, image: PixelImage, spec: DetectorSpec): Promise<Detection[]> {
  const frame = letterbox(image.width, image.height);
  const input = cropToTensor(image, frame, spec.inputSize, [-1, 1]);
  const { regressors, scores } = await models.detect(spec, input);
  // Back from the letterboxed square to image pixels.
  const toImage = ([u, v]: readonly [number, number]): [number, number] =>
    cropToImage(frame, 1, u, v) as [number, number];
  return decodeDetections(spec, regressors, scores).map((d) => {
    const [x, y] = toImage([d.box[0], d.box[1]]);
    return {
      box: [x, y, d.box[2] * frame.width, d.box[3] * frame.height],
      keypoints: d.keypoints.map(toImage),
      score: d.score,
    };
  });
}

/** The mesh on one ROI -> 468 points in image pixels (z in pixels too), or null when no face is there. */
async function readMesh(models: MediapipeModels, image: PixelImage, roi: FaceRoi) {
  const input = cropToTensor(image, roi, MESH_INPUT, [0, 1]);
  const { landmarks: raw, presence } = await models.mesh(input);
  const score = 1 / (1 + Math.exp(-presence));
  if (score < MIN_FACE_PRESENCE) return null;
  const landmarks = new Float32Array(LANDMARK_COUNT * 3);
  for (let i = 0; i < 468; i++) {
    const [x, y] = cropToImage(roi, MESH_INPUT, raw[i * 3] ?? 0, raw[i * 3 + 1] ?? 0);
    landmarks[i * 3] = x;
    landmarks[i * 3 + 1] = y;
    landmarks[i * 3 + 2] = ((raw[i * 3 + 2] ?? 0) / MESH_INPUT) * roi.width;
  }
  return { landmarks, score };
}

/**
 * Both irises into landmarks 468-477 (the port's order), one look per eye. Reading each eye a
 * second time mirrored and averaging was tried (2026-12-03): the mirrored look reads the iris
 * ~4 % smaller, which moved every PD up ~2.5 mm without reducing the spread between photos.
 */
async function addIrises(models: MediapipeModels, image: PixelImage, landmarks: Float32Array, rotation: number) {
  const rois = EYES.map((eye) => eyeRoi(landmarks, eye.corners, rotation));
  const outputs = await models.iris(
    EYES.map((eye, i) => cropToTensor(image, rois[i] as FaceRoi, IRIS_INPUT, [0, 1], eye.flip)),
  );
  EYES.forEach((eye, i) => {
    const roi = rois[i] as FaceRoi;
    // The iris sits at the depth of its eye corners.
    const z = ((landmarks[eye.corners[0] * 3 + 2] ?? 0) + (landmarks[eye.corners[1] * 3 + 2] ?? 0)) / 2;
    irisPoints(outputs[i] as Float32Array, eye.flip).forEach(([u, v], k) => {
      const [x, y] = cropToImage(roi, IRIS_INPUT, u, v);
      landmarks[(eye.block + k) * 3] = x;
      landmarks[(eye.block + k) * 3 + 1] = y;
      landmarks[(eye.block + k) * 3 + 2] = z;
    });
  });
}

async function landmarkFace(
  models: MediapipeModels,
  image: PixelImage,
  firstRoi: FaceRoi,
  detectionScore: number | null,
  refine: boolean,
): Promise<LandmarkedFace | null> {
  let roi = firstRoi;
  let mesh = await readMesh(models, image, roi);
  if (mesh && refine) {
    // A photo gets a second look from its own landmarks' ROI, as the next video frame would:
    // the detector's 6 keypoints place the crop more roughly than 468 landmarks do.
    roi = roiFromLandmarks(mesh.landmarks);
    mesh = (await readMesh(models, image, roi)) ?? mesh;
  }
  if (!mesh) return null;
  const { landmarks } = mesh;
  await addIrises(models, image, landmarks, roi.rotation);
  return {
    box: landmarkBox(landmarks),
    score: detectionScore ?? mesh.score,
    landmarks,
    irises: irisesOf(landmarks),
    roi,
    angle: headAngles(landmarks, ANGLE_Z_SCALE),
  };
}

/**
 * MediaPipe's face pipeline around its own models (face_landmark_front_cpu.pbtxt): detector ->
 * rotated ROI from the eye keypoints -> 468-point mesh -> eye crops -> iris. In "video" mode the
 * previous frame's landmarks give the next ROI and the detector only runs when the face is lost.
 */
export function createMediapipeLandmarker(
  models: MediapipeModels,
  { detector = "auto", videoDetector = "auto", maxFaces = 5, refine = true }: MediapipeLandmarkerOptions = {},
): FaceLandmarker {
  let tracked: FaceRoi | null = null;
  async function detections(image: PixelImage, mode: "photo" | "video"): Promise<Detection[]> {
    const which = mode === "video" ? videoDetector : detector;
    if (which === "full") return detectFaces(models, image, FULL_RANGE);
    const near = await detectFaces(models, image, SHORT_RANGE);
    if (near.length || which === "short") return near;
    return detectFaces(models, image, FULL_RANGE);
  }
  return {
    name: "mediapipe",
    async detect(image: PixelImage, { mode = "photo" }: DetectOptions = {}) {
      if (mode === "video" && tracked) {
        const face = await landmarkFace(models, image, tracked, null, false);
        tracked = face ? roiFromLandmarks(face.landmarks) : null;
        if (face) return [face];
      }
      const found = (await detections(image, mode)).sort((a, b) => b.score - a.score).slice(0, maxFaces);
      const faces: LandmarkedFace[] = [];
      for (const d of found) {
        const roi = roiFromDetection(d.box, d.keypoints[0] ?? [0, 0], d.keypoints[1] ?? [1, 0]);
        const face = await landmarkFace(models, image, roi, d.score, refine && mode === "photo");
        if (face) faces.push(face);
      }
      if (mode === "video") {
        const largest = faces.reduce<LandmarkedFace | null>((a, b) => (!a || b.box[2] > a.box[2] ? b : a), null);
        tracked = largest ? roiFromLandmarks(largest.landmarks) : null;
      }
      return faces;
    },
    reset() {
      tracked = null;
    },
    close() {},
  };
}
