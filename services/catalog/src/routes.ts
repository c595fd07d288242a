import { actingTenant, parseInput } from "@varai/runtime";
import { AppError, FramePatchSchema, SyncModeSchema } from "@varai/schema";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { ConnectionDoc } from "./collections.ts";
import type { CatalogStore } from "./connections-store.ts";
import type { CreateConnection } from "./create-connection.ts";
import { mergeFrame, type ProductWriter } from "./product-writer.ts";
import { ProductListQuerySchema } from "./schemas.ts";
import type { SyncEngine } from "./sync.ts";
import { toPublicConnection, toPublicProduct, toPublicRun } from "./views.ts";
import type { StatsBuffer } from "./webhook-stats.ts";

export function createRoutes(x: {
  store: CatalogStore;
  writer: ProductWriter;
  sync: SyncEngine;
  stats: StatsBuffer;
  createConnection: CreateConnection;
  clock: () => Date;
  webhookUrlOf: (c: Pick<ConnectionDoc, "id" | "platform">) => string;
}): Router {
  const { store, writer } = x;
  const router = Router();
  const handle =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: (e?: unknown) => void) =>
      fn(req, res).catch(next);

  const loadConnection = async (tenantId: string, id: string) => {
    const doc = await store.connections.findById(tenantId, id);
    if (!doc) throw new AppError("NOT_FOUND", "Connection not found");
    return doc;
  };
  const lastRunOf = (doc: ConnectionDoc) =>
    doc.lastSyncRunId ? store.runs.findById(doc.tenantId, doc.lastSyncRunId) : null;

  router.post(
    "/v1/connections",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "connections:manage");
      res.status(201).json(await x.createConnection(tenantId, req.body));
    }),
  );

  router.get(
    "/v1/connections",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "connections:read");
      await x.stats.flush();
      const docs = await store.connections.find(tenantId, {}, { sort: { createdAt: -1 }, limit: 200 });
      res.json({ items: docs.map((d) => toPublicConnection(d, x.webhookUrlOf(d), null)) });
    }),
  );

  router.get(
    "/v1/connections/:id",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "connections:read");
      await x.stats.flush();
      const doc = await loadConnection(tenantId, String(req.params.id));
      res.json(toPublicConnection(doc, x.webhookUrlOf(doc), await lastRunOf(doc)));
    }),
  );

  router.post(
    "/v1/connections/:id/sync",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "connections:manage");
      const { mode } = parseInput(z.object({ mode: SyncModeSchema }).strict(), req.body ?? {});
      const doc = await loadConnection(tenantId, String(req.params.id));
      if (doc.status !== "active") throw new AppError("CONFLICT", "Connection is uninstalled");
      const run = await x.sync.startRun(doc, mode);
      res.status(202).json(toPublicRun(run));
    }),
  );

  router.get(
    "/v1/connections/:id/sync-runs/:runId",
    handle(async (req, res) => {
      const { tenantId } = actingTenant(req, res, "connections:read");
      const run = await store.runs.findOne(tenantId, {
        id: String(req.params.runId),
        connectionId: String(req.params.id),
      });
      if (!run) throw new AppError("NOT_FOUND", "Sync run not found");
      res.json(toPublicRun(run));
    }),
  );

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
        await writer.changed(tenantId, doc.id, false);
        res.json(toPublicProduct(updated));
        return;
      }
      throw new AppError("CONFLICT", "Product changed concurrently; retry");
    }),
  );

  return router;
}
