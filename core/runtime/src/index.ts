export * from "./blobs/index.ts";
export { blobKeys, COLLECTIONS, cacheKeys, QUEUES } from "./collections.ts";
export type { OpenApiFragment, RawRoute, RuntimeDeps, ServiceModule } from "./deps.ts";
export { parseEnv } from "./env.ts";
export * from "./http.ts";
export { createHttpApp, type HttpAppOptions, requestIdFor, withRawRoutes } from "./http-app.ts";
export { createHttpServer } from "./http-server.ts";
export {
  INTERNAL_HEADERS,
  type InternalIdentity,
  internalAuthentication,
  signInternalCall,
  verifyInternalCall,
} from "./internal-auth.ts";
export * from "./kv/index.ts";
export { createLogger, type LoggerOptions, REDACT_PATHS } from "./logger.ts";
export * from "./observability/index.ts";
export { closePorts, databaseFile, openPorts, type PortsEnv } from "./open-ports.ts";
export { problemResponse } from "./openapi.ts";
export * from "./outbound/index.ts";
export type { BlobMetadata, BlobStore } from "./ports/blob-store.ts";
export type { Cache } from "./ports/cache.ts";
export type {
  BaseDocument,
  CollectionDefinition,
  DocumentStore,
  Filter,
  FindOptions,
  GlobalCollection,
  IndexSpec,
  SortSpec,
  TenantCollection,
  Update,
  UpdateResult,
} from "./ports/document-store.ts";
export { type Clock, type Logger, noopLogger, systemClock } from "./ports/logger.ts";
export {
  createLoggingNotifier,
  createWebhookNotifier,
  type MerchantNotification,
  type Notifier,
} from "./ports/notifier.ts";
export {
  createPrivacyRegistry,
  type PrivacyParticipant,
  type PrivacyRegistry,
  type PrivacySubject,
} from "./ports/privacy.ts";
export type {
  ConsumeOptions,
  Consumer,
  DeadLetter,
  DeadLetterEdit,
  EnqueueOptions,
  Job,
  Queue,
} from "./ports/queue.ts";
export type { RateLimitDecision, RateLimiter, RateLimitPolicy } from "./ports/rate-limiter.ts";
export { installProcessGuard, type ProcessFault, type ProcessGuard } from "./process-guard.ts";
export { createRetentionPolicy, daysToMs, RETENTION_SETTINGS, type RetentionPolicy } from "./retention.ts";
export * from "./secret-box.ts";
export * from "./shopper-identity.ts";
export * from "./store/index.ts";
