import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AuthService } from "@varai/auth";
import { createLogger, type RuntimeDeps, type ServiceModule } from "@varai/runtime";
import { createGatewayApp } from "./app.ts";
import { parseGatewayEnv } from "./env.ts";
import type { LiveModule } from "./live/module.ts";
import { closePorts, openPorts } from "./ports.ts";
import { composeServices } from "./services.ts";

/** The real embedded ports (as `pnpm start` opens them) over a fresh temporary DATA_DIR (tests only). */
export async function createTempPorts(dataDir?: string): Promise<{
  deps: RuntimeDeps;
  dataDir: string;
  close(): Promise<void>;
  remove(): Promise<void>;
}> {
  const dir = dataDir ?? (await mkdtemp(path.join(tmpdir(), "varai-gateway-")));
  const env = parseGatewayEnv({ DATA_DIR: dir });
  const deps = await openPorts(env, { logger: createLogger({ level: "silent" }) });
  return {
    deps,
    dataDir: dir,
    close: () => closePorts(deps),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A JSON answer: its status and body (null when empty). */
export interface JsonAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on response bodies, they do not type them
  body: any;
}

/** One JSON call to the gateway at `base`, with a bearer token and extra headers when given. */
export async function callJson(
  base: string,
  method: string,
  url: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

export interface TestGateway {
  server: http.Server;
  base: string;
  /** `callJson` against this gateway. */
  call(
    method: string,
    url: string,
    token?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<JsonAnswer>;
  deps: RuntimeDeps;
  modules: ServiceModule[];
  auth: AuthService;
  live: LiveModule;
  dataDir: string;
  /** Deletes DATA_DIR (after the caller stopped modules, server and ports). */
  remove(): Promise<void>;
}

/**
 * The whole gateway as main.ts composes it, in process, over a fresh DATA_DIR: `env` is the
 * environment on top of that (tests only); `freePort()` gives a PORT for it. Services are started and the platform admin bootstrapped.
 */
export async function startTestGateway(env: Record<string, string>): Promise<TestGateway> {
  const temp = await createTempPorts();
  await temp.close();
  const gatewayEnv = parseGatewayEnv({ DATA_DIR: temp.dataDir, DEMO: "false", ML_WORKERS: "1", ...env });
  const deps = await openPorts(gatewayEnv, { logger: createLogger({ level: "silent" }) });
  const composition = await composeServices(deps, gatewayEnv);
  const { modules } = composition;
  const server = http.createServer();
  let base = "";
  server.on("request", createGatewayApp({ deps, modules, publicBaseUrl: () => base, ...composition.middleware }));
  composition.live.sockets.attach(server);
  // Port 0 unless PORT is given: a test whose platform webhooks must reach the gateway (the
  // catalog registers `http://localhost:<PORT>/webhooks/...` when PUBLIC_BASE_URL is unset) sets it.
  await new Promise<void>((resolve) => server.listen(env.PORT ? gatewayEnv.port : 0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const m of modules) await m.start?.();
  await composition.auth.bootstrap();
  return {
    server,
    base,
    call: (method, url, token, body, headers) => callJson(base, method, url, token, body, headers),
    deps,
    modules,
    auth: composition.auth,
    live: composition.live,
    dataDir: temp.dataDir,
    remove: temp.remove,
  };
}

/** Stops what startTestGateway started (sockets, modules, server, ports) and deletes DATA_DIR. */
export async function stopTestGateway(gateway: TestGateway): Promise<void> {
  await gateway.live.sockets.close();
  for (const m of gateway.modules) await m.stop?.();
  await new Promise((resolve) => gateway.server.close(resolve));
  await closePorts(gateway.deps);
  await gateway.remove();
}

/** A port that was free a moment ago (for PORT, when the gateway's own webhook URLs must work). */
export async function freePort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
