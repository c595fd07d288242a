import type { AddressInfo } from "node:net";
import {
  closePorts,
  createHttpServer,
  createShopperIdentity,
  installProcessGuard,
  openPorts,
  type RuntimeDeps,
  startTracing,
} from "@varai/runtime";
import { isAppError } from "@varai/schema";
import { createRecsProcess } from "./standalone.ts";
import { parseRecsProcessEnv, type RecsProcessEnv } from "./standalone-env.ts";

/** `pnpm --filter @varai/recommendations start`: ml-datadriven-recos as its own process. */
async function main(): Promise<void> {
  let env: RecsProcessEnv;
  let deps: RuntimeDeps;
  try {
    env = parseRecsProcessEnv(process.env);
    deps = await openPorts(env);
  } catch (error) {
    console.error(
      `ml-datadriven-recos failed to start.\n${isAppError(error) || error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
  const logger = deps.logger.child({ deployable: "ml-datadriven-recos", region: env.region });
  installProcessGuard({ logger });
  const tracing = startTracing({ serviceName: `ml-datadriven-recos-${env.region}`, otlpEndpoint: env.otlpEndpoint });
  const shoppers = env.hashKey
    ? createShopperIdentity({ hashKey: env.hashKey, store: deps.store, clock: deps.clock })
    : undefined;
  const recs = createRecsProcess(deps, env, shoppers ? { shoppers } : {});
  const server = createHttpServer();
  server.on("request", recs.listener);
  await new Promise<void>((resolve) => server.listen(env.port, env.host, resolve));
  await recs.service.start?.();
  recs.markStarted();
  logger.info({ port: (server.address() as AddressInfo).port }, "ml-datadriven-recos listening");

  const shutdown = async (signal: string) => {
    logger.info({ signal }, "stopping");
    const timer = setTimeout(() => process.exit(1), env.shutdownTimeoutMs).unref();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await recs.service.stop?.();
    await closePorts(deps);
    // Flushes the spans still batched for the collector.
    await tracing?.shutdown();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

await main();
