import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { FaceRoi, HeadAngles, Iris } from "@varai/face-landmarker";
import { type Logger, noopLogger } from "@varai/runtime";
import { AppError } from "@varai/schema";

/**
 * The face landmarker implementations a worker can run (@varai/face-landmarker's port):
 * "human" (@vladmandic/human on tfjs-wasm) or "mediapipe" (MediaPipe's models on LiteRT.js).
 */
export const FACE_LANDMARKERS = ["human", "mediapipe"] as const;
export type FaceLandmarkerName = (typeof FACE_LANDMARKERS)[number];
/**
 * What a pool runs unless told otherwise (the gateway's `FACE_LANDMARKER`). mediapipe: its bare
 * photo pipeline measured 26 ms p50 against human's 53 in one `pnpm bench:tryon` run (2026-12-04,
 * load 3), once its crops stopped allocating a closure per sample and its iris model ran on
 * LiteRT (issue #23); it passes the landmarker contract and every PD, metamorphic and photo test.
 * human stays selectable.
 */
export const DEFAULT_FACE_LANDMARKER: FaceLandmarkerName = "mediapipe";

/**
 * One detected face as the worker returns it (the port's `LandmarkedFace`, `landmarks` named
 * `mesh`): coordinates in the pixels it was given.
 */
export interface RawFace {
  box: [number, number, number, number];
  score: number;
  /** 478 x (x, y, z), flattened, in the port's index order. */
  mesh: Float32Array;
  irises: { left: Iris; right: Iris };
  roi: FaceRoi;
  angle: HeadAngles | null;
}

export interface DetectResult {
  faces: RawFace[];
  detectMs: number;
  /** Time spent waiting for a free worker. */
  queuedMs: number;
}

export interface FacePoolOptions {
  /** Worker threads; default: the number of cores. */
  workers?: number;
  /** Jobs allowed to wait for a worker; beyond it `detect` fails with OVERLOADED. Default 4 per worker. */
  queueLimit?: number;
  modelsDir?: string;
  /** Faces the detector keeps (largest wins later). Default 5. */
  maxFaces?: number;
  /** "bare" runs human's own input pipeline, for the benchmark's baseline. */
  profile?: "fast" | "bare";
  /** Which landmarker every worker runs. Default `DEFAULT_FACE_LANDMARKER`. */
  landmarker?: FaceLandmarkerName;
  logger?: Logger;
  /** The worker script; face-worker.mjs unless a test stands in a worker that crashes. */
  workerUrl?: URL;
}

export interface FacePool {
  start(): Promise<{ loadMs: number }>;
  /**
   * `mirrored`: the models see the photo flipped left-right; results come back in the photo's
   * own frame and landmark numbering. A second, independent look at the same face.
   */
  detect(pixels: Uint8Array, width: number, height: number, options?: { mirrored?: boolean }): Promise<DetectResult>;
  stats(): { workers: number; busy: number; queued: number };
  stop(): Promise<void>;
}

interface Pending {
  pixels: Uint8Array;
  width: number;
  height: number;
  mirrored: boolean;
  enqueuedAt: number;
  resolve(value: DetectResult): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  job: (Pending & { id: number; startedAt: number }) | null;
}

const WORKER_URL = new URL("./face-worker.mjs", import.meta.url);

type WorkerMessage = { type?: string; loadMs?: number; id?: number; error?: string } & Partial<DetectResult>;

/** What the pool's parts share: the workers, the FIFO in front of them, and whether it stopped. */
interface PoolState {
  slots: Slot[];
  waiting: Pending[];
  nextId: number;
  stopped: boolean;
}

/** Hands waiting jobs to idle workers, oldest first. */
function dispatch(state: PoolState): void {
  for (const slot of state.slots) {
    if (slot.job) continue;
    const next = state.waiting.shift();
    if (!next) return;
    const id = state.nextId++;
    slot.job = { ...next, id, startedAt: performance.now() };
    // Copy into a buffer we own so it can be transferred without detaching the caller's.
    const copy = new Uint8Array(next.pixels);
    slot.worker.postMessage(
      { id, pixels: copy.buffer, width: next.width, height: next.height, mirrored: next.mirrored },
      [copy.buffer],
    );
  }
}

/** Settles the slot's job with the worker's answer; false when the message answers no current job. */
function settle(slot: Slot, msg: WorkerMessage): boolean {
  const job = slot.job;
  if (!job || job.id !== msg.id) return false;
  slot.job = null;
  if (msg.error) job.reject(new AppError("INTERNAL", "Face detection failed", { cause: new Error(msg.error) }));
  else
    job.resolve({
      faces: msg.faces ?? [],
      detectMs: msg.detectMs ?? 0,
      queuedMs: job.startedAt - job.enqueuedAt,
    });
  return true;
}

