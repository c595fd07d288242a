import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createFacePool } from "./face-pool.ts";

describe("createFacePool", () => {
  it("fails the job of a crashed worker, and logs (not throws) when its replacement cannot load", async () => {
    const modelsDir = await mkdtemp(path.join(tmpdir(), "varai-models-"));
    const logged: Array<Record<string, unknown>> = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (attrs: Record<string, unknown>, msg?: string) => void logged.push({ ...attrs, msg }),
      child: () => logger,
    };
    const pool = createFacePool({
      workers: 1,
      modelsDir,
      logger,
      workerUrl: new URL("./test-workers/crash-after-ready.mjs", import.meta.url),
    });
    await pool.start();
    // The replacement will find no models: a rejected respawn nobody awaits.
    await rm(modelsDir, { recursive: true });
    await expect(pool.detect(new Uint8Array(12), 2, 2)).rejects.toMatchObject({ code: "INTERNAL" });
    await expect.poll(() => logged.map((entry) => entry.msg)).toContain("face worker could not be replaced");
    expect(pool.stats().workers).toBe(0);
    await pool.stop();
  });
});
