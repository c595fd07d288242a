import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureDemoKey } from "@varai/demo";
import { createLogger } from "@varai/runtime";
import { createGatewayApp } from "./app.ts";
import { parseGatewayEnv } from "./env.ts";
import { closePorts, openPorts } from "./ports.ts";
import { composeServices } from "./services.ts";

/**
 * The real gateway in this process on port 0 over a fresh temp DATA_DIR, seeded like
 * `pnpm start` seeds it (tests and benchmarks only). The base URL uses `localhost`: the
 * demo key's allowed origin.
 */
export async function startDemoGateway(): Promise<{ baseUrl: string; publishableKey: string; close(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "varai-demo-"));
  const env = parseGatewayEnv({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1" });
  const deps = await openPorts(env, { logger: createLogger({ level: "silent" }) });
  const composition = await composeServices(deps, env);
  let baseUrl = "";
  const app = createGatewayApp({
    deps,
    modules: composition.modules,
    publicBaseUrl: () => baseUrl,
    ...composition.middleware,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
  for (const module of composition.modules) await module.start?.();
  await composition.auth.bootstrap();
  await composition.demo.seed({ publicBaseUrl: baseUrl, dataDir, auth: composition.auth });
  return {
    baseUrl,
    publishableKey: await ensureDemoKey(composition.auth, { dataDir, origin: baseUrl }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const module of [...composition.modules].reverse()) await module.stop?.();
      await closePorts(deps);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
