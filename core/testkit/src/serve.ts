import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServiceModule, withRawRoutes } from "@varai/runtime";
import type { Principal } from "@varai/schema";
import { createTestApp } from "./test-app.ts";

/**
 * Serves service modules on 127.0.0.1:0 behind the shared HTTP skeleton, every request acting as
 * `principal` (benchmarks: real auth is tested in the auth service and gateway).
 */
export async function serveModules(options: {
  modules: ServiceModule[];
  principal: Principal;
}): Promise<{ url: string; close(): Promise<void> }> {
  const app = createTestApp({ modules: options.modules, principal: options.principal });
  const server = createServer(withRawRoutes(app, options.modules)).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
