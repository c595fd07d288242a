import { getPrincipal, parseInput, toProblem } from "@varai/runtime";
import { AppError, isAppError, RecommendationRequestSchema, type Region } from "@varai/schema";
import { type Response, Router } from "express";
import { z } from "zod";
import type { RecommendationsUseCases } from "./types.ts";

/** The model name of the recommendation ranker on the TF Serving-shaped API. */
export const RECS_MODEL = "recommendations";
/** The header each answer carries: which regional deployment served it. */
export const REGION_HEADER = "x-varai-region";

const PredictBodySchema = z.object({
  signature_name: z.string().optional(),
  instances: z.array(z.unknown()).min(1).max(16),
});

/** TF Serving answers errors as `{ "error": "..." }`; we send the problem document with that member too. */
function sendModelError(res: Response, error: unknown): void {
  const appError = isAppError(error) ? error : new AppError("INTERNAL", "Internal error");
  const problem = toProblem(appError, res.locals.requestId as string | undefined);
  res
    .status(problem.status)
    .type("application/problem+json")
    .send(JSON.stringify({ ...problem, error: problem.detail }));
}

function requireModel(name: string | undefined): void {
  if (name !== RECS_MODEL)
    throw new AppError("NOT_FOUND", `Servable not found for request: Latest(${String(name).slice(0, 64)})`);
}

/**
 * The ranker behind the REST API of TensorFlow Serving, so that a real TF Serving could stand
 * in: `GET /v1/models/<name>` (model status) and `POST /v1/models/<name>:predict` with
 * `{ "instances": [ <RecommendationRequest>, ... ] }` -> `{ "predictions": [ <RecommendationResponse>, ... ] }`.
 * The tenant is the signed principal's (the gateway's), never a field of the instance; a tenant
 * of another region is refused (`FORBIDDEN`), never served from this region's store.
 */
export function createTfServingRouter(useCases: Pick<RecommendationsUseCases, "recommend">, region: Region): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader(REGION_HEADER, region);
    next();
  });

  router.get("/v1/models/:name", (req, res) => {
    try {
      requireModel(req.params.name);
      res.json({
        model_version_status: [{ version: "1", state: "AVAILABLE", status: { error_code: "OK", error_message: "" } }],
      });
    } catch (error) {
      sendModelError(res, error);
    }
  });

  // "\\:" is a literal colon in an express 5 path: the model name, then TF Serving's ":predict".
  router.post("/v1/models/:name\\:predict", async (req, res) => {
    try {
      // express's path typing does not read the escaped colon: the parameter is `name`.
      requireModel((req.params as { name?: string }).name);
      const principal = getPrincipal(res);
      if (!principal) throw new AppError("UNAUTHENTICATED", "A signed call from the gateway is required");
      // The gateway signs the tenant's region onto the call: a tenant of another region is refused.
      const tenantRegion = res.locals.tenantRegion as string | null | undefined;
      if (tenantRegion !== region)
        throw new AppError("FORBIDDEN", `This deployment serves region ${region}, not ${tenantRegion}`);
      const body = parseInput(PredictBodySchema, req.body);
      const predictions = [];
      for (const instance of body.instances)
        predictions.push(
          await useCases.recommend(principal.tenantId, parseInput(RecommendationRequestSchema, instance)),
        );
      res.json({ predictions });
    } catch (error) {
      sendModelError(res, error);
    }
  });
  return router;
}