/** Every worker busy and the FIFO at its limit: new work is refused rather than queued. */
function isFull(state: PoolState, queueLimit: number): boolean {
  const busy = state.slots.filter((s) => s.job).length;
  return busy >= state.slots.length && state.waiting.length >= queueLimit;
}

const overloaded = () =>
  new AppError("OVERLOADED", "Face analysis is at capacity, retry shortly", { details: { retryAfterMs: 1000 } });

function failJob(slot: Slot, error: AppError): void {
  slot.job?.reject(error);
  slot.job = null;
}

function createWorker(options: FacePoolOptions): Worker {
  return new Worker(options.workerUrl ?? WORKER_URL, {
    workerData: {
      kind: "varai-face-worker",
      landmarker: options.landmarker ?? DEFAULT_FACE_LANDMARKER,
      modelsDir: options.modelsDir,
      maxFaces: options.maxFaces ?? 5,
      profile: options.profile ?? "fast",
    },
  });
}

/**
 * A fixed pool of worker threads, each holding the face models, fed from one bounded FIFO.
 * Model inference is CPU-bound wasm: running it on the event loop would stall every other
 * request of the process, and more workers than cores only adds contention.
 */
export function createFacePool(options: FacePoolOptions = {}): FacePool {
  const size = Math.max(1, options.workers ?? availableParallelism());
  const queueLimit = options.queueLimit ?? size * 4;
  const logger = options.logger ?? noopLogger;
  const state: PoolState = { slots: [], waiting: [], nextId: 1, stopped: false };
  const { slots, waiting } = state;
  let starting: Promise<{ loadMs: number }> | null = null;

  // A crashed worker is replaced so that capacity recovers. When the replacement cannot load
  // its models either, the pool runs one worker short (readiness reports the count).
  function replace(): void {
    spawn().then(
      ({ slot: fresh }) => {
        slots.push(fresh);
        dispatch(state);
      },
      (error: unknown) =>
        logger.error(
          { reason: error instanceof Error ? error.message : String(error), workers: slots.length },
          "face worker could not be replaced",
        ),
    );
  }

  function spawn(): Promise<{ slot: Slot; loadMs: number }> {
    const slot: Slot = { worker: createWorker(options), job: null };
    return new Promise((resolve, reject) => {
      let ready = false;
      slot.worker.on("message", (msg: WorkerMessage) => {
        if (msg.type === "ready") {
          ready = true;
          resolve({ slot, loadMs: msg.loadMs ?? 0 });
          return;
        }
        if (settle(slot, msg)) dispatch(state);
      });
      slot.worker.on("error", (error) => {
        if (!ready) reject(new AppError("INTERNAL", "Face models failed to load", { cause: error }));
        failJob(slot, new AppError("INTERNAL", "Face worker crashed", { cause: error }));
      });
      slot.worker.on("exit", () => {
        const index = slots.indexOf(slot);
        if (index >= 0) slots.splice(index, 1);
        failJob(slot, new AppError("UPSTREAM_UNAVAILABLE", "Face worker stopped"));
        if (!state.stopped && ready) replace();
      });
    });
  }

  return {
    start() {
      starting ??= Promise.all(Array.from({ length: size }, () => spawn())).then((started) => {
        for (const { slot } of started) slots.push(slot);
        dispatch(state);
        return { loadMs: Math.max(...started.map((s) => s.loadMs)) };
      });
      return starting;
    },
    detect(pixels, width, height, detectOptions) {
      if (state.stopped) return Promise.reject(new AppError("UPSTREAM_UNAVAILABLE", "Face analysis is stopped"));
      if (isFull(state, queueLimit)) return Promise.reject(overloaded());
      return new Promise((resolve, reject) => {
        const mirrored = detectOptions?.mirrored === true;
        waiting.push({ pixels, width, height, mirrored, enqueuedAt: performance.now(), resolve, reject });
        dispatch(state);
      });
    },
    stats() {
      return { workers: slots.length, busy: slots.filter((s) => s.job).length, queued: waiting.length };
    },
    async stop() {
      state.stopped = true;
      for (const job of waiting.splice(0)) job.reject(new AppError("UPSTREAM_UNAVAILABLE", "Face analysis stopped"));
      await Promise.all(slots.map((s) => s.worker.terminate()));
      slots.length = 0;
    },
  };
}
