import { defineConfig } from "vitest/config";

// One run over every package (tRPC's layout). Packages with special needs add a
// vitest.config.ts of their own; the rest inherit these defaults.
export default defineConfig({
  test: {
    projects: ["core/*", "adapters/*", "services/*", "apps/*", "widgets/*"],
    restoreMocks: true,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // 2-core machines: a few workers, not one per file.
    maxWorkers: 2,
  },
});
