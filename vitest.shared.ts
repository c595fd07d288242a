/**
 * Test options every project gets. Inline projects inherit them from the root config; a package
 * with a vitest.config.ts of its own (gateway, ml) spreads them, since a referenced config gets
 * vitest's defaults instead (5 s per test, 10 s per hook: too short on a loaded 2-core machine).
 */
export const sharedTestOptions = {
  restoreMocks: true,
  testTimeout: 20_000,
  hookTimeout: 60_000,
};
