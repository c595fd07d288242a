import { randomBytes } from "node:crypto";
import {
  type Consumer,
  createShopperIdentity,
  QUEUES,
  type RuntimeDeps,
  type SecretBox,
  type ServiceModule,
  type ShopperIdentity,
} from "@varai/runtime";
import { AppError, type Product } from "@varai/schema";
import { createShopperBlobs } from "@varai/storage";
import { type AnalysisOptions, type AnalyzedPhoto, analyzePhoto } from "./analysis/analyze.ts";
import { openMlCollections } from "./collections.ts";
import { createConsentedAnalyses } from "./consent.ts";
import { createFacePool, type FaceLandmarkerName, type FacePool } from "./engine/face-pool.ts";
import { createFaceAnalysis } from "./face-analysis.ts";
import { type AssetUpdate, createFetchImage, createFrameAssetPreparer } from "./frame-assets/prepare.ts";
import { mlOpenApi } from "./openapi.ts";
import { createMlPrivacy } from "./privacy.ts";
import { createMlRoutes } from "./routes.ts";
import { createTryOn, type TryOnInput, type TryOnResult } from "./try-on.ts";
import { createTryOnAssets } from "./try-on-assets.ts";

export type { TryOnInput, TryOnResult } from "./try-on.ts";

export interface MlServiceOptions {
  /** Face model workers; default: the number of cores. */
  workers?: number;
  /** Analyses allowed to wait for a worker before new ones get 503 OVERLOADED. */
  queueLimit?: number;
  modelsDir?: string;
  /**
   * The face landmarker every worker runs: "human" (@vladmandic/human, the default: faster on the
   * server as measured, face-pool.ts) or "mediapipe" (MediaPipe's models on LiteRT.js). The
   * gateway reads it from `FACE_LANDMARKER`.
   */
  landmarker?: FaceLandmarkerName;
  /**
   * Outbound fetch for merchant product images (frame assets): runtime's guarded fetch, which the
   * gateway builds from its configuration. Default: its strict form (https, public addresses only).
   */
  fetch?: typeof globalThis.fetch;
  /** Consume QUEUES.frameAssets in start(). Default true. */
  consumeFrameAssets?: boolean;
  /** Normalises shopper ids and links them to emails (the gateway's one instance). Default: a per-process one. */
  shoppers?: ShopperIdentity;
  /**
   * Seals kept photos at rest (the configured encryption keys). Default: none, the photo is kept
   * re-encoded without metadata but in clear (tests, tools); the gateway always passes one.
   */
  photoBox?: SecretBox;
  /** Told when a frame's try-on asset is prepared or fails (the gateway's live `assets` topic). Must not throw. */
  onAssetStatus?: (tenantId: string, update: AssetUpdate) => void;
}

export interface MlService extends ServiceModule {
  /** Photo bytes -> face analysis (not stored). */
  /** `mirroredView: false` measures from the photo alone (one model pass; see analyze.ts). */
  analyzeFace(photo: Uint8Array, options?: AnalysisOptions): Promise<AnalyzedPhoto>;
  /** Photo bytes + product -> placement and (unless contentType is "application/json") the rendered image. */
  renderTryOn(input: TryOnInput): Promise<TryOnResult>;
  /** Builds a product's try-on asset from its front image now (the queue consumer calls the same). */
  prepareFrameAsset(tenantId: string, productId: string): Promise<Product["tryOn"] | null>;
  pool: FacePool;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createMlService(deps: RuntimeDeps, options: MlServiceOptions = {}): MlService {
  const pool = createFacePool({
    workers: options.workers,
    queueLimit: options.queueLimit,
    modelsDir: options.modelsDir,
    landmarker: options.landmarker,
    logger: deps.logger,
  });
  const { faces, products } = openMlCollections(deps.store);
  const shoppers =
    options.shoppers ?? createShopperIdentity({ hashKey: randomBytes(32), store: deps.store, clock: deps.clock });
  const shopperBlobs = createShopperBlobs(deps.blobs, deps.clock, options.photoBox ? { box: options.photoBox } : {});
  const consented = createConsentedAnalyses(deps, faces, shopperBlobs);
  const preparer = createFrameAssetPreparer(deps, createFetchImage(options.fetch), options.onAssetStatus);
  const tryOn = createTryOn({ pool, loadAsset: createTryOnAssets(deps, products), consented, shopperBlobs });
  const analyseFace = createFaceAnalysis({ pool, consented, shoppers });
  deps.privacy.register(createMlPrivacy(faces, shopperBlobs));
  let consumer: Consumer | null = null;

  return {
    name: "ml",
    router: createMlRoutes({ blobs: deps.blobs, analyseFace, tryOn }),
    pool,
    openapi: mlOpenApi(),
    analyzeFace: (photo, analysisOptions) => analyzePhoto(pool, photo, analysisOptions),
    renderTryOn: tryOn,
    prepareFrameAsset: (tenantId, productId) => preparer.prepare(tenantId, productId),
    async start() {
      await pool.start();
      if (options.consumeFrameAssets !== false && !consumer) {
        consumer = deps.queue.consume(QUEUES.frameAssets, (job) => preparer.handle(job), {
          concurrency: 1,
          maxAttempts: 5,
        });
      }
    },
    async stop() {
      await consumer?.stop();
      consumer = null;
      await pool.stop();
    },
    async ready() {
      if (pool.stats().workers === 0) throw new AppError("UPSTREAM_UNAVAILABLE", "Face models are not loaded");
    },
  };
}
