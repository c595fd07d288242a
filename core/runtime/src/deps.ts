import type { Router } from "express";
import type { BlobStore } from "./ports/blob-store.ts";
import type { Cache } from "./ports/cache.ts";
import type { DocumentStore } from "./ports/document-store.ts";
import type { Clock, Logger } from "./ports/logger.ts";
import type { PrivacyRegistry } from "./ports/privacy.ts";
import type { Queue } from "./ports/queue.ts";
import type { RateLimiter } from "./ports/rate-limiter.ts";

/** The ports every service is built from. The gateway builds one set and hands it to each service. */
export interface RuntimeDeps {
  store: DocumentStore;
  cache: Cache;
  queue: Queue;
  rateLimiter: RateLimiter;
  blobs: BlobStore;
  logger: Logger;
  clock: Clock;
  privacy: PrivacyRegistry;
}

/** An OpenAPI 3.1 fragment: the paths (and component schemas) a service serves. */
export interface OpenApiFragment {
  paths: Record<string, unknown>;
  schemas?: Record<string, unknown>;
}

/**
 * What a service hands the gateway. Routers are mounted at the root, so each router
 * declares its full public path (`/v1/products`), which keeps routes greppable.
 */
export interface ServiceModule {
  name: string;
  router: Router;
  openapi?: OpenApiFragment;
  /** Starts consumers and schedules. Called once after every service is created. */
  start?(): Promise<void>;
  /** Stops consumers and schedules; called on graceful shutdown before ports close. */
  stop?(): Promise<void>;
  /** Throws when the service cannot serve (contributes to /readyz). */
  ready?(): Promise<void>;
}
