import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.ts";
import { bootstrap } from "./bootstrap.ts";
import { createAuthContext } from "./context.ts";
import { authOpenApi } from "./openapi.ts";
import { openPlatformUserSession, removePlatformUser } from "./platform-users.ts";
import { createAuthenticate } from "./principal.ts";
import { downloadPrivacyExport, exportShopper, redactShopper, storePlatformExport } from "./privacy-requests.ts";
import { createRateLimitMiddleware } from "./rate-limits.ts";
import { createAuthRouter } from "./routes.ts";
import { login, logout, refresh } from "./sessions.ts";
import { getTenant, listTenants, provisionTenant } from "./tenants.ts";
import type { AuthDeps, AuthService, AuthServiceOptions, AuthUseCases } from "./types.ts";
import { changeUserRole, createUser, listUsers } from "./users.ts";

export function createAuthService(deps: AuthDeps, options: AuthServiceOptions = {}): AuthService {
  const ctx = createAuthContext(deps, options);
  const { auditLog, privacyExports } = ctx;

  const useCases: AuthUseCases = {
    audit: { record: auditLog.record, list: auditLog.list },
    bootstrap: () => bootstrap(ctx, { email: options.adminEmail, password: options.adminPassword }),
    login: (input) => login(ctx, input),
    refresh: (token) => refresh(ctx, token),
    logout: (token) => logout(ctx, token),
    provisionTenant: (input) => provisionTenant(ctx, input),
    getTenant: (tenantId) => getTenant(ctx, tenantId),
    listTenants: () => listTenants(ctx),
    createUser: (input) => createUser(ctx, input),
    listUsers: (tenantId) => listUsers(ctx, tenantId),
    changeUserRole: (input) => changeUserRole(ctx, input),
    createApiKey: (input) => createApiKey(ctx, input),
    listApiKeys: (tenantId) => listApiKeys(ctx, tenantId),
    revokeApiKey: (tenantId, keyId) => revokeApiKey(ctx, tenantId, keyId),
    exportShopper: (subject, by) => exportShopper(ctx, subject, by),
    redactShopper: (subject, by) => redactShopper(ctx, subject, by),
    storePlatformExport: (subject, by, source) => storePlatformExport(ctx, subject, by, source),
    listPrivacyExports: (tenantId) => privacyExports.list(tenantId),
    getPrivacyExport: (tenantId, id) => privacyExports.get(tenantId, id),
    downloadPrivacyExport: (tenantId, id, by) => downloadPrivacyExport(ctx, tenantId, id, by),
    openPlatformUserSession: (user) => openPlatformUserSession(ctx, user),
    removePlatformUser: (user) => removePlatformUser(ctx, user),
  };

  return {
    name: "auth",
    router: createAuthRouter(useCases),
    openapi: authOpenApi(),
    authenticate: createAuthenticate(ctx),
    rateLimit: createRateLimitMiddleware(ctx.rateLimiter, ctx.policies),
    auditTrail: auditLog.middleware,
    ...useCases,
  };
}
