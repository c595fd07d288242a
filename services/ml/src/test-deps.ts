// Test-only: RuntimeDeps on the real in-process ports (embedded store, filesystem blobs in a
// temp dir, memory queue/cache/limiter). Not exported from the package.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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

export function createTestDeps(clock: () => Date = () => new Date()): { deps: RuntimeDeps; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "varai-ml-"));
  const deps: RuntimeDeps = {
    store: createEmbeddedStore({ file: null }),
    cache: createMemoryCache(),
    queue: createMemoryQueue(),
    rateLimiter: createMemoryRateLimiter(),
    blobs: createFsBlobStore({ dir }),
    logger: noopLogger,
    clock,
    privacy: createPrivacyRegistry(),
  };
  return { deps, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
