import {
  actingTenant,
  type BlobMetadata,
  createRetentionPolicy,
  type PrivacyParticipant,
  type PrivacySubject,
  parseInput,
  problemResponse,
  type RuntimeDeps,
  requireStorefront,
  type ServiceModule,
} from "@varai/runtime";
import { AppError, IdSchema, RETENTION_BOUNDS, RetentionSettingsSchema, RetentionUpdateSchema } from "@varai/schema";
import { Router } from "express";
import { z } from "zod";
import { createShopperBlobs, type ShopperBlobs } from "./shopper-blobs.ts";
import { shortenFaceData } from "./shorten-face-data.ts";
import { type SweepResult, sweepExpired } from "./sweep-expired.ts";

const problem = problemResponse();
const retentionResponse = {
  description: "Retention periods in days, with their bounds",
  content: { "application/json": { schema: z.toJSONSchema(RetentionSettingsSchema) } },
};

export interface StorageServiceOptions {
  /**
   * How often expired data (every TTL collection, photos and renders) is deleted; also once at
   * start. Default 10 minutes; 0 disables the timer (and the start-up sweep).
   */
  sweepIntervalMs?: number;
}

export interface StorageService extends ServiceModule {
  blobs: ShopperBlobs;
  /** Deletes everything expired at `now` (default: the clock), across tenants, physically. */
  sweepExpired(now?: Date): Promise<SweepResult>;
  privacy: PrivacyParticipant;
}

const ParamsSchema = z.object({ renderId: IdSchema });

function describe(metadata: BlobMetadata): Record<string, unknown> {
  return {
    key: metadata.key,
    kind: metadata.tags.kind,
    contentType: metadata.contentType,
    size: metadata.size,
    createdAt: metadata.createdAt,
    expiresAt: metadata.tags.expiresAt,
    shopperId: metadata.tags.shopperId,
  };
}

/**
 * Shopper photos and renders: retention (every blob has an expiry; a sweep deletes it) and the
 * privacy participant that exports and erases a shopper's blobs. The photos themselves are
 * biometric data: only their metadata is ever exported, never the pixels.
 */
export function createStorageService(deps: RuntimeDeps, options: StorageServiceOptions = {}): StorageService {
  const blobs = createShopperBlobs(deps.blobs, deps.clock);
  const sweepIntervalMs = options.sweepIntervalMs ?? 10 * 60_000;
  let timer: NodeJS.Timeout | null = null;

  async function subjectBlobs(subject: PrivacySubject): Promise<BlobMetadata[]> {
    const all = await blobs.list(subject.tenantId);
    if (subject.kind === "tenant") return all;
    if (!subject.shopperId) return [];
    return all.filter((m) => m.tags.shopperId === subject.shopperId);
  }

  const privacy: PrivacyParticipant = {
    name: "storage.shopper-blobs",
    async export(subject) {
      return (await subjectBlobs(subject)).map(describe);
    },
    async erase(subject) {
      let removed = 0;
      for (const m of await subjectBlobs(subject)) if (await deps.blobs.delete(m.key)) removed++;
      return removed;
    },
  };
  deps.privacy.register(privacy);

  const sweep = (now: Date = deps.clock()) => sweepExpired(deps, now);
  const retention = createRetentionPolicy(deps.store);

  const router = Router();
  router.get("/v1/privacy/retention", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "privacy:manage");
    res.json({ ...(await retention.get(tenantId)), bounds: RETENTION_BOUNDS });
  });
  router.put("/v1/privacy/retention", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "privacy:manage");
    const change = parseInput(RetentionUpdateSchema, req.body);
    const before = await retention.get(tenantId);
    const now = deps.clock();
    const settings = await retention.set(tenantId, change, now);
    if (settings.faceDataDays < before.faceDataDays) await shortenFaceData(deps, tenantId, settings.faceDataDays, now);
    res.json({ ...settings, bounds: RETENTION_BOUNDS });
  });
  router.get("/v1/renders/:renderId", async (req, res) => {
    const { tenantId } = requireStorefront(res);
    const { renderId } = parseInput(ParamsSchema, req.params, "path");
    const found = await blobs.get(tenantId, "render", renderId);
    if (!found) throw new AppError("NOT_FOUND", "No such render");
    res.setHeader("Cache-Control", "private, no-store");
    res.type(found.metadata.contentType).send(found.data);
  });

  return {
    name: "storage",
    router,
    blobs,
    privacy,
    sweepExpired: sweep,
    openapi: {
      paths: {
        "/v1/privacy/retention": {
          get: {
            summary:
              "The tenant's retention periods in days (face data, events, recommendation history) and their bounds",
            security: [{ bearerAuth: [] }],
            responses: { "200": retentionResponse, "403": problem },
          },
          put: {
            summary:
              "Changes retention periods (face data 1-30 days, events and history 1-400). Applies to data stored from then on; a shorter face data period also caps the expiry of analyses and photos already kept",
            security: [{ bearerAuth: [] }],
            requestBody: {
              required: true,
              content: {
                "application/json": { schema: z.toJSONSchema(RetentionSettingsSchema.partial(), { io: "input" }) },
              },
            },
            responses: { "200": retentionResponse, "400": problem, "403": problem },
          },
        },
        "/v1/renders/{renderId}": {
          get: {
            summary: "A stored try-on render (kept only until its expiry)",
            parameters: [{ name: "renderId", in: "path", required: true, schema: { type: "string" } }],
            responses: {
              "200": { description: "The image", content: { "image/jpeg": {}, "image/webp": {}, "image/png": {} } },
              "404": problemResponse("Unknown or expired"),
            },
          },
        },
      },
    },
    async start() {
      if (sweepIntervalMs > 0 && !timer) {
        // At start: what expired while no process ran goes before the first request is served.
        await sweep().catch((err) => deps.logger.warn({ err }, "retention sweep failed"));
        timer = setInterval(() => {
          sweep().catch((err) => deps.logger.warn({ err }, "retention sweep failed"));
        }, sweepIntervalMs);
        timer.unref();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    async ready() {
      await deps.blobs.ping();
    },
  };
}
