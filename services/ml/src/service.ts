import { randomBytes } from "node:crypto";
import {
  blobKeys,
  COLLECTIONS,
  type Consumer,
  createRetentionPolicy,
  createShopperIdentity,
  daysToMs,
  type PrivacyParticipant,
  parseInput,
  QUEUES,
  type RuntimeDeps,
  requireStorefront,
  type SecretBox,
  type ServiceModule,
  type ShopperIdentity,
} from "@varai/runtime";
import {
  AppError,
  type FaceAnalysis,
  FaceAnalysisSchema,
  type FaceMeasurements,
  FaceMeasurementsSchema,
  type FaceShape,
  IdSchema,
  newId,
  type Product,
} from "@varai/schema";
import { createShopperBlobs } from "@varai/storage";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import {
  type AnalysisOptions,
  type AnalyzedPhoto,
  analyzePhoto,
  analyzePhotoForRender,
  type StageTimings,
} from "./analysis/analyze.ts";
import { createFacePool, type FacePool } from "./engine/face-pool.ts";
import { createFetchImage, createFrameAssetPreparer } from "./frame-assets/prepare.ts";
import { readPhotoForm } from "./http/multipart.ts";
import { decodeFull, inspectPhoto, type RawImage, withoutMetadata } from "./image/decode.ts";
import { computePlacement, type FrameAssetInfo, type Placement } from "./render/placement.ts";
import {
  type DecodedAsset,
  decodeAsset,
  RENDER_FORMATS,
  type RenderContentType,
  renderTryOn,
} from "./render/render.ts";

export interface MlServiceOptions {
  /** Face model workers; default: the number of cores. */
  workers?: number;
  /** Analyses allowed to wait for a worker before new ones get 503 OVERLOADED. */
  queueLimit?: number;
  modelsDir?: string;
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
}

/** A stored consented analysis (COLLECTIONS.faceMeasurements). */
export interface FaceMeasurementDoc {
  id: string;
  tenantId: string;
  shopperId: string | null;
  measurements: FaceMeasurements;
  faceShape: { label: FaceShape; scores: Partial<Record<FaceShape, number>> };
  /** Always a measured analysis: a withheld one is never stored. */
  analysis: FaceAnalysis;
  createdAt: string;
  expiresAt: Date;
}

export interface TryOnResult {
  placement: Placement;
  asset: FrameAssetInfo;
  analysis: Omit<FaceAnalysis, "landmarks">;
  image: { data: Buffer; contentType: RenderContentType } | null;
  timings: Partial<StageTimings> & { render?: number; encode?: number; total: number };
}

