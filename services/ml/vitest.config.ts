import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    // An uncaught exception or unhandled rejection anywhere in this package's tests fails the suite.
    setupFiles: ["@varai/testkit/fail-on-process-faults"],
  },
});
