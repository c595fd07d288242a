import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, type RuntimeDeps, type ServiceModule } from "@varai/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayApp } from "../app.ts";
import { parseGatewayEnv, REMOTE_SERVICES } from "../env.ts";
import { composeServices } from "../services.ts";
import { createTempPorts, freePort } from "../test-helpers.ts";
import { remoteService } from "./remote-service.ts";

/**
 * A remote service forwards by its OpenAPI paths and raw-route prefixes, so a route a service
 * adds without documenting it would silently 404 behind the gateway once that service runs apart.
 * This walks every route each service's router really has (express internals, tests only) and
 * calls it through the service's remote stand-in, aimed at a port nobody listens on: forwarded
 * means 503 UPSTREAM_UNAVAILABLE, never the gateway's 404.
 */

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, sample path) of a router; `:id` and `{*rest}` filled in. */
function routesOf(module: ServiceModule): Array<{ method: string; path: string }> {
  const samples: Record<string, string> = {
    // widgets' model files (a regex route)
    "/widget/": "/widget/human/models/iris.json",
  };
  const out: Array<{ method: string; path: string }> = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const raw = layer.route.path;
        for (const method of Object.keys(layer.route.methods)) {
          const paths = typeof raw === "string" ? raw.split(",") : [];
          if (raw instanceof RegExp) {
            const sample = Object.entries(samples).find(([prefix]) =>
              raw.source.includes(prefix.replaceAll("/", "\\/")),
            );
            if (!sample) throw new Error(`no sample path for the regex route ${raw} of ${module.name}`);
            paths.push(sample[1]);
          }
          for (const path of paths)
            out.push({
              method: method.toUpperCase(),
              path: path.replace(/:[A-Za-z]+/g, "p1").replace(/\{\*[A-Za-z]+\}/g, "a/b"),
            });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((module.router as unknown as { stack: Layer[] }).stack);
  return out;
}

let close: () => Promise<void>;
let deps: RuntimeDeps;
let local: readonly ServiceModule[] = [];
const servers: http.Server[] = [];

beforeAll(async () => {
  const temp = await createTempPorts();
  const env = parseGatewayEnv({ DATA_DIR: temp.dataDir, DEMO: "false", ML_WORKERS: "1" });
  deps = temp.deps;
  ({ local } = await composeServices(deps, env));
  close = async () => {
    await temp.close();
    await temp.remove();
  };
});

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  await close?.();
});

describe("every route of a service that can run apart is forwarded", () => {
  it.each(REMOTE_SERVICES)("%s", async (name) => {
    const module = local.find((m) => m.name === name)!;
    expect(module).toBeDefined();
    const remote = remoteService(module, {
      baseUrl: `http://127.0.0.1:${await freePort()}`,
      internalKey: Buffer.alloc(32, 1),
      logger: createLogger({ level: "silent" }),
      ...(name === "widgets" ? { extraPrefixes: ["/widget/"] } : {}),
    });
    const server = http.createServer();
    servers.push(server);
    let base = "";
    server.on("request", createGatewayApp({ deps, modules: [remote], publicBaseUrl: () => base }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const routes = routesOf(module);
    expect(routes.length).toBeGreaterThan(0);
    const notForwarded: string[] = [];
    for (const { method, path } of routes) {
      const response = await fetch(`${base}${path}`, {
        method,
        ...(method === "GET" || method === "HEAD"
          ? {}
          : { headers: { "content-type": "application/json" }, body: "{}" }),
      });
      const text = await response.text();
      if (response.status !== 503 || !text.includes("UPSTREAM_UNAVAILABLE"))
        notForwarded.push(`${method} ${path}: ${response.status}`);
    }
    expect(notForwarded).toEqual([]);
  });
});
