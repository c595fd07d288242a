import { defineProject } from "vitest/config";
import { sharedTestOptions } from "../../vitest.shared.ts";

export default defineProject({
  test: {
    ...sharedTestOptions,
    // An uncaught exception or unhandled rejection anywhere in this package's tests fails the suite.
    setupFiles: ["@varai/testkit/fail-on-process-faults"],
  },
});
