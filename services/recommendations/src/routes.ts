import { actingTenant, parseInput, requireStorefront } from "@varai/runtime";
import { PreviewRequestSchema, RecommendationRequestSchema } from "@varai/schema";
import { Router } from "express";
import { ModelVersionParamsSchema, PutRulesBodySchema } from "./schemas.ts";
import type { RecommendationsUseCases } from "./types.ts";

/** Lets the gateway's audit middleware name what a call changed (see services/auth audit.ts). */
function auditTarget(res: { locals: Record<string, unknown> }, target: { type: string; id: string }) {
  res.locals.audit = { ...(res.locals.audit as object | undefined), target };
}

export function createRecommendationsRouter(service: RecommendationsUseCases): Router {
  const router = Router();

  router.post("/v1/recommendations", async (req, res) => {
    const { tenantId } = requireStorefront(res);
    const request = parseInput(RecommendationRequestSchema, req.body);
    res.json(await service.recommend(tenantId, request));
  });

  router.get("/v1/recommendations/rules", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "recommendations:manage");
    res.json(await service.getRules(tenantId));
  });

  router.put("/v1/recommendations/rules", async (req, res) => {
    const { tenantId, principal } = actingTenant(req, res, "recommendations:manage");
    const body = parseInput(PutRulesBodySchema, req.body);
    const view = await service.putRules(tenantId, body.rules, principal.userId, body.expectedVersion);
    auditTarget(res, { type: "recommendation_rules", id: String(view.version) });
    res.json(view);
  });

  // For the rules editor: a read (nothing stored), POST because a draft of the rules is the body.
  router.post("/v1/recommendations/preview", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "recommendations:manage");
    const request = parseInput(PreviewRequestSchema, req.body);
    res.json(await service.previewRanking(tenantId, request));
  });

  router.post("/v1/recommendations/model/train", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "recommendations:manage");
    const result = await service.trainPreferenceModel(tenantId);
    auditTarget(res, { type: "ml_model", id: String(result.version) });
    res.json(result);
  });

  router.get("/v1/recommendations/model", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "recommendations:manage");
    const versions = await service.listModels(tenantId);
    res.json({ active: versions.find((v) => v.status === "active") ?? null, versions });
  });

  router.post("/v1/recommendations/model/:version/activate", async (req, res) => {
    const { tenantId } = actingTenant(req, res, "recommendations:manage");
    const { version } = parseInput(ModelVersionParamsSchema, req.params, "path");
    auditTarget(res, { type: "ml_model", id: String(version) });
    res.json(await service.activateModel(tenantId, version));
  });

  return router;
}