export interface MlService extends ServiceModule {
  /** Photo bytes -> face analysis (not stored). */
  /** `mirroredView: false` measures from the photo alone (one model pass; see analyze.ts). */
  analyzeFace(photo: Uint8Array, options?: AnalysisOptions): Promise<AnalyzedPhoto>;
  /** Photo bytes + product -> placement and (unless contentType is "application/json") the rendered image. */
  renderTryOn(input: {
    tenantId: string;
    productId: string;
    photo?: Uint8Array;
    faceAnalysisId?: string;
    contentType: RenderContentType | "application/json";
    /** Child mode for the analysis of `photo` (see AnalysisOptions). */
    child?: boolean;
  }): Promise<TryOnResult>;
  /** Builds a product's try-on asset from its front image now (the queue consumer calls the same). */
  prepareFrameAsset(tenantId: string, productId: string): Promise<Product["tryOn"] | null>;
  pool: FacePool;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const TruthySchema = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((v) => v === "true" || v === "1" || v === "yes" || v === "on");

const AnalysisFieldsSchema = z.object({
  consent: TruthySchema.optional(),
  shopperId: z.string().min(1).max(128).optional(),
  /** The logged-in shopper's email when the storefront gives it: only its keyed hash is kept, as a link to shopperId. */
  shopperEmail: z.string().trim().toLowerCase().email().max(320).optional(),
  child: TruthySchema.optional(),
});

const TryOnFieldsSchema = z
  .object({
    productId: IdSchema,
    faceAnalysisId: IdSchema.optional(),
    child: TruthySchema.optional(),
  })
  .passthrough();

const AssetParamsSchema = z.object({ assetId: IdSchema });

const ACCEPTABLE = ["image/jpeg", "image/webp", "image/png", "application/json"] as const;

function serverTiming(res: Response, timings: Record<string, number | undefined>): void {
  res.setHeader(
    "Server-Timing",
    Object.entries(timings)
      .filter(([, v]) => typeof v === "number")
      .map(([k, v]) => `${k};dur=${(v as number).toFixed(1)}`)
      .join(", "),
  );
}

export function createMlService(deps: RuntimeDeps, options: MlServiceOptions = {}): MlService {
  const pool = createFacePool({
    workers: options.workers,
    queueLimit: options.queueLimit,
    modelsDir: options.modelsDir,
    logger: deps.logger,
  });
  // How long a consented analysis and its photo are kept: the tenant's face data retention.
  const retention = createRetentionPolicy(deps.store);
  const faces = deps.store.tenantCollection<FaceMeasurementDoc>(COLLECTIONS.faceMeasurements);
  const products = deps.store.tenantCollection<Product & { id: string }>(COLLECTIONS.products);
  const shoppers =
    options.shoppers ?? createShopperIdentity({ hashKey: randomBytes(32), store: deps.store, clock: deps.clock });
  const shopperBlobs = createShopperBlobs(deps.blobs, deps.clock, options.photoBox ? { box: options.photoBox } : {});
  const preparer = createFrameAssetPreparer(deps, createFetchImage(options.fetch));
  // Decoded frame assets, small and reused by every try-on of a product; bounded.
  const assetCache = new Map<string, Promise<DecodedAsset>>();
  const ASSET_CACHE_MAX = 64;
  let consumer: Consumer | null = null;

  const participant: PrivacyParticipant = {
    name: "ml.face-measurements",
    async export(subject) {
      if (subject.kind === "shopper" && !subject.shopperId) return [];
      const filter = subject.kind === "tenant" ? {} : { shopperId: subject.shopperId };
      const docs = await faces.find(subject.tenantId, filter);
      return docs.map((d) => ({ ...d, expiresAt: new Date(d.expiresAt).toISOString() }));
    },
    async erase(subject) {
      if (subject.kind === "shopper" && !subject.shopperId) return 0;
      const filter = subject.kind === "tenant" ? {} : { shopperId: subject.shopperId };
      const docs = await faces.find(subject.tenantId, filter, { projection: { id: 1 } });
      // The photo kept for try-on goes with its analysis.
      for (const d of docs) await shopperBlobs.delete(subject.tenantId, "photo", d.id);
      return faces.deleteMany(subject.tenantId, filter);
    },
  };
  deps.privacy.register(participant);

  async function loadAsset(
    tenantId: string,
    productId: string,
  ): Promise<{ info: FrameAssetInfo; decoded: Promise<DecodedAsset> }> {
    const product = await products.findById(tenantId, productId);
    if (!product || product.status === "deleted") {
      throw new AppError("NOT_FOUND", "Unknown product", { details: { reason: "UNKNOWN_PRODUCT" } });
    }
    const t = product.tryOn;
    if (
      t?.assetStatus !== "ready" ||
      !t.assetId ||
      !t.assetWidthPx ||
      !t.assetHeightPx ||
      !t.lensCentersPx ||
      !t.frameWidthMm
    ) {
      throw new AppError("CONFLICT", "This product has no try-on asset ready", {
        details: { reason: "ASSET_NOT_READY", assetStatus: t?.assetStatus ?? "none" },
      });
    }
    const info: FrameAssetInfo = {
      assetId: t.assetId,
      widthPx: t.assetWidthPx,
      heightPx: t.assetHeightPx,
      lensCentersPx: t.lensCentersPx,
      frameWidthMm: t.frameWidthMm,
      frameWidthIsDefault: t.frameWidthIsDefault ?? false,
    };
    const key = blobKeys.frameAsset(tenantId, t.assetId);
    let decoded = assetCache.get(key);
    if (!decoded) {
      decoded = deps.blobs.get(key).then((blob) => {
        if (!blob)
          throw new AppError("CONFLICT", "The try-on asset is missing", { details: { reason: "ASSET_NOT_READY" } });
        return decodeAsset(blob.data);
      });
      decoded.catch(() => assetCache.delete(key));
      if (assetCache.size >= ASSET_CACHE_MAX) assetCache.delete(assetCache.keys().next().value as string);
      assetCache.set(key, decoded);
    }
    return { info, decoded };
  }

  async function storedAnalysis(tenantId: string, id: string): Promise<FaceMeasurementDoc> {
    const doc = await faces.findById(tenantId, id);
    // TTL removal is not instantaneous in every store: check the expiry as well.
    if (!doc || new Date(doc.expiresAt).getTime() <= deps.clock().getTime()) {
      throw new AppError("NOT_FOUND", "Unknown or expired face analysis", {
        details: { reason: "FACE_ANALYSIS_NOT_FOUND" },
      });
    }
    return doc;
  }

  const renderTryOnFn: MlService["renderTryOn"] = async (input) => {
    const started = performance.now();
    // Cheap checks first: no CPU is spent on a photo for a product that cannot be tried on.
    const asset = await loadAsset(input.tenantId, input.productId);
    let face: Omit<FaceAnalysis, "id" | "expiresAt"> & { id?: string | null; expiresAt?: string | null };
    let image: RawImage | null = null;
    let timings: Partial<StageTimings> = {};
    const wantImage = input.contentType !== "application/json";
    if (input.faceAnalysisId) {
      const doc = await storedAnalysis(input.tenantId, input.faceAnalysisId);
      face = doc.analysis;
      const photo =
        input.photo ?? (wantImage ? (await shopperBlobs.get(input.tenantId, "photo", doc.id))?.data : undefined);
      if (wantImage && !photo) {
        throw new AppError("NOT_FOUND", "The photo of this analysis is not kept: send it again", {
          details: { reason: "PHOTO_NOT_KEPT" },
        });
      }
      if (photo && wantImage) {
        const t0 = performance.now();
        const header = await inspectPhoto(photo);
        if (header.width !== face.imageSize.width || header.height !== face.imageSize.height) {
          throw new AppError("INVALID_INPUT", "The photo is not the one this analysis was made from", {
            details: { reason: "PHOTO_MISMATCH" },
          });
        }
        image = await decodeFull(photo);
        timings = { decode: performance.now() - t0 };
      }
    } else {
      if (!input.photo)
        throw new AppError("INVALID_INPUT", "Send a photo or a faceAnalysisId", {
          details: { reason: "PHOTO_MISSING" },
        });
      if (wantImage) {
        const analyzed = await analyzePhotoForRender(pool, input.photo, { child: input.child });
        face = analyzed.face;
        image = analyzed.image;
        timings = analyzed.timings;
      } else {
        const analyzed = await analyzePhoto(pool, input.photo, { child: input.child });
        face = analyzed.face;
        timings = analyzed.timings;
      }
    }
    const placement = computePlacement(asset.info, face);
    const { landmarks: _omit, ...analysis } = { ...face, id: face.id ?? null, expiresAt: face.expiresAt ?? null };
    if (!wantImage || !image) {
      return {
        placement,
        asset: asset.info,
        analysis,
        image: null,
        timings: { ...timings, total: performance.now() - started },
      };
    }
    const contentType = input.contentType as RenderContentType;
    const rendered = await renderTryOn(image, await asset.decoded, placement, {
      contentType,
      mmPerPixel: face.mmPerPixel,
    });
    return {
      placement,
      asset: asset.info,
      analysis,
      image: { data: rendered.data, contentType },
      timings: { ...timings, ...rendered.timings, total: performance.now() - started },
    };
  };

  async function storeConsented(
    tenantId: string,
    analyzed: AnalyzedPhoto,
    photo: Uint8Array,
    shopperId: string | null,
  ): Promise<FaceAnalysis> {
    const now = deps.clock();
    const ttlMs = daysToMs((await retention.get(tenantId)).faceDataDays);
    const expiresAt = new Date(now.getTime() + ttlMs);
    const id = newId("faceAnalysis");
    const analysis: FaceAnalysis = { ...analyzed.face, id, expiresAt: expiresAt.toISOString() };
    const { measurements: m, faceShape } = analysis;
    // Withheld figures are not kept: there is nothing to recommend from, and the shopper is
    // asked for another photo.
    if (m.status === "withheld" || faceShape.status === "withheld") return { ...analysis, id: null, expiresAt: null };
    // Cannot throw: measured figures lie inside the human ranges this schema is built from.
    const measurements = FaceMeasurementsSchema.parse({
      pupillaryDistanceMm: m.pupillaryDistance.valueMm,
      faceWidthMm: m.faceWidth.valueMm,
      faceLengthMm: m.faceLength.valueMm,
      jawWidthMm: m.jawWidth.valueMm,
      foreheadWidthMm: m.foreheadWidth.valueMm,
    });
    // Photo first: a crash in between leaves an orphan blob that expires, never a dangling id.
    await shopperBlobs.save({
      tenantId,
      kind: "photo",
      id,
      data: await withoutMetadata(photo, analyzed.header.type),
      contentType: `image/${analyzed.header.type}`,
      ttlMs,
      // Exactly the analysis's expiry (re-encoding takes a while; the clock has moved on).
      expiresAt,
      shopperId,
      ref: id,
    });
    await faces.insertOne(tenantId, {
      id,
      shopperId,
      measurements,
      faceShape: { label: faceShape.label, scores: faceShape.scores },
      analysis,
      createdAt: now.toISOString(),
      expiresAt,
    });
    return analysis;
  }

  const router = Router();

  router.post("/v1/face-analysis", async (req: Request, res: Response) => {
    const { tenantId } = requireStorefront(res);
    const form = await readPhotoForm(req);
    const fields = parseInput(AnalysisFieldsSchema, form.fields, "form");
    if (!form.photo)
      throw new AppError("INVALID_INPUT", "The form needs a `photo` file", { details: { reason: "PHOTO_MISSING" } });
    const analyzed = await analyzePhoto(pool, form.photo, { child: fields.child });
    const shopperId = fields.shopperId ? shoppers.normalise(fields.shopperId) : null;
    const result: FaceAnalysis = fields.consent
      ? await storeConsented(tenantId, analyzed, form.photo, shopperId)
      : { ...analyzed.face, id: null, expiresAt: null };
    // Nothing about the shopper is kept without consent, the link to the email included.
    if (fields.consent && result.id && shopperId && fields.shopperEmail) {
      await shoppers.link(tenantId, shopperId, fields.shopperEmail);
    }
    serverTiming(res, analyzed.timings as unknown as Record<string, number>);
    res.setHeader("Cache-Control", "no-store");
    res.json(result);
  });

  router.post("/v1/try-on", async (req: Request, res: Response) => {
    const { tenantId } = requireStorefront(res);
    const accepted = req.accepts([...ACCEPTABLE]);
    if (!accepted) {
      throw new AppError("INVALID_INPUT", `Accept one of ${ACCEPTABLE.join(", ")}`, {
        details: { reason: "NOT_ACCEPTABLE" },
      });
    }
    const form = await readPhotoForm(req);
    const fields = parseInput(TryOnFieldsSchema, form.fields, "form");
    const result = await renderTryOnFn({
      tenantId,
      productId: fields.productId,
      faceAnalysisId: fields.faceAnalysisId,
      photo: form.photo ?? undefined,
      contentType: accepted as RenderContentType | "application/json",
      child: fields.child,
    });
    serverTiming(res, result.timings);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Vary", "Accept");
    if (!result.image) {
      res.json({
        productId: fields.productId,
        faceAnalysisId: fields.faceAnalysisId ?? null,
        placement: result.placement,
        asset: { ...result.asset, url: `/v1/frame-assets/${result.asset.assetId}` },
        analysis: result.analysis,
        fit: fitOf(result.asset, result.analysis.measurements),
      });
      return;
    }
    res.type(result.image.contentType).send(result.image.data);
  });

  router.get("/v1/frame-assets/:assetId", async (req: Request, res: Response) => {
    const { tenantId } = requireStorefront(res);
    const { assetId } = parseInput(AssetParamsSchema, req.params, "path");
    const blob = await deps.blobs.get(blobKeys.frameAsset(tenantId, assetId));
    if (!blob) throw new AppError("NOT_FOUND", "No such frame asset");
    // Asset ids change whenever the asset is rebuilt, so the bytes behind a URL never change.
    res.setHeader("Cache-Control", "private, max-age=31536000, immutable");
    res.type("image/png").send(blob.data);
  });

  return {
    name: "ml",
    router,
    pool,
    openapi: mlOpenApi(),
    analyzeFace: (photo, options) => analyzePhoto(pool, photo, options),
    renderTryOn: renderTryOnFn,
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

/** Frame width against face width; no face width when the measurements were withheld (the reason is in the analysis). */
function fitOf(asset: FrameAssetInfo, measurements: FaceAnalysis["measurements"]) {
  const faceWidthMm = measurements.status === "measured" ? measurements.faceWidth.valueMm : null;
  return {
    frameWidthMm: asset.frameWidthMm,
    frameWidthIsDefault: asset.frameWidthIsDefault,
    faceWidthMm,
    differenceMm: faceWidthMm === null ? null : Math.round((asset.frameWidthMm - faceWidthMm) * 10) / 10,
  };
}

const CHILD_FIELD = {
  type: "string",
  enum: ["true", "false"],
  description: "Child mode: a PD of 40-85 mm is accepted as human (adults: 50-80)",
};

function mlOpenApi() {
  const problem = { description: "Problem", content: { "application/problem+json": {} } };
  const errors = {
    "400": problem,
    "404": problem,
    "409": problem,
    "413": problem,
    "415": problem,
    "422": problem,
    "503": { ...problem, headers: { "Retry-After": { schema: { type: "integer" } } } },
  };
  return {
    paths: {
      "/v1/face-analysis": {
        post: {
          summary: "Analyse a face photo: landmarks, head pose, measurements in mm with uncertainty, face shape",
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["photo"],
                  properties: {
                    photo: {
                      type: "string",
                      format: "binary",
                      description: "JPEG, PNG or WebP, at most 10 MB / 40 MP",
                    },
                    consent: {
                      type: "string",
                      enum: ["true", "false"],
                      description:
                        "Keep the analysis and the photo for the tenant's face data retention (default 7 days, 1-30). A withheld analysis is never kept.",
                    },
                    shopperId: {
                      type: "string",
                      maxLength: 128,
                      description:
                        "The storefront's logged-in customer id (Shopify customer.id or its gid://shopify/Customer/ form, " +
                        "WordPress user id, Magento or BigCommerce customer id); stored normalised",
                    },
                    shopperEmail: {
                      type: "string",
                      format: "email",
                      description: "The shopper's email, when known: only a keyed hash is kept, linked to shopperId",
                    },
                    child: CHILD_FIELD,
                  },
                },
              },
            },
          },
          responses: {
            "200": {
              description:
                "The analysis. `measurements` and `faceShape` are either `measured` or `withheld` with a `reason` " +
                "(POSE_TOO_STRONG, FACE_TOO_SMALL, OUT_OF_HUMAN_RANGE) and what `exceeded` its limit: beyond the " +
                "head pose, face size and human ranges where the method holds, no figure is given.",
              content: { "application/json": { schema: z.toJSONSchema(FaceAnalysisSchema, { io: "output" }) } },
            },
            ...errors,
          },
        },
      },
      "/v1/try-on": {
        post: {
          summary: "Place a product's frame on a face photo: an image (by Accept) or the placement transform",
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["productId"],
                  properties: {
                    photo: { type: "string", format: "binary" },
                    productId: { type: "string" },
                    faceAnalysisId: {
                      type: "string",
                      description: "A consented analysis instead of (or with) the photo",
                    },
                    child: CHILD_FIELD,
                  },
                },
              },
            },
          },
          responses: {
            "200": {
              description:
                "The rendered photo, or the placement as JSON: `placement`, `asset`, `analysis` (as from " +
                "/v1/face-analysis, without landmarks) and `fit` (`frameWidthMm`, `frameWidthIsDefault`, " +
                "`faceWidthMm`, `differenceMm`; the last two null when the analysis withheld its measurements)",
              content: { "image/jpeg": {}, "image/webp": {}, "image/png": {}, "application/json": {} },
            },
            ...errors,
          },
        },
      },
      "/v1/frame-assets/{assetId}": {
        get: {
          summary: "A prepared frame asset (transparent PNG, 4 px per mm)",
          parameters: [{ name: "assetId", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "PNG", content: { "image/png": {} } }, "404": problem },
        },
      },
    },
  };
}

export { RENDER_FORMATS };
