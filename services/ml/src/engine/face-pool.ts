import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type Logger, noopLogger } from "@varai/runtime";
import { AppError } from "@varai/schema";

/** One detected face as the worker returns it: coordinates in the pixels it was given. */
export interface RawFace {
  box: [number, number, number, number];
  score: number;
  /** 478 x (x, y, z), flattened. */
  mesh: Float32Array;
  angle: { roll: number; yaw: number; pitch: number } | null;
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

/**
 * A fixed pool of worker threads, each holding the face models, fed from one bounded FIFO.
 * Model inference is CPU-bound wasm: running it on the event loop would stall every other
 * request of the process, and more workers than cores only adds contention.
 */
export function createFacePool(options: FacePoolOptions = {}): FacePool {
  const size = Math.max(1, options.workers ?? availableParallelism());
  const queueLimit = options.queueLimit ?? size * 4;
  const logger = options.logger ?? noopLogger;
  const slots: Slot[] = [];
  const waiting: Pending[] = [];
  let nextId = 1;
  let starting: Promise<{ loadMs: number }> | null = null;
  let stopped = false;

  function dispatch(): void {
    for (const slot of slots) {
      if (slot.job) continue;
      const next = waiting.shift();
      if (!next) return;
      const id = nextId++;
      slot.job = { ...next, id, startedAt: performance.now() };
      // Copy into a buffer we own so it can be transferred without detaching the caller's.
      const copy = new Uint8Array(next.pixels);
      slot.worker.postMessage(
        { id, pixels: copy.buffer, width: next.width, height: next.height, mirrored: next.mirrored },
        [copy.buffer],
      );
    }
  }

  function spawn(): Promise<{ slot: Slot; loadMs: number }> {
    const worker = new Worker(options.workerUrl ?? WORKER_URL, {
      workerData: {
        kind: "varai-face-worker",
        modelsDir: options.modelsDir,
        maxFaces: options.maxFaces ?? 5,
        profile: options.profile ?? "fast",
      },
    });
    const slot: Slot = { worker, job: null };
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on(
        "message",
        (msg: { type?: string; loadMs?: number; id?: number; error?: string } & Partial<DetectResult>) => {
          if (msg.type === "ready") {
            ready = true;
            resolve({ slot, loadMs: msg.loadMs ?? 0 });
            return;
          }
          const job = slot.job;
          if (!job || job.id !== msg.id) return;
          slot.job = null;
          if (msg.error) job.reject(new AppError("INTERNAL", "Face detection failed", { cause: new Error(msg.error) }));
          else
            job.resolve({
              faces: msg.faces ?? [],
              detectMs: msg.detectMs ?? 0,
              queuedMs: job.startedAt - job.enqueuedAt,
            });
          dispatch();
        },
      );
      worker.on("error", (error) => {
        if (!ready) reject(new AppError("INTERNAL", "Face models failed to load", { cause: error }));
        slot.job?.reject(new AppError("INTERNAL", "Face worker crashed", { cause: error }));
        slot.job = null;
      });
      worker.on("exit", () => {
        const index = slots.indexOf(slot);
        if (index >= 0) slots.splice(index, 1);
        slot.job?.reject(new AppError("UPSTREAM_UNAVAILABLE", "Face worker stopped"));
        slot.job = null;
        // A crashed worker is replaced so that capacity recovers. When the replacement cannot load
        // its models either, the pool runs one worker short (readiness reports the count).
        if (!stopped && ready)
          spawn().then(
            ({ slot: fresh }) => {
              slots.push(fresh);
              dispatch();
            },
            (error: unknown) =>
              logger.error(
                { reason: error instanceof Error ? error.message : String(error), workers: slots.length },
                "face worker could not be replaced",
              ),
          );
      });
    });
  }

  return {
    start() {
      starting ??= Promise.all(Array.from({ length: size }, () => spawn())).then((started) => {
        for (const { slot } of started) slots.push(slot);
        dispatch();
        return { loadMs: Math.max(...started.map((s) => s.loadMs)) };
      });
      return starting;
    },
    detect(pixels, width, height, detectOptions) {
      if (stopped) return Promise.reject(new AppError("UPSTREAM_UNAVAILABLE", "Face analysis is stopped"));
      const busy = slots.filter((s) => s.job).length;
      if (busy >= slots.length && waiting.length >= queueLimit) {
        return Promise.reject(
          new AppError("OVERLOADED", "Face analysis is at capacity, retry shortly", {
            details: { retryAfterMs: 1000 },
          }),
        );
      }
      return new Promise((resolve, reject) => {
        const mirrored = detectOptions?.mirrored === true;
        waiting.push({ pixels, width, height, mirrored, enqueuedAt: performance.now(), resolve, reject });
        dispatch();
      });
    },
    stats() {
      return { workers: slots.length, busy: slots.filter((s) => s.job).length, queued: waiting.length };
    },
    async stop() {
      stopped = true;
      for (const job of waiting.splice(0)) job.reject(new AppError("UPSTREAM_UNAVAILABLE", "Face analysis stopped"));
      await Promise.all(slots.map((s) => s.worker.terminate()));
      slots.length = 0;
    },
  };
}
