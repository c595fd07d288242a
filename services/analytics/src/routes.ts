import { actingTenant, parseInput, requireStorefront } from "@varai/runtime";
import { Router } from "express";
import { type EventIngestDeps, ingestEvents } from "./ingest-events.ts";
import { ExportQuerySchema, SummaryQuerySchema } from "./schemas.ts";
import { resolveRange, type SummaryQueries } from "./summary.ts";

export interface AnalyticsRouteDeps {
  ingest: EventIngestDeps;
  queries: SummaryQueries;
  clock: () => Date;
  maxRangeDays: number;
}

/** `POST /v1/events` (storefront keys), `GET /v1/analytics/summary` and `/export` (`analytics:read`). */
export function createAnalyticsRoutes(deps: AnalyticsRouteDeps): Router {
  const { queries, maxRangeDays } = deps;
  const router = Router();

  router.post("/v1/events", async (req, res) => {
    const { tenantId } = requireStorefront(res);
    const outcome = await ingestEvents(deps.ingest, { tenantId, body: req.body, header: (name) => req.header(name) });
    res.status(202).json(outcome);
  });

  router.get("/v1/analytics/summary", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "analytics:read");
    const query = parseInput(SummaryQuerySchema, req.query, "query");
    const range = resolveRange(query, deps.clock(), maxRangeDays);
    res.json(await queries.summary(tenantId, range));
  });

  router.get("/v1/analytics/export", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "analytics:read");
    const query = parseInput(ExportQuerySchema, req.query, "query");
    const range = resolveRange(query, deps.clock(), maxRangeDays);
    res.status(200);
    res.type("application/x-ndjson");
    res.setHeader("Content-Disposition", `attachment; filename="varai-analytics-${range.from}-${range.to}.ndjson"`);
    for await (const line of queries.exportLines(tenantId, range)) {
      if (res.destroyed) return;
      // Respect the socket's backpressure: a slow client must not make us buffer the export.
      if (!res.write(`${JSON.stringify(line)}\n`)) {
        await new Promise<void>((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
      }
    }
    res.end();
  });
  return router;
}
