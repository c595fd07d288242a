import { type OpenApiFragment, problemResponse } from "@varai/runtime";
import {
  ApiKeySchema,
  AuditEntrySchema,
  ChangeRoleInputSchema,
  CreateApiKeyInputSchema,
  CreateTenantInputSchema,
  CreateUserInputSchema,
  TenantSchema,
  UpdateTenantInputSchema,
  UserSchema,
} from "@varai/schema";
import { z } from "zod";
import { PrivacyRequestSchema } from "./privacy.ts";
import { LoginInputSchema, RefreshInputSchema } from "./schemas.ts";

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
const problem = problemResponse("problem+json");
const body = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema: json(schema) } } });
const ok = (schema: z.ZodType, status = "200", headers?: Record<string, unknown>) => ({
  [status]: {
    description: "OK",
    content: { "application/json": { schema: json(schema) } },
    ...(headers ? { headers } : {}),
  },
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

const refreshCookieSet = {
  "Set-Cookie": {
    description:
      "varai_refresh=<refresh token>; HttpOnly; SameSite=Strict; Path=/v1/auth; Max-Age=2592000; Secure " +
      "(except over plain http to localhost or 127.0.0.1). Cleared (expired) by logout and by a refused refresh",
    schema: { type: "string" },
  },
};

export function authOpenApi(): OpenApiFragment {
  return { paths: { ...sessionPaths(), ...tenantPaths(), ...apiKeyAndAuditPaths(), ...privacyPaths() } };
}

/** Sign-in, refresh, sign-out and the signed-in user. */
function sessionPaths(): Record<string, unknown> {
  return {
    "/v1/auth/login": {
      post: {
        summary:
          "Sign in; returns a 15-minute access token and a rotating refresh token (also set as the " +
          "varai_refresh cookie for browser apps)",
        requestBody: body(LoginInputSchema),
        responses: { ...ok(SessionSchema, "200", refreshCookieSet), ...errors(400, 401, 429) },
      },
    },
    "/v1/auth/refresh": {
      post: {
        summary:
          "Exchange a refresh token (single use; reuse revokes the session family): the body's, or else the " +
          "varai_refresh cookie's. By cookie, the new refresh token is in the cookie only (no refreshToken in the " +
          "body). A refused cookie is cleared",
        security: [{}, { refreshCookie: [] }],
        requestBody: { ...body(RefreshInputSchema), required: false },
        // refreshToken is optional here: absent when the refresh came by cookie.
        responses: {
          ...ok(SessionSchema.partial({ refreshToken: true }), "200", refreshCookieSet),
          ...errors(400, 401),
        },
      },
    },
    "/v1/auth/logout": {
      post: {
        summary: "Revoke a session family (the body's token, or else the cookie's) and clear the cookie",
        security: [{}, { refreshCookie: [] }],
        requestBody: { ...body(RefreshInputSchema), required: false },
        responses: { "204": { description: "Revoked", headers: refreshCookieSet }, ...errors(400) },
      },
    },
    "/v1/me": { get: { summary: "The signed-in user", security: bearer, responses: errors(401) } },
  };
}

/** Tenants and their users. */
function tenantPaths(): Record<string, unknown> {
  return {
    "/v1/tenants": {
      post: {
        summary: "Create a tenant (platform admin)",
        security: bearer,
        requestBody: body(CreateTenantInputSchema),
        responses: { ...ok(TenantSchema, "201"), ...errors(400, 401, 403) },
      },
      get: {
        summary:
          "Every tenant of this deployment (its region's, if it serves one), oldest first, up to 1000 (platform admin)",
        security: bearer,
        responses: { ...ok(z.object({ items: z.array(TenantSchema) })), ...errors(401, 403) },
      },
    },
    "/v1/tenants/{id}": {
      get: {
        summary: "A tenant (own, or any for a platform admin)",
        security: bearer,
        responses: { ...ok(TenantSchema), ...errors(401, 403, 404) },
      },
      patch: {
        summary:
          "Change a tenant's region (platform admin; refused by a deployment that serves one region: move the data first)",
        security: bearer,
        requestBody: body(UpdateTenantInputSchema),
        responses: { ...ok(TenantSchema), ...errors(400, 401, 403, 404) },
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
  };
}

/** API keys and the audit log. */
function apiKeyAndAuditPaths(): Record<string, unknown> {
  return {
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
  };
}

/** Shopper and shop privacy requests, and the exports platforms asked for. */
function privacyPaths(): Record<string, unknown> {
  return {
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
  };
}
