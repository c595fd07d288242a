import type { AddressInfo } from "node:net";
import {
  createHttpServer,
  installProcessGuard,
  type Logger,
  type RuntimeDeps,
  type ServiceModule,
} from "@varai/runtime";
import { isAppError } from "@varai/schema";
import { createGatewayApp } from "./app.ts";
import { ensureDemoKey } from "./demo/demo-key.ts";
import { seedDemo } from "./demo/seed.ts";
import { type GatewayEnv, loadGatewayEnv } from "./env.ts";
import { closeRuntime, createRuntime } from "./runtime.ts";
import { type Composition, composeServices } from "./services.ts";

/** In-flight requests get this long to finish after SIGTERM before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

function failStart(error: unknown, logger?: Logger): never {
  // A readable message, never a stack: configuration errors list every problem already.
  const message = isAppError(error) || error instanceof Error ? error.message : String(error);
  if (logger) logger.error({ reason: message }, "gateway failed to start");
  console.error(`VARAi gateway failed to start.\n${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let env: GatewayEnv;
  try {
    env = loadGatewayEnv();
  } catch (error) {
    failStart(error);
  }

  let deps: RuntimeDeps;
  try {
    deps = await createRuntime(env);
  } catch (error) {
    failStart(error);
  }
  const logger = deps.logger;
  // Logged and counted; the server keeps serving (see installProcessGuard).
  installProcessGuard({ logger });

  let modules: ServiceModule[] = [];
  let publicBaseUrl = env.publicBaseUrl ?? "";
  let demoKey: string | null = null;
  let started = false;
  const server = createHttpServer();
  try {
    const composition: Composition = await composeServices(deps, env);
    modules = composition.modules;
    const app = createGatewayApp({
      deps,
      modules,
      publicBaseUrl: () => publicBaseUrl,
      ...composition.middleware,
      demoPublishableKey: () => demoKey,
      widgetScriptSrc: "/widget/varai.js",
      readinessChecks: {
        startup: async () => {
          if (!started) throw new Error("still starting");
        },
      },
    });
    server.on("request", app);
    server.requestTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(env.port, env.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    publicBaseUrl ||= `http://localhost:${port}`;
    for (const module of modules) await module.start?.();
    const admin = await composition.auth.bootstrap();
    if (admin.generatedPassword) {
      // Printed once, to the terminal only: passwords never go to the log.
      console.log(
        `\nPlatform admin created: ${admin.adminEmail}\nGenerated password (shown once): ${admin.generatedPassword}\n`,
      );
    }
    if (env.demo) {
      const seed = await seedDemo(deps, { publicBaseUrl });
      logger.info({ ...seed }, "demo store");
      if (seed.status !== "skipped")
        demoKey = await ensureDemoKey(composition.auth, {
          dataDir: env.dataDir,
          origin: new URL(publicBaseUrl).origin,
        });
    }
    started = true;
    logger.info(
      { port, host: env.host, demo: `${publicBaseUrl}/demo` },
      `VARAi gateway listening; demo store at ${publicBaseUrl}/demo`,
    );
  } catch (error) {
    server.close();
    await closeRuntime(deps);
    failStart(error, logger);
  }

  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, "shutting down");
    // Stop accepting; idle keep-alive connections close now, busy ones after their response.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => {
      logger.warn({ graceMs: SHUTDOWN_GRACE_MS }, "requests still running after the grace period; closing them");
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    await closed;
    clearTimeout(force);
    for (const module of [...modules].reverse()) {
      try {
        await module.stop?.();
      } catch (error) {
        logger.warn(
          { service: module.name, reason: error instanceof Error ? error.message : String(error) },
          "stop failed",
        );
      }
    }
    await closeRuntime(deps);
    logger.info({ exitCode }, "stopped");
    process.exit(exitCode);
  };

  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
  process.on("SIGINT", () => void shutdown("SIGINT", 0));
}

await main();
