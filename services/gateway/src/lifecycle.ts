import type { Server } from "node:http";
import type { Logger, RuntimeDeps, ServiceModule } from "@varai/runtime";
import { closePorts } from "./ports.ts";

export interface LifecycleOptions {
  server: Server;
  modules: readonly ServiceModule[];
  deps: RuntimeDeps;
  logger: Logger;
  /** SHUTDOWN_TIMEOUT_MS: how long in-flight requests get, and then again how long in-flight jobs get. */
  timeoutMs: number;
}

export interface StartupStep {
  name: string;
  run(): Promise<void>;
}

export interface Lifecycle {
  /** For /readyz: fails while start-up work runs ("starting") and once shutdown began ("stopping"). */
  readiness(): Promise<void>;
  /** Runs the start-up steps in order (after listen, so probes answer meanwhile); ready once all are done. */
  start(steps: readonly StartupStep[]): Promise<void>;
  /**
   * Graceful stop, once: stop accepting and report not ready; let in-flight requests finish (their
   * keep-alive connections closed as each goes idle), cut what is left after `timeoutMs`; stop the
   * services (queue consumers wait for their in-flight jobs, again at most `timeoutMs`); close the ports.
   */
  stop(reason: string): Promise<void>;
}

const sleep = (ms: number) => new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms).unref());

/** The gateway process's phases, as /readyz and a SIGTERM see them. */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { server, logger, timeoutMs } = options;
  let phase: "starting" | "serving" | "stopping" = "starting";
  let stopping: Promise<void> | null = null;

  const drainRequests = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A connection is idle between requests; closing it then never cuts a response. Responses
    // finishing during the drain leave their connection idle, so sweep until the server is closed.
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    try {
      if ((await Promise.race([closed.then(() => "closed" as const), sleep(timeoutMs)])) === "timeout") {
        logger.warn({ timeoutMs }, "requests still running after the shutdown timeout; closing them");
        server.closeAllConnections();
        await closed;
      }
    } finally {
      clearInterval(sweep);
    }
  };

  const stopServices = async () => {
    for (const module of [...options.modules].reverse()) {
      try {
        await module.stop?.();
      } catch (error) {
        logger.warn(
          { service: module.name, reason: error instanceof Error ? error.message : String(error) },
          "stop failed",
        );
      }
    }
  };

  return {
    async readiness() {
      if (phase === "starting") throw new Error("still starting");
      if (phase === "stopping") throw new Error("shutting down");
    },

    async start(steps) {
      for (const step of steps) {
        const startedAt = performance.now();
        await step.run();
        logger.debug({ step: step.name, ms: Math.round(performance.now() - startedAt) }, "start-up step done");
      }
      if (phase === "starting") phase = "serving";
    },

    stop(reason) {
      stopping ??= (async () => {
        phase = "stopping";
        logger.info({ reason, timeoutMs }, "shutting down");
        await drainRequests();
        if ((await Promise.race([stopServices().then(() => "stopped" as const), sleep(timeoutMs)])) === "timeout")
          logger.warn({ timeoutMs }, "services still stopping after the shutdown timeout; closing the ports");
        await closePorts(options.deps);
      })();
      return stopping;
    },
  };
}
