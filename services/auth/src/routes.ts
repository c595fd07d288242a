import { actingTenant, getPrincipal, type OpenApiFragment, parseInput, requireUser } from "@varai/runtime";
import {
  ApiKeySchema,
  AppError,
  AuditEntrySchema,
  ChangeRoleInputSchema,
  CreateApiKeyInputSchema,
  CreateTenantInputSchema,
  CreateUserInputSchema,
  IsoDateTimeSchema,
  TenantSchema,
  UserSchema,
} from "@varai/schema";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { actorOf, setAuditContext } from "./audit.ts";
import { PrivacyRequestSchema, toSubject } from "./privacy.ts";
import type { AuthService } from "./service.ts";

const LoginInputSchema = z
  .object({ email: z.string().trim().max(320), password: z.string().min(1).max(1024) })
  .strict();
const RefreshInputSchema = z.object({ refreshToken: z.string().min(1).max(512) }).strict();
const UserParamsSchema = z.object({ id: z.string(), userId: z.string().regex(/^usr_[a-z0-9]{16}$/, "not a user id") });
const AuditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: IsoDateTimeSchema.optional(),
  })
  .strict();

/** Tenant users reach only their own tenant; anything else is 404, so ids of others stay unconfirmed. */
function ownTenantOr404(res: Response, tenantId: string, permission: Parameters<typeof requireUser>[1]) {
  const principal = requireUser(res, permission);
  if (principal.role !== "platform_admin" && principal.tenantId !== tenantId) {
    throw new AppError("NOT_FOUND", "Tenant not found");
  }
  return principal;
}

function requestId(res: Response): string | undefined {
  return res.locals.requestId as string | undefined;
}

export function createAuthRouter(auth: AuthService): Router {
  const router = Router();

  router.post("/v1/auth/login", async (req, res) => {
    const input = parseInput(LoginInputSchema, req.body);
    res.json(await auth.login({ ...input, ip: req.ip ?? "unknown" }));
  });

  router.post("/v1/auth/refresh", async (req, res) => {
    const { refreshToken } = parseInput(RefreshInputSchema, req.body);
    res.json(await auth.refresh(refreshToken));
  });

  router.post("/v1/auth/logout", async (req, res) => {
    const { refreshToken } = parseInput(RefreshInputSchema, req.body);
    await auth.logout(refreshToken);
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

  router.post("/v1/tenants", async (req, res) => {
    requireUser(res, "tenants:create");
    const input = parseInput(CreateTenantInputSchema, req.body);
    const tenant = await auth.provisionTenant(input);
    setAuditContext(res, { tenantId: tenant.id, target: { type: "tenant", id: tenant.id } });
    res.status(201).json(tenant);
  });

  router.get("/v1/tenants/:id", async (req, res) => {
    ownTenantOr404(res, req.params.id, "tenants:read");
    res.json(await auth.getTenant(req.params.id));
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

  /** The acting tenant for tenant-scoped calls: it must exist and be served by this deployment. */
  async function tenantFor(req: Request, res: Response, permission: Parameters<typeof requireUser>[1]) {
    const { tenantId, principal } = actingTenant(req, res, permission);
    if (principal.role === "platform_admin" && tenantId === principal.tenantId) {
      throw new AppError("INVALID_INPUT", "Name the tenant to act on with X-VARAi-Tenant");
    }
    await auth.getTenant(tenantId);
    setAuditContext(res, { tenantId });
    return { tenantId, principal };
  }

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

  return router;
}

const ExportParamsSchema = z.object({ id: z.string().regex(/^pex_[a-z0-9]{16}$/, "not a privacy export id") });

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
const problem = { description: "problem+json", content: { "application/problem+json": {} } };
const body = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema: json(schema) } } });
const ok = (schema: z.ZodType, status = "200") => ({
  [status]: { description: "OK", content: { "application/json": { schema: json(schema) } } },
});
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem]));
const bearer = [{ bearerAuth: [] }];

const SessionSchema = z.object({
  tokenType: z.literal("Bearer"),
  accessToken: z.string(),
  expiresIn: z.number(),
  refreshToken: z.string(),
  user: UserSchema,
});

