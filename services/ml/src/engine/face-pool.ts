import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { FaceRoi, HeadAngles, Iris } from "@varai/face-landmarker";
import { type Logger, noopLogger } from "@varai/runtime";
import { AppError, type ErrorCode, type ErrorDetails } from "@varai/schema";
import type { MeasuredFace } from "../analysis/measure.ts";
import type { FrameAssetInfo, Placement } from "../render/placement.ts";
import type { RenderContentType } from "../render/render.ts";

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

/** A whole photo try-on for one worker (try-on-job.ts runs it). What the pool sends: the photo's bytes and the product's decoded frame asset. */
export interface TryOnJob {
  photo: Uint8Array;
  asset: { info: FrameAssetInfo; pixels: Uint8Array; width: number; height: number };
  contentType: RenderContentType;
  child: boolean;
}

export interface TryOnJobTimings {
  decode: number;
  detect: number;
  measure: number;
  render: number;
  encode: number;
}

/** What the worker answers: the face without its landmarks, where the frame went, the image. */
export interface TryOnJobResult {
  face: Omit<MeasuredFace, "landmarks">;
  placement: Placement;
  image: Uint8Array;
  timings: TryOnJobTimings;
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
  /**
   * A whole photo try-on on one worker (try-on-job.ts): the photo is decoded, measured and
   * rendered there, so its pixels never reach this thread's heap.
   */
  tryOn(job: TryOnJob): Promise<TryOnJobResult & { queuedMs: number }>;
  stats(): { workers: number; busy: number; queued: number };
  stop(): Promise<void>;
}

interface Pending {
  /** The message for the worker (without its id) and what it transfers, made as it is sent. */
  message(): { body: Record<string, unknown>; transfer: ArrayBuffer[] };
  enqueuedAt: number;
  resolve(msg: WorkerMessage, queuedMs: number): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  job: (Pending & { id: number; startedAt: number }) | null;
}

const WORKER_URL = new URL("./face-worker.mjs", import.meta.url);

type WorkerMessage = {
  type?: string;
  loadMs?: number;
  id?: number;
  error?: string;
  appError?: { code: ErrorCode; message: string; details?: ErrorDetails };
  tryOn?: TryOnJobResult;
} & Partial<DetectResult>;

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
    const { body, transfer } = next.message();
    slot.worker.postMessage({ ...body, id }, transfer);
  }
}

/** Settles the slot's job with the worker's answer; false when the message answers no current job. */
function settle(slot: Slot, msg: WorkerMessage): boolean {
  const job = slot.job;
  if (!job || job.id !== msg.id) return false;
  slot.job = null;
  if (msg.appError) {
    const { code, message, details } = msg.appError;
    job.reject(new AppError(code, message, details ? { details } : {}));
  } else if (msg.error) job.reject(new AppError("INTERNAL", "Face detection failed", { cause: new Error(msg.error) }));
  else job.resolve(msg, job.startedAt - job.enqueuedAt);
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

  function enqueue<T>(message: Pending["message"], answer: (msg: WorkerMessage, queuedMs: number) => T): Promise<T> {
    if (state.stopped) return Promise.reject(new AppError("UPSTREAM_UNAVAILABLE", "Face analysis is stopped"));
    if (isFull(state, queueLimit)) return Promise.reject(overloaded());
    return new Promise<T>((resolve, reject) => {
      waiting.push({
        message,
        enqueuedAt: performance.now(),
        resolve: (msg, queuedMs) => {
          try {
            resolve(answer(msg, queuedMs));
          } catch (error) {
            reject(error);
          }
        },
        reject,
      });
      dispatch(state);
    });
  }

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
      const mirrored = detectOptions?.mirrored === true;
      return enqueue(
        () => {
          // Copied into a buffer we own, so it can be transferred without detaching the caller's.
          const copy = new Uint8Array(pixels);
          return { body: { pixels: copy.buffer, width, height, mirrored }, transfer: [copy.buffer] };
        },
        (msg, queuedMs): DetectResult => ({ faces: msg.faces ?? [], detectMs: msg.detectMs ?? 0, queuedMs }),
      );
    },
    tryOn(job) {
      return enqueue(
        () => {
          // The upload is copied (the caller keeps its own); the asset's pixels are shared.
          const photo = new Uint8Array(job.photo);
          return { body: { kind: "try-on", job: { ...job, photo } }, transfer: [photo.buffer] };
        },
        (msg, queuedMs) => {
          if (!msg.tryOn) throw new AppError("INTERNAL", "The face worker answered a try-on without one");
          return { ...msg.tryOn, queuedMs };
        },
      );
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
