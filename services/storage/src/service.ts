import {
  type BlobMetadata,
  type PrivacyParticipant,
  type PrivacySubject,
  parseInput,
  type RuntimeDeps,
  requireStorefront,
  type ServiceModule,
} from "@varai/runtime";
import { AppError, IdSchema } from "@varai/schema";
import { Router } from "express";
import { z } from "zod";
import { createShopperBlobs, isExpired, type ShopperBlobs } from "./shopper-blobs.ts";

export interface StorageServiceOptions {
  /** How often expired photos and renders are deleted. Default 10 minutes; 0 disables the timer. */
  sweepIntervalMs?: number;
}

export interface StorageService extends ServiceModule {
  blobs: ShopperBlobs;
  /** Deletes every shopper blob whose expiry has passed, across tenants. Returns how many. */
  sweepExpired(): Promise<number>;
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

  async function sweepExpired(): Promise<number> {
    const now = deps.clock();
    let removed = 0;
    // Keys are `<tenant>/photos/...` and `<tenant>/renders/...`; frame assets are not shopper data.
    for (const m of await deps.blobs.list("")) {
      if (!/^[^/]+\/(photos|renders)\//.test(m.key)) continue;
      if (isExpired(m, now) && (await deps.blobs.delete(m.key))) removed++;
    }
    return removed;
  }

  const router = Router();
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
    sweepExpired,
    openapi: {
      paths: {
        "/v1/renders/{renderId}": {
          get: {
            summary: "A stored try-on render (kept only until its expiry)",
            parameters: [{ name: "renderId", in: "path", required: true, schema: { type: "string" } }],
            responses: {
              "200": { description: "The image", content: { "image/jpeg": {}, "image/webp": {}, "image/png": {} } },
              "404": { description: "Unknown or expired", content: { "application/problem+json": {} } },
            },
          },
        },
      },
    },
    async start() {
      if (sweepIntervalMs > 0 && !timer) {
        timer = setInterval(() => {
          sweepExpired().catch((err) => deps.logger.warn({ err }, "shopper blob sweep failed"));
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
