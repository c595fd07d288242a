import type { AddressInfo } from "node:net";
import { createHttpServer, installProcessGuard, type Logger, type RuntimeDeps, startTracing } from "@varai/runtime";
import { isAppError } from "@varai/schema";
import { createLifecycle, type Lifecycle } from "./lifecycle.ts";
import { closePorts, openPorts } from "./ports.ts";
import { parseServiceProcessEnv, SERVICE_ROLES, type ServiceProcessEnv } from "./service-env.ts";
import { createServiceProcessApp } from "./service-process.ts";
import { composeServices } from "./services.ts";

/**
 * One service as its own process: `node src/service-main.ts <role>` (each service package's
 * `pnpm start` runs this with its role; VARAI_SERVICE works too). It composes the services as the
 * gateway does, over the same stores, then serves and starts only its own: the gateway forwards
 * that service's routes here (SERVICE_URL_<NAME>), and this process runs its consumers and
 * schedules. The other services are libraries here (privacy walks them all, catalog turns orders
 * into analytics events); nothing else of theirs runs.
 */

function failStart(error: unknown, logger?: Logger): never {
  const message = isAppError(error) || error instanceof Error ? error.message : String(error);
  if (logger) logger.error({ reason: message }, "service failed to start");
  console.error(`VARAi service failed to start.\n${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: ServiceProcessEnv;
  try {
    config = parseServiceProcessEnv(process.argv[2] ?? process.env.VARAI_SERVICE, process.env);
  } catch (error) {
    failStart(error);
  }
  const { role, env } = config;
  let deps: RuntimeDeps;
  try {
    deps = await openPorts(env);
  } catch (error) {
    failStart(error);
  }
  const logger = deps.logger.child({ deployable: `varai-${role}` });
  startTracing({ serviceName: `varai-${role}`, otlpEndpoint: env.otlpEndpoint });
  installProcessGuard({ logger });

  const server = createHttpServer();
  server.requestTimeout = 60_000;
  let lifecycle: Lifecycle;
  try {
    const composition = await composeServices(deps, env);
    const spec = SERVICE_ROLES[role];
    const module = composition.local.find((m) => m.name === spec.service);
    if (!module) throw new Error(`no service named ${spec.service}`);
    const running = spec.run ? [module] : [];
    // Stopped on shutdown whether it ran consumers or only served (it flushes what it buffered);
    // the live bus last (lifecycle stops in reverse order): consumers still publish while they drain.
    lifecycle = createLifecycle({
      server,
      modules: [composition.live, module],
      deps,
      logger,
      timeoutMs: env.shutdownTimeoutMs,
    });
    server.on(
      "request",
      createServiceProcessApp({
        role,
        served: spec.serve ? [module] : [],
        running,
        deps,
        internalKey: env.internalKey!,
        startup: () => lifecycle.readiness(),
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(env.port, env.host, () => resolve());
    });
    await lifecycle.start([
      {
        name: role,
        run: async () => {
          for (const m of running) await m.start?.();
        },
      },
    ]);
    logger.info({ port: (server.address() as AddressInfo).port, role }, `varai-${role} listening`);
  } catch (error) {
    server.close();
    await closePorts(deps);
    failStart(error, logger);
  }
  process.on("SIGTERM", () => void lifecycle.stop("SIGTERM").then(() => process.exit(0)));
  process.on("SIGINT", () => void lifecycle.stop("SIGINT").then(() => process.exit(0)));
}

await main();
