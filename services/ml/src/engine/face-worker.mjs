// Worker thread that owns one face landmarker (one copy of the models). Plain JavaScript on
// purpose: the workspace runs TypeScript from source through tsx/vitest transforms, which a
// worker_thread does not inherit (Node 24 strips the types of the workspace's own .ts imports).
// Protocol (typed on the main side in face-pool.ts):
//   workerData: { kind, landmarker: "human" | "mediapipe", modelsDir, maxFaces, profile: "fast" | "bare" }
//   -> { type: "ready", loadMs, landmarker }   after models are loaded and warmed
//   <- { id, pixels: ArrayBuffer, width, height, mirrored? }   RGB uint8, row-major
//   -> { id, faces: [{ box, score, mesh: Float32Array(478*3), irises, roi, angle }], detectMs } | { id, error }
//   With `mirrored`, the models see the photo flipped left-right and the results are flipped back
//   (coordinates and landmark indices) into the photo's own frame.
//   <- { id, kind: "try-on", job }   a whole photo try-on (face-pool.ts: TryOnJob; try-on-job.ts runs it)
//   -> { id, tryOn: TryOnJobResult } | { id, appError: { code, message, details } } | { id, error }
import { parentPort, workerData } from "node:worker_threads";
import { MIRROR_INDEX } from "@varai/face-landmarker";

/** The implementations the pool can run, by the name `FACE_LANDMARKER` selects. */
const LANDMARKERS = {
  human: async (options) => (await import("./human-landmarker.mjs")).createHumanLandmarker(options),
  mediapipe: async (options) => (await import("./mediapipe-landmarker.mjs")).createMediapipeNodeLandmarker(options),
};

export async function createLandmarker(name, options) {
  const create = LANDMARKERS[name];
  if (!create) throw new Error(`unknown face landmarker "${name}" (known: ${Object.keys(LANDMARKERS).join(", ")})`);
  return create(options);
}

/** A face found on the flipped photo, back in the photo's own frame and landmark numbering. */
export function unmirrorFace(face, width) {
  const mesh = new Float32Array(478 * 3);
  for (let i = 0; i < 478; i++) {
    const from = MIRROR_INDEX[i];
    mesh[i * 3] = width - face.landmarks[from * 3];
    mesh[i * 3 + 1] = face.landmarks[from * 3 + 1];
    mesh[i * 3 + 2] = face.landmarks[from * 3 + 2];
  }
  const [x, y, w, h] = face.box;
  const iris = (i) => ({ center: [width - i.center[0], i.center[1]], diameterPx: i.diameterPx });
  const { angle, roi } = face;
  return {
    box: [width - x - w, y, w, h],
    score: face.score,
    mesh,
    irises: { left: iris(face.irises.right), right: iris(face.irises.left) },
    roi: { ...roi, cx: width - roi.cx, rotation: -roi.rotation },
    // A mirrored face turns and rolls the other way; it pitches the same.
    angle: angle ? { roll: -angle.roll, yaw: -angle.yaw, pitch: angle.pitch } : null,
  };
}

/** Runs the landmarker on an RGB buffer; returns plain, transferable results. */
export async function detectFaces(landmarker, pixels, width, height, { mirrored = false } = {}) {
  const data = pixels instanceof Uint8Array ? pixels : new Uint8Array(pixels);
  const started = performance.now();
  const found = await landmarker.detect({ data, width, height, channels: 3, mirrored }, { mode: "photo" });
  const faces = found.map((f) =>
    mirrored
      ? unmirrorFace(f, width)
      : { box: f.box, score: f.score, mesh: f.landmarks, irises: f.irises, roi: f.roi, angle: f.angle },
  );
  return { faces, detectMs: performance.now() - started };
}

if (parentPort && workerData?.kind === "varai-face-worker") {
  const port = parentPort;
  const started = performance.now();
  const landmarker = await createLandmarker(workerData.landmarker ?? "human", workerData);
  port.postMessage({ type: "ready", loadMs: performance.now() - started, landmarker: landmarker.name });
  // Loaded once the models are ready, beside the first requests rather than before them.
  const tryOnJob = import("./try-on-job.ts");
  tryOnJob.catch(() => {}); // a load failure surfaces on the first try-on that needs it
  const detect = (pixels, width, height) => detectFaces(landmarker, pixels, width, height);
  port.on("message", async (msg) => {
    try {
      if (msg.kind === "try-on") {
        const tryOn = await (await tryOnJob).runTryOnJob(msg.job, detect);
        port.postMessage({ id: msg.id, tryOn });
        return;
      }
      const { faces, detectMs } = await detectFaces(landmarker, msg.pixels, msg.width, msg.height, {
        mirrored: msg.mirrored === true,
      });
      port.postMessage(
        { id: msg.id, faces, detectMs },
        faces.map((f) => f.mesh.buffer),
      );
    } catch (error) {
      // A refused photo or a missing face keeps its code; anything else is the worker's fault.
      if (error?.name === "AppError" && typeof error.code === "string") {
        const { code, message, details } = error;
        port.postMessage({ id: msg.id, appError: { code, message, details } });
        return;
      }
      port.postMessage({ id: msg.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
