import { actingTenant, parseInput } from "@varai/runtime";
import { AppError, SyncModeSchema } from "@varai/schema";
import { Router } from "express";
import { z } from "zod";
import type { ConnectionDoc } from "./collections.ts";
import type { CatalogStore } from "./connections-store.ts";
import type { CreateConnection } from "./create-connection.ts";
import { handle } from "./handle.ts";
import { createProductRoutes } from "./product-routes.ts";
import type { ProductWriter } from "./product-writer.ts";
import type { SyncEngine } from "./sync.ts";
import { toPublicConnection, toPublicRun } from "./views.ts";
import type { StatsBuffer } from "./webhook-stats.ts";

export interface CatalogRoutesDeps {
  store: CatalogStore;
  writer: ProductWriter;
  sync: SyncEngine;
  stats: StatsBuffer;
  createConnection: CreateConnection;
  clock: () => Date;
  webhookUrlOf: (c: Pick<ConnectionDoc, "id" | "platform">) => string;
}

/** The catalog's HTTP API: connections and their sync runs here, products in product-routes.ts. */
export function createRoutes(x: CatalogRoutesDeps): Router {
  const { store } = x;
  const router = Router();

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

  router.use(createProductRoutes(x));
  return router;
}
