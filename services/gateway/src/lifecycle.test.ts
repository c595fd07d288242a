import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import type { ServiceModule } from "@varai/runtime";
import { Router } from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createGatewayApp } from "./app.ts";
import { createLifecycle } from "./lifecycle.ts";
import { createTempPorts } from "./test-helpers.ts";

/** A promise the test resolves: a start-up step, a request or a job that takes as long as the test says. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The gateway app on a real server, with one test module: `/slow` answers when `slow` opens, and a queue consumer. */
async function start(timeoutMs = 5_000) {
  const runtime = await createTempPorts();
  cleanups.push(() => runtime.remove());
  const { deps } = runtime;
  const slow = gate();
  const seen = { requests: 0, jobs: 0 };
  const router = Router();
  router.get("/slow", async (_req, res) => {
    seen.requests++;
    await slow.opened;
    res.json({ finished: true });
  });
  const handled: string[] = [];
  const job = gate();
  let consumer: ReturnType<typeof deps.queue.consume> | null = null;
  const module: ServiceModule = {
    name: "test",
    router,
    async start() {
      consumer = deps.queue.consume("test-jobs", async (j) => {
        seen.jobs++;
        await job.opened;
        handled.push(j.id);
      });
    },
    async stop() {
      await consumer?.stop();
    },
  };
  const server = http.createServer();
  // Long enough that only the lifecycle's own sweep can close a kept-alive connection in these tests.
  server.keepAliveTimeout = 60_000;
  const lifecycle = createLifecycle({ server, modules: [module], deps, logger: deps.logger, timeoutMs });
  server.on(
    "request",
    createGatewayApp({
      deps,
      modules: [module],
      publicBaseUrl: () => "http://localhost",
      readinessChecks: { startup: () => lifecycle.readiness() },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  cleanups.push(async () => {
    await lifecycle.stop("test over");
  });
  const services = { name: "services", run: () => module.start?.() ?? Promise.resolve() };
  return { deps, lifecycle, port, base: `http://127.0.0.1:${port}`, slow, job, handled, seen, services };
}

/** One raw HTTP/1.1 request on its own keep-alive socket; resolves with what came back once the socket closed. */
function rawRequest(port: number, path: string) {
  const socket = net.connect(port, "127.0.0.1");
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString();
  });
  const closed = new Promise<string>((resolve) => socket.once("close", () => resolve(received)));
  socket.on("error", () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n`);
  return { closed, received: () => received };
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });

const until = async (what: string, probe: () => boolean) => {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!probe()) throw new Error(`timed out waiting for ${what}`);
};

describe("gateway lifecycle", () => {
  it("reports not ready while a slow start-up step runs (liveness stays 200), ready once it is done", async () => {
    const { lifecycle, base } = await start();
    const step = gate();
    let done = false;
    const starting = lifecycle.start([{ name: "slow demo seed", run: () => step.opened }]).then(() => {
      done = true;
    });

    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", failed: ["startup"] });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(done).toBe(false);

    step.open();
    await starting;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.startup).toBe("ok");
  });

  it("on stop: refuses new connections, finishes the request in flight, waits for the job in flight, then closes the ports", async () => {
    const { lifecycle, port, deps, slow, job, handled, seen, services } = await start();
    await lifecycle.start([services]);
    await deps.queue.enqueue("test-jobs", { n: 1 }, { id: "job-1" });
    const inFlight = rawRequest(port, "/slow");
    await until("the request and the job to be in flight", () => seen.requests === 1 && seen.jobs === 1);

    let stopped = false;
    const stopping = lifecycle.stop("SIGTERM").then(() => {
      stopped = true;
    });
    await expect(lifecycle.readiness()).rejects.toThrow(/shutting down/);
    expect(await refused(port)).toBe(true);

    // The request in flight gets its full answer, and then its keep-alive connection is closed.
    slow.open();
    const response = await inFlight.closed;
    expect(response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(response).toContain('{"finished":true}');

    // The services stop next: the queue consumer waits for its job, and the ports stay open meanwhile.
    await new Promise((r) => setTimeout(r, 100));
    expect(stopped).toBe(false);
    await expect(deps.queue.ping()).resolves.toBeUndefined();
    job.open();
    await stopping;
    expect(handled).toEqual(["job-1"]);
    await expect(deps.queue.ping()).rejects.toBeTruthy();
  });

  it("cuts a request still running after the shutdown timeout, and stops all the same", async () => {
    const { lifecycle, port, seen } = await start(200);
    await lifecycle.start([]);
    const stuck = rawRequest(port, "/slow");
    await until("the request to be in flight", () => seen.requests === 1);
    await lifecycle.stop("SIGTERM");
    expect(await stuck.closed).toBe("");
  });
});
