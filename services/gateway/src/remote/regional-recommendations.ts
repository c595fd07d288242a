import { randomUUID } from "node:crypto";
import { RECS_MODEL, REGION_HEADER, recommendationsOpenApi } from "@varai/recommendations";
import {
  COLLECTIONS,
  type DocumentStore,
  getPrincipal,
  type Logger,
  type PrivacyRegistry,
  type PrivacySubject,
  requireStorefront,
  type ServiceModule,
  signInternalCall,
} from "@varai/runtime";
import { AppError, type Principal, type Region, type Tenant } from "@varai/schema";
import { type Request, type Response, Router } from "express";
import { callService, relay, type ServiceTarget } from "./forward.ts";

export interface RegionalRecommendationsOptions {
  /** RECS_URL_US / RECS_URL_EU; a region without one is refused. */
  urls: { us: string | null; eu: string | null };
  internalKey: Uint8Array;
  store: DocumentStore;
  logger: Logger;
  /** Where the regional stores' shopper data joins every privacy export and erasure. */
  privacy: PrivacyRegistry;
  timeoutMs?: number;
}

/**
 * Recommendations served by the regional ml-datadriven-recos deployments: a tenant's calls go to
 * its region's service (data residency), never to another region's, not even when its own is
 * down or not configured (503 `UPSTREAM_UNAVAILABLE`). `POST /v1/recommendations` becomes the
 * model's TF Serving-shaped predict call; the rules and model routes are forwarded as they are.
 */
export function createRegionalRecommendations(options: RegionalRecommendationsOptions): ServiceModule {
  const tenants = options.store.globalCollection<Tenant>(COLLECTIONS.tenants);
  const logger = options.logger.child({ component: "regional-recommendations" });

  async function targetFor(tenantId: string): Promise<{ target: ServiceTarget; region: Region }> {
    const tenant = await tenants.findById(tenantId);
    if (!tenant) throw new AppError("NOT_FOUND", "Tenant not found");
    const baseUrl = options.urls[tenant.region];
    if (!baseUrl) {
      throw new AppError("UPSTREAM_UNAVAILABLE", `Recommendations for region ${tenant.region} are unavailable`, {
        details: { service: `recommendations (${tenant.region})` },
      });
    }
    return { target: { baseUrl, label: `recommendations (${tenant.region})` }, region: tenant.region };
  }

  /** The tenant a call acts on: a platform admin's X-VARAi-Tenant, else the principal's own. */
  function actingTenantId(req: Request, principal: Principal): string {
    const header = req.headers["x-varai-tenant"];
    return principal.kind === "user" && principal.role === "platform_admin" && typeof header === "string"
      ? header
      : principal.tenantId;
  }

  /**
   * Recommendation history lives in the tenant's region's store: exported and erased there, on a
   * signed call. A region that cannot be reached fails the step, so auth reports the erasure as
   * incomplete (503, retried) rather than done.
   */
  async function regionalPrivacy(action: "export" | "erase", subject: PrivacySubject): Promise<unknown> {
    if (subject.kind === "shopper" && !subject.shopperId) return action === "export" ? { items: {} } : { removed: 0 };
    const tenant = await tenants.findById(subject.tenantId);
    if (!tenant) {
      logger.warn({ tenantId: subject.tenantId, action }, "privacy: tenant unknown, no region to reach");
      return action === "export" ? { items: {} } : { removed: 0 };
    }
    const { target, region } = await targetFor(subject.tenantId);
    const path = `/internal/privacy/${action}`;
    const requestId = randomUUID();
    const principal = { kind: "platform" as const, tenantId: subject.tenantId, source: "privacy" };
    const response = await fetch(`${target.baseUrl}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-request-id": requestId,
        ...signInternalCall(options.internalKey, { method: "POST", path, requestId, principal, region }),
      },
      body: JSON.stringify({ subject }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    }).catch(() => null);
    if (!response?.ok) {
      await response?.body?.cancel();
      throw new AppError(
        "UPSTREAM_UNAVAILABLE",
        `${target.label} did not ${action} (${response?.status ?? "unreachable"})`,
      );
    }
    return response.json();
  }
  options.privacy.register({
    name: "recommendations.history",
    async export(subject) {
      const { items } = (await regionalPrivacy("export", subject)) as {
        items: Record<string, Record<string, unknown>[]>;
      };
      return Object.values(items).flat();
    },
    async erase(subject) {
      return ((await regionalPrivacy("erase", subject)) as { removed: number }).removed;
    },
  });

  const forwardOptions = { internalKey: options.internalKey, logger, timeoutMs: options.timeoutMs };
  const router = Router();

  router.post("/v1/recommendations", async (req: Request, res: Response) => {
    const { principal, tenantId } = requireStorefront(res);
    const { target, region } = await targetFor(tenantId);
    const path = `/v1/models/${RECS_MODEL}:predict`;
    const upstream = await callService(
      target,
      req,
      res,
      { method: "POST", path, body: { instances: [req.body ?? {}] }, principal, region },
      forwardOptions,
    );
    res.setHeader(REGION_HEADER, upstream.headers.get(REGION_HEADER) ?? region);
    if (!upstream.ok) {
      // The service's problem document, without the TF Serving `error` member.
      const { error: _tfServing, ...problem } = (await upstream.json()) as Record<string, unknown>;
      res.status(upstream.status).type("application/problem+json").send(JSON.stringify(problem));
      return;
    }
    const { predictions } = (await upstream.json()) as { predictions: unknown[] };
    res.json(predictions[0]);
  });

  router.all(/^\/v1\/recommendations\/.+/, async (req: Request, res: Response) => {
    const principal = getPrincipal(res);
    if (!principal) throw new AppError("UNAUTHENTICATED", "Sign in required");
    const { target, region } = await targetFor(actingTenantId(req, principal));
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const upstream = await callService(
      target,
      req,
      res,
      { method: req.method, path: req.originalUrl, ...(hasBody ? { body: req.body ?? {} } : {}), principal, region },
      forwardOptions,
    );
    await relay(upstream, res, [REGION_HEADER]);
  });

  return { name: "recommendations", router, openapi: recommendationsOpenApi() };
}
