import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, type RuntimeDeps } from "@varai/runtime";
import { parseGatewayEnv } from "./env.ts";
import { closeRuntime, createRuntime } from "./runtime.ts";

/** A real embedded runtime over a fresh temporary DATA_DIR (tests only). */
export async function createTempRuntime(dataDir?: string): Promise<{
  deps: RuntimeDeps;
  dataDir: string;
  close(): Promise<void>;
  remove(): Promise<void>;
}> {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), "varai-gateway-")));
  const env = parseGatewayEnv({ DATA_DIR: dir });
  const deps = await createRuntime(env, { logger: createLogger({ level: "silent" }) });
  return {
    deps,
    dataDir: dir,
    close: () => closeRuntime(deps),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
