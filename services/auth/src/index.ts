export { CreateApiKeyInputSchema, OriginSchema } from "./api-keys.ts";
export { type AuditLog, type AuditRecordInput, setAuditContext, subjectDigest } from "./audit.ts";
export { PLATFORM_TENANT_ID } from "./collections.ts";
export { loadOrCreateHashKey, loadOrCreateLocalKeys } from "./local-keys.ts";
export { PrivacyRequestSchema } from "./privacy.ts";
export { DEFAULT_RATE_LIMITS, type RateLimitPolicies } from "./rate-limits.ts";
export {
  type AuditActor,
  type AuthDeps,
  type AuthService,
  type AuthServiceOptions,
  createAuthService,
  type Session,
} from "./service.ts";
export { SESSION_CHECK_TTL_MS } from "./session-check.ts";
export { ACCESS_TOKEN_TTL_S, CLOCK_SKEW_S, type JwtKeySet, REFRESH_TOKEN_TTL_MS } from "./tokens.ts";
