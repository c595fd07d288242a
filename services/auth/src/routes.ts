import { actingTenant, getPrincipal, parseInput, requireUser } from "@varai/runtime";
import {
  AppError,
  ChangeRoleInputSchema,
  CreateApiKeyInputSchema,
  CreateTenantInputSchema,
  CreateUserInputSchema,
  UpdateTenantInputSchema,
} from "@varai/schema";
import { type Request, type Response, Router } from "express";
import { actorOf, setAuditContext } from "./audit.ts";
import { PrivacyRequestSchema, toSubject } from "./privacy.ts";
import { clearRefreshCookie, REFRESH_COOKIE, refreshCookieOf, setRefreshCookie } from "./refresh-cookie.ts";
import {
  AuditQuerySchema,
  ExportParamsSchema,
  LoginInputSchema,
  RefreshInputSchema,
  UserParamsSchema,
} from "./schemas.ts";
import type { AuthUseCases } from "./types.ts";

/** Tenant users reach only their own tenant; anything else is 404, so ids of others stay unconfirmed. */
function ownTenantOr404(res: Response, tenantId: string, permission: Parameters<typeof requireUser>[1]) {
  const principal = requireUser(res, permission);
  if (principal.role !== "platform_admin" && principal.tenantId !== tenantId) {
    throw new AppError("NOT_FOUND", "Tenant not found");
  }
  return principal;
}

function missingRefreshToken(): AppError {
  return new AppError("INVALID_INPUT", `refreshToken is required, in the body or the ${REFRESH_COOKIE} cookie`, {
    details: { issues: [{ path: "refreshToken", message: "Required" }] },
  });
}

function requestId(res: Response): string | undefined {
  return res.locals.requestId as string | undefined;
}

export function createAuthRouter(auth: AuthUseCases): Router {
  const router = Router();
  sessionRoutes(router, auth);
  tenantRoutes(router, auth);
  const tenantFor = actingTenantOf(auth);
  apiKeyAndAuditRoutes(router, auth, tenantFor);
  privacyRoutes(router, auth, tenantFor);
  return router;
}

/** Sign-in, refresh, sign-out and the signed-in user. */
function sessionRoutes(router: Router, auth: AuthUseCases): void {
  router.post("/v1/auth/login", async (req, res) => {
    const input = parseInput(LoginInputSchema, req.body);
    const session = await auth.login({ ...input, ip: req.ip ?? "unknown" });
    setRefreshCookie(req, res, session.refreshToken);
    res.json(session);
  });

  // The token in the body (API clients) wins over the cookie (browser apps).
  router.post("/v1/auth/refresh", async (req, res) => {
    const fromBody = parseInput(RefreshInputSchema, req.body ?? {}).refreshToken;
    const refreshToken = fromBody ?? refreshCookieOf(req);
    if (!refreshToken) throw missingRefreshToken();
    try {
      const session = await auth.refresh(refreshToken);
      setRefreshCookie(req, res, session.refreshToken);
      // Refreshed by cookie, the new refresh token stays in the cookie only: a script injected
      // into the page can borrow the session while it runs, but never carry off a 30-day token.
      const { refreshToken: _rotated, ...withoutRefreshToken } = session;
      res.json(fromBody ? session : withoutRefreshToken);
    } catch (error) {
      // A refused cookie is dead (rotated, revoked or expired): stop the browser sending it.
      if (!fromBody) clearRefreshCookie(req, res);
      throw error;
    }
  });

  router.post("/v1/auth/logout", async (req, res) => {
    const fromBody = parseInput(RefreshInputSchema, req.body ?? {}).refreshToken;
    const refreshToken = fromBody ?? refreshCookieOf(req);
    if (!refreshToken) throw missingRefreshToken();
    await auth.logout(refreshToken);
    clearRefreshCookie(req, res);
    res.status(204).end();
  });

  router.get("/v1/me", async (_req, res) => {
    const principal = requireUser(res, "tenants:read");
    const tenant = principal.role === "platform_admin" ? null : await auth.getTenant(principal.tenantId);
    res.json({
      user: { id: principal.userId, tenantId: principal.tenantId, email: principal.email, role: principal.role },
      tenant,
    });
  });
}

/** Tenants and their users (the tenant in the path). */
function tenantRoutes(router: Router, auth: AuthUseCases): void {
  router.post("/v1/tenants", async (req, res) => {
    requireUser(res, "tenants:create");
    const input = parseInput(CreateTenantInputSchema, req.body);
    const tenant = await auth.provisionTenant(input);
    setAuditContext(res, { tenantId: tenant.id, target: { type: "tenant", id: tenant.id } });
    res.status(201).json(tenant);
  });

  router.get("/v1/tenants", async (_req, res) => {
    requireUser(res, "tenants:list");
    res.json({ items: await auth.listTenants() });
  });

  router.get("/v1/tenants/:id", async (req, res) => {
    ownTenantOr404(res, req.params.id, "tenants:read");
    res.json(await auth.getTenant(req.params.id));
  });

  router.patch("/v1/tenants/:id", async (req, res) => {
    requireUser(res, "tenants:manage");
    const { region } = parseInput(UpdateTenantInputSchema, req.body);
    setAuditContext(res, { tenantId: req.params.id, target: { type: "tenant", id: req.params.id } });
    res.json(await auth.changeTenantRegion(req.params.id, region));
  });

  router.post("/v1/tenants/:id/users", async (req, res) => {
    ownTenantOr404(res, req.params.id, "users:manage");
    const tenant = await auth.getTenant(req.params.id);
    setAuditContext(res, { tenantId: tenant.id });
    const input = parseInput(CreateUserInputSchema, req.body);
    const created = await auth.createUser({ tenantId: tenant.id, ...input });
    setAuditContext(res, { target: { type: "user", id: created.user.id } });
    // A generated password is shown here once and never again.
    res.status(201).json(created.generatedPassword ? created : { user: created.user });
  });

  router.get("/v1/tenants/:id/users", async (req, res) => {
    ownTenantOr404(res, req.params.id, "users:manage");
    const tenant = await auth.getTenant(req.params.id);
    res.json({ items: await auth.listUsers(tenant.id) });
  });

  router.patch("/v1/tenants/:id/users/:userId", async (req, res) => {
    const principal = ownTenantOr404(res, req.params.id, "users:manage");
    const tenant = await auth.getTenant(req.params.id);
    const { userId } = parseInput(UserParamsSchema, req.params, "path");
    setAuditContext(res, { tenantId: tenant.id, target: { type: "user", id: userId } });
    const { role } = parseInput(ChangeRoleInputSchema, req.body);
    res.json(await auth.changeUserRole({ tenantId: tenant.id, userId, role, changedBy: principal.userId }));
  });
}

