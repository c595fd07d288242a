import type { RequestListener } from "node:http";
import { createHttpApp, internalAuthentication, type RuntimeDeps, sendProblem } from "@varai/runtime";
import { AppError } from "@varai/schema";
import { createInternalPrivacyRouter } from "./internal-privacy.ts";
import { createRecommendationsService } from "./service.ts";
import type { RecsProcessEnv } from "./standalone-env.ts";
import { createTfServingRouter } from "./tf-serving.ts";
import type { RecommendationsOptions, RecommendationsService } from "./types.ts";

/**
 * ml-datadriven-recos: the recommendation service as its own deployable. Stateless apart from
 * its store (this region's MongoDB / Redis, or the embedded default under DATA_DIR). Serves the
 * TF Serving-shaped model API, the service's own routes (for the gateway's forwarded calls),
 * `/healthz`, `/readyz`, `/metrics`, and the privacy export and erasure of what this region's
 * store holds (internal-privacy.ts). Every caller is the gateway: the principal comes from
 * its signed internal headers, nothing else authenticates here.
 */
export function createRecsProcess(
  deps: RuntimeDeps,
  env: Pick<RecsProcessEnv, "region" | "internalKey">,
  options: RecommendationsOptions = {},
): { listener: RequestListener; service: RecommendationsService; markStarted(): void } {
  const service = createRecommendationsService(deps, options);
  let started = false;
  const app = createHttpApp({
    modules: [
      { name: "ml-datadriven-recos", router: createTfServingRouter(service, env.region) },
      { name: "ml-datadriven-recos.privacy", router: createInternalPrivacyRouter(deps.privacy, env.region) },
      service,
    ],
    logger: deps.logger,
    authenticate: internalAuthentication(env.internalKey),
    routes: (app) => {
      app.get("/healthz", (_req, res) => {
        res.setHeader("Cache-Control", "no-store");
        res.json({ status: "ok", region: env.region });
      });
      app.get("/readyz", async (_req, res) => {
        res.setHeader("Cache-Control", "no-store");
        const checks = { store: deps.store.ping(), cache: deps.cache.ping(), queue: deps.queue.ping() };
        const results = await Promise.allSettled(Object.values(checks));
        const failed = Object.keys(checks).filter((_, i) => results[i]!.status === "rejected");
        if (!started) failed.push("startup");
        if (failed.length > 0) {
          deps.logger.warn({ failed }, "not ready");
          sendProblem(
            res,
            new AppError("UPSTREAM_UNAVAILABLE", `Not ready: ${failed.join(", ")}`, { details: { failed } }),
          );
          return;
        }
        res.json({ status: "ok", region: env.region });
      });
    },
  });
  return { listener: app, service, markStarted: () => (started = true) };
}
