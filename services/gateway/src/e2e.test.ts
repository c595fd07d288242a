import { closePorts } from "./ports.ts";
import { describeGatewayE2e } from "./test-end-to-end.ts";
import { startTestGateway } from "./test-helpers.ts";

/** The end-to-end suite on the default install: the gateway with every service in one process. */
describeGatewayE2e(async (env) => {
  const gateway = await startTestGateway(env);
  let stopped: Promise<void> | null = null;
  return {
    base: gateway.base,
    dataDir: gateway.dataDir,
    stop: () =>
      (stopped ??= (async () => {
        for (const m of [...gateway.modules].reverse()) await m.stop?.();
        await new Promise<void>((resolve) => gateway.server.close(() => resolve()));
        await closePorts(gateway.deps);
      })()),
    remove: gateway.remove,
  };
});
