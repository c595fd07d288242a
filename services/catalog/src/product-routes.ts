import { actingTenant, parseInput } from "@varai/runtime";
import { AppError, FramePatchSchema } from "@varai/schema";
import { Router } from "express";
import { handle } from "./handle.ts";
import type { ProductWriter } from "./product-writer.ts";
import { mergeFrame } from "./product-writer.ts";
import { ProductListQuerySchema } from "./schemas.ts";
import { toPublicProduct } from "./views.ts";

/**
 * `GET /v1/products`, `GET /v1/products/:id`, `PATCH /v1/products/:id/frame` (merchant overrides),
 * `POST /v1/products/:id/try-on-asset` (prepare the try-on asset again).
 */
export function createProductRoutes(x: { writer: ProductWriter; clock: () => Date }): Router {
  const { writer } = x;
  const router = Router();

  router.get(
    "/v1/products",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "catalog:read");
      const q = parseInput(ProductListQuerySchema, req.query, "query");
      const filter: Record<string, unknown> = q.status ? { status: q.status } : { status: { $ne: "deleted" } };
      if (q.after) filter.id = { $gt: q.after };
      const docs = await writer.products.find(tenantId, filter, { sort: { id: 1 }, limit: q.limit + 1 });
      const items = docs.slice(0, q.limit).map(toPublicProduct);
      res.json({ items, nextCursor: docs.length > q.limit ? (items.at(-1)?.id ?? null) : null });
    }),
  );

  router.get(
    "/v1/products/:id",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "catalog:read");
      const doc = await writer.products.findById(tenantId, String(req.params.id));
      if (!doc) throw new AppError("NOT_FOUND", "Product not found");
      res.json(toPublicProduct(doc));
    }),
  );

  router.patch(
    "/v1/products/:id/frame",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "catalog:write");
      const patch = parseInput(FramePatchSchema, req.body);
      for (let attempt = 0; attempt < 5; attempt++) {
        const doc = await writer.products.findById(tenantId, String(req.params.id));
        if (!doc || doc.status === "deleted") throw new AppError("NOT_FOUND", "Product not found");
        // Overrides are kept apart from the platform's frame, so a later sync cannot overwrite them.
        const prev = doc.sync.frameOverrides ?? {};
        const overrides = { ...prev, ...patch, dimensions: { ...prev.dimensions, ...patch.dimensions } };
        const t = x.clock().toISOString();
        const updated = await writer.products.findOneAndUpdate(
          tenantId,
          { id: doc.id, "sync.version": doc.sync.version },
          {
            $set: {
              "sync.frameOverrides": overrides,
              "sync.version": doc.sync.version + 1,
              frame: mergeFrame(doc.sync.sourceFrame, overrides),
              updatedAt: t,
            },
          },
        );
        if (!updated) continue;
        // The asset's scale (px per mm) comes from the frame width: new dimensions mean a new asset,
        // or a try-on would keep placing the frame at its old width.
        await writer.changed(tenantId, doc.id, patch.dimensions !== undefined && doc.images.length > 0);
        res.json(toPublicProduct(updated));
        return;
      }
      throw new AppError("CONFLICT", "Product changed concurrently; retry");
    }),
  );

  router.post(
    "/v1/products/:id/try-on-asset",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "catalog:write");
      const doc = await writer.products.findById(tenantId, String(req.params.id));
      if (!doc || doc.status === "deleted") throw new AppError("NOT_FOUND", "Product not found");
      // Pending until ml has prepared it again (the live `assets` topic then tells the outcome).
      const updated = await writer.products.findOneAndUpdate(
        tenantId,
        { id: doc.id },
        { $set: { "tryOn.assetStatus": "pending", "tryOn.updatedAt": x.clock().toISOString() } },
      );
      await writer.changed(tenantId, doc.id, true);
      res.status(202).json(toPublicProduct(updated ?? doc));
    }),
  );

  return router;
}