export function authOpenApi(): OpenApiFragment {
  return {
    paths: {
      "/v1/auth/login": {
        post: {
          summary: "Sign in; returns a 15-minute access token and a rotating refresh token",
          requestBody: body(LoginInputSchema),
          responses: { ...ok(SessionSchema), ...errors(400, 401, 429) },
        },
      },
      "/v1/auth/refresh": {
        post: {
          summary: "Exchange a refresh token (single use; reuse revokes the session family)",
          requestBody: body(RefreshInputSchema),
          responses: { ...ok(SessionSchema), ...errors(400, 401) },
        },
      },
      "/v1/auth/logout": {
        post: {
          summary: "Revoke a session family",
          requestBody: body(RefreshInputSchema),
          responses: { "204": { description: "Revoked" } },
        },
      },
      "/v1/me": { get: { summary: "The signed-in user", security: bearer, responses: errors(401) } },
      "/v1/tenants": {
        post: {
          summary: "Create a tenant (platform admin)",
          security: bearer,
          requestBody: body(CreateTenantInputSchema),
          responses: { ...ok(TenantSchema, "201"), ...errors(400, 401, 403) },
        },
      },
      "/v1/tenants/{id}": {
        get: {
          summary: "A tenant (own, or any for a platform admin)",
          security: bearer,
          responses: { ...ok(TenantSchema), ...errors(401, 403, 404) },
        },
      },
      "/v1/tenants/{id}/users": {
        post: {
          summary: "Add a user; a generated password is returned once",
          security: bearer,
          requestBody: body(CreateUserInputSchema),
          responses: {
            ...ok(z.object({ user: UserSchema, generatedPassword: z.string().optional() }), "201"),
            ...errors(400, 401, 403, 404, 409),
          },
        },
        get: {
          summary: "The tenant's users, oldest first (never passwords)",
          security: bearer,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { ...ok(z.object({ items: z.array(UserSchema) })), ...errors(401, 403, 404) },
        },
      },
      "/v1/tenants/{id}/users/{userId}": {
        patch: {
          summary: "Change a user's role (not your own: 409); takes effect within seconds on their current session",
          security: bearer,
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            { name: "userId", in: "path", required: true, schema: { type: "string" } },
          ],
          requestBody: body(ChangeRoleInputSchema),
          responses: { ...ok(UserSchema), ...errors(400, 401, 403, 404, 409) },
        },
      },
      "/v1/api-keys": {
        post: {
          summary: "Create an API key; the key is returned once",
          security: bearer,
          requestBody: body(CreateApiKeyInputSchema),
          responses: { ...ok(z.object({ apiKey: ApiKeySchema, key: z.string() }), "201"), ...errors(400, 401, 403) },
        },
        get: {
          summary: "List API keys (never the keys themselves)",
          security: bearer,
          responses: { ...ok(z.object({ items: z.array(ApiKeySchema) })), ...errors(401, 403) },
        },
      },
      "/v1/api-keys/{id}": {
        delete: {
          summary: "Revoke an API key",
          security: bearer,
          responses: { ...ok(ApiKeySchema), ...errors(401, 403, 404) },
        },
      },
      "/v1/audit": {
        get: {
          summary: "The tenant's audit log, newest first (`before` pages by time)",
          security: bearer,
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200 } },
            { name: "before", in: "query", schema: { type: "string", format: "date-time" } },
          ],
          responses: {
            ...ok(z.object({ items: z.array(AuditEntrySchema), nextBefore: z.string().nullable() })),
            ...errors(400, 401, 403),
          },
        },
      },
      "/v1/privacy/export": {
        post: {
          summary: "Export a shopper's (or the whole shop's) data from every participant",
          security: bearer,
          requestBody: body(PrivacyRequestSchema),
          responses: errors(400, 401, 403, 503),
        },
      },
      "/v1/privacy/exports": {
        get: {
          summary:
            "Exports platforms asked for (Shopify customers/data_request), newest first: status (ready, expired), " +
            "source, size, expiry, downloads; never the contents",
          security: bearer,
          responses: errors(401, 403),
        },
      },
      "/v1/privacy/exports/{id}": {
        get: {
          summary: "One stored export's metadata",
          security: bearer,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: errors(400, 401, 403, 404),
        },
      },
      "/v1/privacy/exports/{id}/download": {
        get: {
          summary:
            "Download a stored export (the same document as POST /v1/privacy/export); audited. " +
            "404 once expired (30 days)",
          security: bearer,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: errors(400, 401, 403, 404),
        },
      },
      "/v1/privacy/redact": {
        post: {
          summary: "Erase a shopper's (or the whole shop's) data; idempotent",
          security: bearer,
          requestBody: body(PrivacyRequestSchema),
          responses: errors(400, 401, 403, 503),
        },
      },
    },
  };
}
