import type { IncomingMessage, ServerResponse } from "node:http";
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
 * Requests whose path starts with `prefix` go to `handle` with node's own request and response,
 * before express and before the gateway's CORS, authentication, rate limits and audit trail.
 * For platform webhooks: they are authenticated by a signature over the raw body, not by our
 * credentials, and arrive in bursts (a bulk edit) that the per-IP budget would refuse with 429s
 * the platform then retries. Express's per-request set-up also cost as much as the rest of an ack
 * (`pnpm bench:webhooks`, one machine and session: 1,350-1,600 -> 2,280-2,600 deliveries/s).
 * `requestId` is already set as the response's X-Request-Id.
 */
export interface RawRoute {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse, requestId: string): void;
}

/**
 * What a service hands the gateway. Routers are mounted at the root, so each router
 * declares its full public path (`/v1/products`), which keeps routes greppable.
 */
export interface ServiceModule {
  name: string;
  router: Router;
  /** Paths served ahead of express and the gateway's middleware (see RawRoute). */
  rawRoutes?: readonly RawRoute[];
  openapi?: OpenApiFragment;
  /** Starts consumers and schedules. Called once after every service is created. */
  start?(): Promise<void>;
  /** Stops consumers and schedules; called on graceful shutdown before ports close. */
  stop?(): Promise<void>;
  /** Throws when the service cannot serve (contributes to /readyz). */
  ready?(): Promise<void>;
}
