/// <reference lib="dom" />
import * as litert from "@litertjs/core";
import {
  createMediapipeLandmarker,
  IRIS_INPUT,
  LANDMARK_COUNT,
  type LandmarkedFace,
  liteRtModels,
  MESH_INPUT,
  SHORT_RANGE,
} from "@varai/face-landmarker";
import { type FaceSample, sampleFromMesh } from "./placement.ts";

/** The part of @vladmandic/human this widget uses (its types are not shipped in a browser-friendly form). */
interface HumanFace {
  mesh: Array<[number, number, number]>;
  rotation?: { angle?: { roll: number; yaw: number; pitch: number } } | null;
}
interface HumanInstance {
  init(): Promise<void>;
  load(): Promise<void>;
  warmup(): Promise<unknown>;
  detect(input: HTMLVideoElement): Promise<{ face: HumanFace[] }>;
  tf: { getBackend(): string };
}
type HumanModule = { Human: new (config: unknown) => HumanInstance };

export interface FaceTracker {
  detect(video: HTMLVideoElement): Promise<FaceSample | null>;
  readonly backend: string;
}

/** Which face landmarker live mode runs (`@varai/face-landmarker`); "human" stays selectable for now. */
export type LiveLandmarker = "mediapipe" | "human";

export function createFaceTracker(base: string, landmarker: LiveLandmarker = "mediapipe"): Promise<FaceTracker> {
  return landmarker === "human" ? createHumanTracker(base) : createMediapipeTracker(base);
}

const humanModule = (base: string) =>
  import(/* @vite-ignore */ `${base}/widget/human/human.esm.js`) as Promise<HumanModule>;

/** The port's face -> the placement and measurements (the same rule as the server's, placement.ts). */
function sampleOf(face: LandmarkedFace): FaceSample | null {
  const points: Array<[number, number, number]> = [];
  for (let i = 0; i < LANDMARK_COUNT; i++) {
    points.push([face.landmarks[i * 3] ?? 0, face.landmarks[i * 3 + 1] ?? 0, face.landmarks[i * 3 + 2] ?? 0]);
  }
  return sampleFromMesh(points, face.angle ?? {});
}

/**
 * MediaPipe's short-range detector, face mesh and iris model (human's, converted to TFLite by the
 * server) on LiteRT.js (wasm, single thread: no WebGL, no cross-origin isolation), with
 * MediaPipe's ROI tracking: the detector runs only when the face is lost. No tfjs and no human:
 * LiteRT's runtime and three .tflite files, served by the VARAi server and loaded when live mode
 * starts.
 */
async function createMediapipeTracker(base: string): Promise<FaceTracker> {
  // The models download while the runtime's wasm loads and compiles; each is compiled once both are in.
  const download = (file: string) =>
    fetch(`${base}/widget/mediapipe/${file}`).then(async (r) => {
      if (!r.ok) throw new Error(`${file}: HTTP ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    });
  const files = ["face_detection_short_range.tflite", "face_landmark.tflite", "iris_landmark.tflite"].map(download);
  for (const file of files) file.catch(() => {}); // rejections surface through Promise.all below
  await litert.loadLiteRt(`${base}/widget/litert/`);
  const [short, mesh, iris] = await Promise.all(
    files.map(async (bytes) => litert.loadAndCompile(await bytes, { accelerator: "wasm" })),
  );
  type Parts = Parameters<typeof liteRtModels>[0];
  const models = liteRtModels({
    litert: litert as unknown as Parts["litert"],
    short: short as unknown as Parts["short"],
    mesh: mesh as unknown as Parts["mesh"],
    iris: iris as unknown as Parts["iris"],
  });
  // The first run of each model sets up its kernels: done here, while the camera starts, rather
  // than on the first camera frame (which then took 0.28-0.37 s from the compiled models instead
  // of 0.45-0.65 s, Chromium at load 8-10, 2026-12-04).
  await models.detect(SHORT_RANGE, new Float32Array(SHORT_RANGE.inputSize * SHORT_RANGE.inputSize * 3));
  await models.mesh(new Float32Array(MESH_INPUT * MESH_INPUT * 3));
  await models.iris([new Float32Array(IRIS_INPUT * IRIS_INPUT * 3)]);
  // A camera face is large: the short-range detector alone (the full-range one is 1 MB more).
  const landmarker = createMediapipeLandmarker(models, { detector: "short", videoDetector: "short", maxFaces: 1 });
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("no 2D canvas");
  return {
    backend: "litert-wasm",
    async detect(video) {
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (!width || !height) return null;
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      ctx.drawImage(video, 0, 0, width, height);
      const { data } = ctx.getImageData(0, 0, width, height);
      const [face] = await landmarker.detect({ data, width, height, channels: 4 }, { mode: "video" });
      return face ? sampleOf(face) : null;
    },
  };
}

/**
 * Loads human and its models from the VARAi server, only when live mode starts. The
 * backend is forced to WASM: with no GPU, WebGL runs on SwiftShader at under 1 FPS, and
 * human's default order would pick it (ENVIRONMENT.md).
 */
async function createHumanTracker(base: string): Promise<FaceTracker> {
  const mod = await humanModule(base);
  const human = new mod.Human({
    backend: "wasm",
    wasmPath: `${base}/widget/tfjs-wasm/`,
    wasmPlatformFetch: false,
    modelBasePath: `${base}/widget/human/models/`,
    debug: false,
    async: true,
    warmup: "none",
    // human's input filters run on a WebGL canvas: on a GPU-less machine that is SwiftShader and a
    // GPU stall per frame. The models need none of them.
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { maxDetected: 1, rotation: false, return: false },
      mesh: { enabled: true },
      iris: { enabled: true },
      attention: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  });
  await human.load();
  return {
    get backend() {
      return human.tf.getBackend();
    },
    async detect(video) {
      const result = await human.detect(video);
      const face = result.face[0];
      if (!face?.mesh?.length) return null;
      return sampleFromMesh(face.mesh, face.rotation?.angle ?? {});
    },
  };
}
