import { actingTenant, createRetentionPolicy, parseInput, type RuntimeDeps, requireStorefront } from "@varai/runtime";
import { AppError, IdSchema, RETENTION_BOUNDS, RetentionUpdateSchema } from "@varai/schema";
import { Router } from "express";
import { z } from "zod";
import type { ShopperBlobs } from "./shopper-blobs.ts";
import { shortenFaceData } from "./shorten-face-data.ts";

const ParamsSchema = z.object({ renderId: IdSchema });

/** `GET/PUT /v1/privacy/retention` (tenant admins) and `GET /v1/renders/:renderId` (storefronts, own tenant). */
export function createStorageRoutes(deps: RuntimeDeps, blobs: ShopperBlobs): Router {
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
  return router;
}
