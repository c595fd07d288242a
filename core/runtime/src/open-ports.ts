import { mkdir } from "node:fs/promises";
import path from "node:path";
import { createFsBlobStore } from "./blobs/index.ts";
import type { RuntimeDeps } from "./deps.ts";
import {
  createMemoryCache,
  createMemoryRateLimiter,
  createRedisCache,
  createRedisQueue,
  createRedisRateLimiter,
  createSqliteQueue,
} from "./kv/index.ts";
import { createLogger, type LoggerOptions } from "./logger.ts";
import { instrumentQueue } from "./observability/queue-metrics.ts";
import type { DocumentStore } from "./ports/document-store.ts";
import { type Clock, type Logger, systemClock } from "./ports/logger.ts";
import { createPrivacyRegistry } from "./ports/privacy.ts";
import { createEmbeddedStore, createMongoStore } from "./store/index.ts";

/** What the ports are built from: the part of a deployable's parsed environment every process shares. */
export interface PortsEnv {
  dataDir: string;
  mongodb: { url: string; dbName: string } | null;
  redisUrl: string | null;
  redisKeyPrefix: string;
  logLevel: NonNullable<LoggerOptions["level"]>;
  testClockOffsetMs?: number;
}

/** The embedded default's one SQLite file (documents and queues), shared by every process on DATA_DIR. */
export const databaseFile = (dataDir: string) => path.join(dataDir, "varai.sqlite");

/**
 * Builds the ports from the configuration: the embedded defaults (documents and queues in
 * `DATA_DIR/varai.sqlite`, blobs under DATA_DIR, in-process cache and rate limiter), MongoDB
 * when MONGODB_URL is set, Redis (queue, cache, limiter) when REDIS_URL is set, every key under
 * REDIS_KEY_PREFIX (two installs sharing one Redis must not consume each other's jobs). NeDB
 * datafiles of earlier releases (`DATA_DIR/db`) are imported on first start. `logger` lets tests
 * capture or silence logs.
 */
export async function openPorts(env: PortsEnv, options: { logger?: Logger } = {}): Promise<RuntimeDeps> {
  const logger = options.logger ?? createLogger({ level: env.logLevel, name: "varai" });
  await mkdir(env.dataDir, { recursive: true });
  // NODE_ENV=test only (env.ts refuses it otherwise): expiry tests run the server "91 days later".
  const offset = env.testClockOffsetMs ?? 0;
  const clock: Clock = offset > 0 ? () => new Date(Date.now() + offset) : systemClock;
  if (offset > 0) logger.warn({ offsetMs: offset }, "test clock: this process runs ahead of the system clock");

  const store: DocumentStore = env.mongodb
    ? await createMongoStore({ url: env.mongodb.url, dbName: env.mongodb.dbName, logger })
    : createEmbeddedStore({
        file: databaseFile(env.dataDir),
        nedbDir: path.join(env.dataDir, "db"),
        logger,
        clock,
      });
  const redis = env.redisUrl;
  const prefix = env.redisKeyPrefix;
  const deps: RuntimeDeps = {
    store,
    cache: redis ? createRedisCache({ redis, logger, keyPrefix: `${prefix}:cache:` }) : createMemoryCache(),
    // Instrumented (varai_queue_*): jobs by outcome, lag, depth and dead letters at scrape time.
    queue: instrumentQueue(
      redis
        ? createRedisQueue({ redis, logger, keyPrefix: `${prefix}:queue:` })
        : createSqliteQueue({ file: databaseFile(env.dataDir), logger, clock }),
    ),
    rateLimiter: redis
      ? createRedisRateLimiter({ redis, logger, keyPrefix: `${prefix}:rl` })
      : createMemoryRateLimiter(),
    blobs: createFsBlobStore({ dir: path.join(env.dataDir, "blobs") }),
    logger,
    clock,
    privacy: createPrivacyRegistry(),
  };
  logger.info(
    {
      store: store.kind,
      cache: deps.cache.kind,
      queue: deps.queue.kind,
      rateLimiter: deps.rateLimiter.kind,
      blobs: deps.blobs.kind,
      ...(redis ? { redisKeyPrefix: prefix } : {}),
      dataDir: env.dataDir,
    },
    "runtime ready",
  );
  return deps;
}

/** Closes every port; one failing to close does not keep the others open. Queue first: it stops consumers. */
export async function closePorts(deps: RuntimeDeps): Promise<void> {
  const steps: Array<[string, () => Promise<void>]> = [
    ["queue", () => deps.queue.close()],
    ["cache", () => deps.cache.close()],
    ["rateLimiter", () => deps.rateLimiter.close()],
    ["store", () => deps.store.close()],
  ];
  for (const [name, close] of steps) {
    try {
      await close();
    } catch (error) {
      deps.logger.warn({ port: name, reason: error instanceof Error ? error.message : String(error) }, "close failed");
    }
  }
}
