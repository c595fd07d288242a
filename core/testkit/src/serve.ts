import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpApp, noopLogger, type ServiceModule, setPrincipal, withRawRoutes } from "@varai/runtime";
import type { Principal } from "@varai/schema";

/**
 * Serves service modules on 127.0.0.1:0 behind the shared HTTP skeleton, every request acting as
 * `principal` (benchmarks and service tests: real auth is tested in the auth service and gateway).
 */
export async function serveModules(options: {
  modules: ServiceModule[];
  principal: Principal;
}): Promise<{ url: string; close(): Promise<void> }> {
  const app = createHttpApp({
    modules: options.modules,
    logger: noopLogger,
    authenticate: (_req, res, next) => {
      setPrincipal(res, options.principal);
      next();
    },
  });
  const server = createServer(withRawRoutes(app, options.modules)).listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
