import type { AddressInfo } from "node:net";
import { createHttpServer, installProcessGuard, type Logger, type RuntimeDeps, startTracing } from "@varai/runtime";
import { isAppError } from "@varai/schema";
import { createGatewayApp } from "./app.ts";
import { type GatewayEnv, loadGatewayEnv } from "./env.ts";
import { createLifecycle, type Lifecycle } from "./lifecycle.ts";
import { closePorts, openPorts } from "./ports.ts";
import { type Composition, composeServices } from "./services.ts";

function failStart(error: unknown, logger?: Logger): never {
  // A readable message, never a stack: configuration errors list every problem already.
  const message = isAppError(error) || error instanceof Error ? error.message : String(error);
  if (logger) logger.error({ reason: message }, "gateway failed to start");
  console.error(`VARAi gateway failed to start.\n${message}`);
  process.exit(1);
}

/**
 * Start-up work after listen (`/readyz` is 503 until it is done): the services' consumers and
 * schedules, the platform admin (its generated password printed once, to the terminal only:
 * passwords never go to the log), and the demo store. Returns the admin's email.
 */
async function runStartup(
  lifecycle: Lifecycle,
  composition: Composition,
  deps: RuntimeDeps,
  env: GatewayEnv,
  publicBaseUrl: string,
): Promise<string> {
  let adminEmail = "";
  const { modules } = composition;
  const logger = deps.logger;
  await lifecycle.start([
    {
      name: "services",
      run: async () => {
        for (const module of modules) await module.start?.();
      },
    },
    {
      name: "platform admin",
      run: async () => {
        const admin = await composition.auth.bootstrap();
        adminEmail = admin.adminEmail;
        if (admin.generatedPassword) {
          // Printed once, to the terminal only: passwords never go to the log.
          console.log(
            `\nPlatform admin created: ${admin.adminEmail}\nGenerated password (shown once): ${admin.generatedPassword}\n`,
          );
        }
      },
    },
    {
      name: "demo store",
      run: async () => {
        if (!env.demo) return;
        const seed = await composition.demo.seed({ publicBaseUrl, dataDir: env.dataDir, auth: composition.auth });
        logger.info({ ...seed }, "demo store");
      },
    },
  ]);
  return adminEmail;
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
    deps = await openPorts(env);
  } catch (error) {
    failStart(error);
  }
  const logger = deps.logger;
  // Traces (W3C trace context, OTLP/HTTP) only when a collector is configured.
  startTracing({ serviceName: "varai-gateway", otlpEndpoint: env.otlpEndpoint });
  // Logged and counted; the server keeps serving (see installProcessGuard).
  installProcessGuard({ logger });

  let publicBaseUrl = env.publicBaseUrl ?? "";
  const server = createHttpServer();
  let lifecycle: Lifecycle;
  let liveSockets: { close(): Promise<void> } | null = null;
  let adminEmail = "";
  try {
    const composition: Composition = await composeServices(deps, env);
    const { modules } = composition;
    lifecycle = createLifecycle({ server, modules, deps, logger, timeoutMs: env.shutdownTimeoutMs });
    const app = createGatewayApp({
      deps,
      modules,
      publicBaseUrl: () => publicBaseUrl,
      ...composition.middleware,
      // Not ready until the start-up steps below are done, nor once shutdown begins.
      readinessChecks: { startup: () => lifecycle.readiness() },
    });
    server.on("request", app);
    composition.live.sockets.attach(server);
    liveSockets = composition.live.sockets;
    server.requestTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(env.port, env.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    publicBaseUrl ||= `http://localhost:${port}`;
    adminEmail = await runStartup(lifecycle, composition, deps, env, publicBaseUrl);
    // To the terminal: where to sign in (the password was printed above when it was generated).
    console.log(
      `\nCommerce Studio: ${publicBaseUrl}/studio/  (sign in as ${adminEmail}` +
        `${env.demo ? "; to see the demo store, act on tenant ten_demo" : ""})\n`,
    );
    logger.info(
      { port, host: env.host, demo: `${publicBaseUrl}/demo`, studio: `${publicBaseUrl}/studio/` },
      `VARAi gateway listening; demo store at ${publicBaseUrl}/demo, Commerce Studio at ${publicBaseUrl}/studio/`,
    );
  } catch (error) {
    server.close();
    await closePorts(deps);
    failStart(error, logger);
  }

  const shutdown = async (reason: string, exitCode: number) => {
    // Sockets first: open WebSockets would hold the HTTP server's drain until its timeout.
    await liveSockets?.close();
    await lifecycle.stop(reason);
    logger.info({ exitCode }, "stopped");
    process.exit(exitCode);
  };

  process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
  process.on("SIGINT", () => void shutdown("SIGINT", 0));
}

await main();
