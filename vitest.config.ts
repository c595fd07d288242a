import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { sharedTestOptions } from "./vitest.shared.ts";

const WORKSPACE_FOLDERS = ["core", "adapters", "services", "apps", "widgets", "ops"];

/**
 * One project per package, named as the package. A package with special needs keeps a
 * vitest.config.ts of its own (referenced as is); the rest are inline projects, because only
 * inline projects inherit the `test` options below: a folder given as a glob gets vitest's own
 * defaults (5 s test timeouts, no mock restoring), in vitest 4 and 5 alike.
 */
function projects() {
  return WORKSPACE_FOLDERS.filter((folder) => existsSync(folder)).flatMap((folder) =>
    readdirSync(folder)
      .map((name) => path.join(folder, name))
      .filter((dir) => existsSync(path.join(dir, "package.json")))
      .map((dir) => {
        if (existsSync(path.join(dir, "vitest.config.ts"))) return dir;
        const { name } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name: string };
        return { extends: true, root: dir, test: { name } };
      }),
  );
}

// One run over every package (tRPC's layout).
export default defineConfig({
  test: {
    projects: projects(),
    ...sharedTestOptions,
    // 2-core machines: a few workers, not one per file.
    maxWorkers: 2,
  },
});