type TenantFor = ReturnType<typeof actingTenantOf>;

/** The acting tenant for tenant-scoped calls (the principal's, or X-VARAi-Tenant): it must exist and be served here. */
function actingTenantOf(auth: AuthUseCases) {
  return async (req: Request, res: Response, permission: Parameters<typeof requireUser>[1]) => {
    const { tenantId, principal } = actingTenant(req, res, permission);
    if (principal.role === "platform_admin" && tenantId === principal.tenantId) {
      throw new AppError("INVALID_INPUT", "Name the tenant to act on with X-VARAi-Tenant");
    }
    await auth.getTenant(tenantId);
    setAuditContext(res, { tenantId });
    return { tenantId, principal };
  };
}

/** API keys and the audit log of the acting tenant. */
function apiKeyAndAuditRoutes(router: Router, auth: AuthUseCases, tenantFor: TenantFor): void {
  router.post("/v1/api-keys", async (req, res) => {
    const { tenantId, principal } = await tenantFor(req, res, "api-keys:manage");
    const input = parseInput(CreateApiKeyInputSchema, req.body);
    const created = await auth.createApiKey({
      tenantId,
      kind: input.kind,
      allowedOrigins: input.allowedOrigins,
      createdBy: principal.userId,
    });
    setAuditContext(res, { target: { type: "api-key", id: created.apiKey.id } });
    res.status(201).json(created);
  });

  router.get("/v1/api-keys", async (req, res) => {
    const { tenantId } = await tenantFor(req, res, "api-keys:manage");
    res.json({ items: await auth.listApiKeys(tenantId) });
  });

  router.delete("/v1/api-keys/:id", async (req, res) => {
    const { tenantId } = await tenantFor(req, res, "api-keys:manage");
    res.json(await auth.revokeApiKey(tenantId, req.params.id));
  });

  router.get("/v1/audit", async (req, res) => {
    const { tenantId } = await tenantFor(req, res, "audit:read");
    const query = parseInput(AuditQuerySchema, req.query, "query");
    const items = await auth.audit.list(tenantId, {
      limit: query.limit,
      ...(query.before ? { before: query.before } : {}),
    });
    res.json({ items, nextBefore: items.length === query.limit ? (items.at(-1)?.at ?? null) : null });
  });
}

/** Privacy requests of the acting tenant, and the exports platforms asked for. */
function privacyRoutes(router: Router, auth: AuthUseCases, tenantFor: TenantFor): void {
  for (const action of ["export", "redact"] as const) {
    router.post(`/v1/privacy/${action}`, async (req, res) => {
      const { tenantId } = await tenantFor(req, res, "privacy:manage");
      const subject = toSubject(tenantId, parseInput(PrivacyRequestSchema, req.body));
      // The service records these itself (with the subject as a digest), for webhooks too.
      setAuditContext(res, { recordedByRoute: true });
      const principal = getPrincipal(res);
      const by = { actor: principal ? actorOf(principal) : { kind: "unknown", id: "-" }, requestId: requestId(res) };
      const result =
        action === "export" ? await auth.exportShopper(subject, by) : await auth.redactShopper(subject, by);
      res.json(result);
    });
  }

  // Exports a platform asked for (Shopify customers/data_request), kept sealed for the merchant.
  router.get("/v1/privacy/exports", async (req, res) => {
    const { tenantId } = await tenantFor(req, res, "privacy:manage");
    res.setHeader("Cache-Control", "no-store");
    res.json({ items: await auth.listPrivacyExports(tenantId) });
  });

  router.get("/v1/privacy/exports/:id", async (req, res) => {
    const { tenantId } = await tenantFor(req, res, "privacy:manage");
    const { id } = parseInput(ExportParamsSchema, req.params, "path");
    res.setHeader("Cache-Control", "no-store");
    res.json(await auth.getPrivacyExport(tenantId, id));
  });

  router.get("/v1/privacy/exports/:id/download", async (req, res) => {
    const { tenantId } = await tenantFor(req, res, "privacy:manage");
    const { id } = parseInput(ExportParamsSchema, req.params, "path");
    const principal = getPrincipal(res);
    const by = { actor: principal ? actorOf(principal) : { kind: "unknown", id: "-" }, requestId: requestId(res) };
    const exported = await auth.downloadPrivacyExport(tenantId, id, by);
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Content-Disposition", `attachment; filename="${id}.json"`);
    res.json(exported);
  });
}
