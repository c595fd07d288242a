import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createEmbeddedStore,
  createFsBlobStore,
  createMemoryCache,
  createMemoryQueue,
  createMemoryRateLimiter,
  createPrivacyRegistry,
  noopLogger,
  type RuntimeDeps,
} from "@varai/runtime";

/**
 * RuntimeDeps on the embedded defaults (in-memory store, memory cache/queue/limiter, blobs in a
 * temp dir): what a service test needs to run its real code. `close()` releases everything.
 */
export function createTestRuntime(overrides: Partial<RuntimeDeps> = {}): RuntimeDeps & { close(): Promise<void> } {
  const blobDir = mkdtempSync(join(tmpdir(), "varai-blobs-"));
  const deps: RuntimeDeps = {
    store: createEmbeddedStore({ file: null }),
    cache: createMemoryCache(),
    queue: createMemoryQueue(),
    rateLimiter: createMemoryRateLimiter(),
    blobs: createFsBlobStore({ dir: blobDir }),
    logger: noopLogger,
    clock: () => new Date(),
    privacy: createPrivacyRegistry(),
    ...overrides,
  };
  return {
    ...deps,
    async close() {
      await deps.queue.close();
      await deps.cache.close();
      await deps.rateLimiter.close();
      await deps.store.close();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}
