/// <reference lib="dom" />
import { type FaceSample, sampleFromMesh } from "./placement.ts";

/** The part of @vladmandic/human this widget uses (its types are not shipped in a browser-friendly form). */
interface HumanFace {
  mesh: Array<[number, number, number]>;
  rotation?: { angle?: { roll: number; yaw: number; pitch: number } } | null;
}
interface HumanInstance {
  load(): Promise<void>;
  warmup(): Promise<unknown>;
  detect(input: HTMLVideoElement): Promise<{ face: HumanFace[] }>;
  tf: { getBackend(): string };
}

export interface FaceTracker {
  detect(video: HTMLVideoElement): Promise<FaceSample | null>;
  readonly backend: string;
}

/**
 * Loads human and its models from the VARAi server, only when live mode starts. The
 * backend is forced to WASM: with no GPU, WebGL runs on SwiftShader at under 1 FPS, and
 * human's default order would pick it (ENVIRONMENT.md).
 */
export async function createFaceTracker(base: string): Promise<FaceTracker> {
  const url = `${base}/widget/human/human.esm.js`;
  const mod = (await import(/* @vite-ignore */ url)) as { Human: new (config: unknown) => HumanInstance };
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
