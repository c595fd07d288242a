// The dependency floors (issue 16), checked by `pnpm floors` (part of `pnpm check`, so CI).
// Each rule names a layer that must not reach another; `scripts/floors/self-check.mjs` proves
// every rule still fires by cruising a tree of deliberate violations.

/** Code that ships to a browser: storefront widgets and the admin apps. */
const BROWSER =
  "^(widgets/(kit|try-on|frame-finder|recommendations)|apps/(admin-kit|commerce-studio|shopify-app/ui))/src/";

/** Packages that must stay pure: no runtime (stores, queues, Redis), no testkit, no service. */
const PURE = "^(adapters/[^/]+|core/(schema|clients|commerce))/src/";

/**
 * Test and bench code, which may use testkit. Test helpers follow the names the suite already
 * uses (`test-harness.ts`, `test-deps.ts`, `testing.ts`, ...); a production file that imports
 * testkit must not hide behind such a name, and review is the guard there.
 */
const TEST = String.raw`(\.test\.tsx?$|\.test-helper\.ts$|/test-[a-z-]+\.ts$|/testing\.ts$|/testing/|/bench/|vitest\.config\.ts$)`;

/** Node-only packages that a browser bundle must never pull in. */
// Resolved paths end in `node_modules/<name>/` (also inside pnpm's `.pnpm/` store).
const SERVER_PACKAGES = "node_modules/(express|mongodb|ioredis|sharp|@tensorflow/tfjs-node)/";

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle means two modules are one: merge them or move the shared part out.",
      from: { path: "^(core|adapters|services|widgets|apps)/" },
      to: { circular: true },
    },
    {
      name: "browser-no-node",
      severity: "error",
      comment: "Widgets and admin apps run in a browser: no node:* builtins.",
      from: { path: BROWSER, pathNot: TEST },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "browser-no-server-packages",
      severity: "error",
      comment: "Widgets and admin apps talk to the API through @varai/clients, never to server code.",
      from: { path: BROWSER, pathNot: TEST },
      to: { path: [`^(core/(runtime|testkit|commerce)|services|adapters)/`, SERVER_PACKAGES] },
    },
    {
      name: "pure-no-runtime",
      severity: "error",
      comment: "Adapters, schema, clients and commerce load no runtime, testkit or service.",
      from: { path: PURE, pathNot: TEST },
      to: { path: "^(core/(runtime|testkit)|services)/" },
    },
    {
      name: "simulator-standalone",
      severity: "error",
      comment:
        "The platform simulator ships in the default install (the demo's simulated stores): no testkit, runtime, service or test tooling.",
      from: { path: "^core/simulator/src/", pathNot: TEST },
      to: {
        path: ["^(core/(runtime|testkit|commerce)|services|adapters)/", "node_modules/(msw|vitest|@vitest/[^/]+)/"],
      },
    },
    {
      name: "testkit-only-in-tests",
      severity: "error",
      comment: "testkit (simulators, fixed principals, fake clocks) is for tests and benches only.",
      from: { path: "^(core/(?!testkit/)|adapters|services|widgets|apps)", pathNot: TEST },
      to: { path: "^core/testkit/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|data|test-artifacts)/" },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs"],
    },
  },
};
